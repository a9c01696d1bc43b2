/// <reference types="@webgpu/types" />
/**
 * WebGPU kernel for the scan: packed genotypes go to the GPU as they are (2 bits per call) and are decoded in
 * the shader (classSumsWgsl.ts). X is uploaded once per scan as hi/lo f32 pairs; chunks are split so every
 * buffer respects the device's maxStorageBufferBindingSize (columns of X in tiles, variants in slices).
 * The host turns class sums into ChunkStats in f64 (kernel.ts statsFromClassSums). Dosage chunks (VCF DS,
 * .pgen dosages, .bgen: Uint16 codes) use the CPU dosage path.
 */
import { CLASS_SUMS_WGSL } from './classSumsWgsl';
import { columnTotals, dosageStats, statsFromClassSums, type ChunkStats, type ClassSums, type SampleMatrix } from '../kernel';
import type { GenotypeChunk } from '../../io/GenotypeSource';
import type { StatsKernel } from '../StatsKernel';
import { DeviceLostError } from '../../base/errors';

const OUT_PER_CELL = 9;

/** Requests a WebGPU device with the adapter's largest storage-buffer limits (navigator.gpu must exist). */
export async function requestScanDevice(gpu: GPU | undefined = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu): Promise<GPUDevice> {
  if (!gpu) throw new DeviceLostError('WebGPU is not available here (no navigator.gpu)');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new DeviceLostError('WebGPU: no adapter');
  return adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
}

export interface GpuKernelOptions {
  /** Cap on one storage binding, for tests of the tiling (default: the device limit). */
  maxBindingBytes?: number;
}

/** A StatsKernel on a WebGPU device for the sample matrix X. */
export async function createGpuKernel(device: GPUDevice, X: SampleMatrix, opts: GpuKernelOptions = {}): Promise<StatsKernel> {
  const maxBind = Math.min(opts.maxBindingBytes ?? Infinity, device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const { n, m } = X;
  // Column tiles of X: each tile's hi (or lo) buffer must fit one binding.
  const colsPerTile = Math.max(1, Math.min(m, Math.floor(maxBind / (4 * Math.max(1, n)))));
  if (4 * n > maxBind) throw new DeviceLostError(`WebGPU: ${n} samples exceed the storage binding limit (${maxBind} bytes)`);
  const module = device.createShaderModule({ code: CLASS_SUMS_WGSL });
  const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  let lost: string | null = null;
  void device.lost.then((info) => {
    lost = info.message || 'device lost';
  });
  const tiles: { c0: number; mt: number; hi: GPUBuffer; lo: GPUBuffer }[] = [];
  for (let c0 = 0; c0 < m; c0 += colsPerTile) {
    const mt = Math.min(colsPerTile, m - c0);
    const hiArr = new Float32Array(n * mt);
    const loArr = new Float32Array(n * mt);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < mt; c++) {
        const x = X.data[i * m + c0 + c];
        const h = Math.fround(x);
        hiArr[i * mt + c] = h;
        loArr[i * mt + c] = x - h;
      }
    const hi = device.createBuffer({ size: Math.max(16, hiArr.byteLength), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    const lo = device.createBuffer({ size: Math.max(16, loArr.byteLength), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(hi, 0, hiArr);
    device.queue.writeBuffer(lo, 0, loArr);
    tiles.push({ c0, mt, hi, lo });
  }
  const totals = columnTotals(X);
  const wpv = Math.ceil(n / 16);

  async function classSumsGpu(chunk: GenotypeChunk): Promise<ClassSums> {
    if (lost) throw new DeviceLostError(`WebGPU device lost: ${lost}`);
    const packed = chunk.packed as Uint8Array;
    const bpv = chunk.bytesPerVariant;
    const count = chunk.count;
    const het = new Float64Array(count * m);
    const hom = new Float64Array(count * m);
    const miss = new Float64Array(count * m);
    const obs = new Int32Array(count);
    // Variants per dispatch: genotype and output buffers within the binding limit, y-dispatch within 65535*4.
    const perVariantOut = colsPerTile * OUT_PER_CELL * 4;
    const vPer = Math.max(1, Math.min(count, 65535 * 4, Math.floor(maxBind / (wpv * 4)), Math.floor(maxBind / perVariantOut)));
    for (let v0 = 0; v0 < count; v0 += vPer) {
      const vc = Math.min(vPer, count - v0);
      // Repack rows to u32-aligned strides (padding words of 0xff.. = hom other, never summed).
      const words = new Uint32Array(vc * wpv);
      const bytes = new Uint8Array(words.buffer);
      bytes.fill(0xff);
      for (let v = 0; v < vc; v++) bytes.set(packed.subarray((v0 + v) * bpv, (v0 + v + 1) * bpv), v * wpv * 4);
      for (let v = 0; v < vc; v++) {
        // obs: n minus missing calls (01 fields) among the first n samples.
        let nm = 0;
        const row = packed.subarray((v0 + v) * bpv, (v0 + v + 1) * bpv);
        for (let q = 0; q < bpv; q++) {
          let mk = row[q] & ~(row[q] >> 1) & 0x55;
          if (q === bpv - 1 && n % 4) mk &= (1 << (2 * (n % 4))) - 1;
          while (mk) {
            nm++;
            mk &= mk - 1;
          }
        }
        obs[v0 + v] = n - nm;
      }
      const genoBuf = device.createBuffer({ size: Math.max(16, words.byteLength), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(genoBuf, 0, words);
      for (const tile of tiles) {
        const outBytes = vc * tile.mt * OUT_PER_CELL * 4;
        const outBuf = device.createBuffer({ size: outBytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
        const readBuf = device.createBuffer({ size: outBytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
        const params = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
        device.queue.writeBuffer(params, 0, new Uint32Array([n, tile.mt, vc, wpv]));
        const bind = device.createBindGroup({
          layout: pipeline.getBindGroupLayout(0),
          entries: [
            { binding: 0, resource: { buffer: params } },
            { binding: 1, resource: { buffer: genoBuf } },
            { binding: 2, resource: { buffer: tile.hi } },
            { binding: 3, resource: { buffer: tile.lo } },
            { binding: 4, resource: { buffer: outBuf } },
          ],
        });
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass();
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, bind);
        pass.dispatchWorkgroups(Math.ceil(tile.mt / 16), Math.ceil(vc / 4));
        pass.end();
        enc.copyBufferToBuffer(outBuf, 0, readBuf, 0, outBytes);
        device.queue.submit([enc.finish()]);
        await readBuf.mapAsync(GPUMapMode.READ);
        const res = new Float32Array(readBuf.getMappedRange().slice(0));
        readBuf.unmap();
        for (const b of [outBuf, readBuf, params]) b.destroy();
        for (let v = 0; v < vc; v++)
          for (let c = 0; c < tile.mt; c++) {
            const o = (v * tile.mt + c) * OUT_PER_CELL;
            const dst = (v0 + v) * m + tile.c0 + c;
            hom[dst] = res[o] - res[o + 1] + res[o + 2];
            miss[dst] = res[o + 3] - res[o + 4] + res[o + 5];
            het[dst] = res[o + 6] - res[o + 7] + res[o + 8];
          }
      }
      genoBuf.destroy();
    }
    return { count, m, obs, het, hom, miss };
  }

  return {
    name: 'webgpu',
    async stats(chunk: GenotypeChunk): Promise<ChunkStats> {
      if (chunk.dosage && !chunk.packed) return dosageStats(chunk, X);
      return statsFromClassSums(await classSumsGpu(chunk), totals);
    },
    dispose() {
      for (const t of tiles) {
        t.hi.destroy();
        t.lo.destroy();
      }
    },
  };
}

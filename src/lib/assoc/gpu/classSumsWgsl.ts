/**
 * WGSL program: per-class sums of the rows of X over packed 2-bit genotypes, decoded in the shader.
 *
 * Program interface (one dispatch per chunk of variants and per tile of X's columns):
 *   binding 0  uniform  Params { n, m, count, wpv }   samples, columns of this tile, variants, u32 words/variant
 *   binding 1  storage  geno:  array<u32>             count * wpv words; variant v's sample j is bits
 *                                                      2*(j%16).. of word v*wpv + j/16 (PLINK .bed order, low bits first)
 *   binding 2  storage  xhi:   array<f32>             n * m, row-major: f32(X)
 *   binding 3  storage  xlo:   array<f32>             n * m: f32(X - xhi) (X carried at ~48-bit precision)
 *   binding 4  storage  outv:  array<f32>             count * m * 9: per class (hom A1, missing, het) the Kahan
 *                                                      sum, its compensation, and the sum of the lo parts
 * Dispatch: (ceil(m / 16), ceil(count / 4)), workgroup (16, 4): x = column, y = variant. Threads of a row share
 * one variant, so every genotype word is a broadcast load and the class branch never diverges along x.
 * Accuracy: Kahan-compensated f32 sums of the hi parts plus the lo parts; the host adds s - c + lo in f64.
 * Measured on SwiftShader against the f64 CPU kernel: see tests/assoc/gpu.test.ts (relative 1e-7 typical).
 */
export const CLASS_SUMS_WGSL = /* wgsl */ `
struct Params {
  n: u32,
  m: u32,
  count: u32,
  wpv: u32,
};

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> geno: array<u32>;
@group(0) @binding(2) var<storage, read> xhi: array<f32>;
@group(0) @binding(3) var<storage, read> xlo: array<f32>;
@group(0) @binding(4) var<storage, read_write> outv: array<f32>;

@compute @workgroup_size(16, 4)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  let v = gid.y;
  if (c >= P.m || v >= P.count) {
    return;
  }
  // index by 2-bit code: 0 = hom A1, 1 = missing, 2 = het (3 = hom other is never summed)
  var s = array<f32, 3>(0.0, 0.0, 0.0);
  var comp = array<f32, 3>(0.0, 0.0, 0.0);
  var lo = array<f32, 3>(0.0, 0.0, 0.0);
  let base = v * P.wpv;
  for (var w = 0u; w < P.wpv; w = w + 1u) {
    var word = geno[base + w];
    if (word == 0xffffffffu) {
      continue; // 16 samples with zero copies of A1
    }
    let i0 = w * 16u;
    let lim = min(16u, P.n - i0);
    for (var j = 0u; j < lim; j = j + 1u) {
      let code = word & 3u;
      word = word >> 2u;
      if (code == 3u) {
        continue;
      }
      let xi = (i0 + j) * P.m + c;
      let y = xhi[xi] - comp[code];
      let t = s[code] + y;
      comp[code] = (t - s[code]) - y;
      s[code] = t;
      lo[code] = lo[code] + xlo[xi];
    }
  }
  let o = (v * P.m + c) * 9u;
  for (var k = 0u; k < 3u; k = k + 1u) {
    outv[o + k * 3u] = s[k];
    outv[o + k * 3u + 1u] = comp[k];
    outv[o + k * 3u + 2u] = lo[k];
  }
}
`;

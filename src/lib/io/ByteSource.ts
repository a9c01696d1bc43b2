/**
 * Random-access bytes of one input file: a File/Blob in the browser (Blob.slice), a file on disk in Node
 * (see nodeFileSource.ts). Readers take a ByteSource, never a whole ArrayBuffer, so genotype files are read in
 * bounded chunks. Sources are read-only: nothing here can change the user's file.
 */
export interface ByteSource {
  /** File name as the user knows it, used in error messages. */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** Reads [offset, offset + length) clipped to the file end. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function blobSource(blob: Blob, name = (blob as File).name ?? 'blob'): ByteSource {
  return {
    name,
    size: blob.size,
    async read(offset, length) {
      const end = Math.min(blob.size, offset + length);
      return new Uint8Array(await blob.slice(offset, end).arrayBuffer());
    },
  };
}

export function bytesSource(bytes: Uint8Array, name: string): ByteSource {
  return {
    name,
    size: bytes.length,
    async read(offset, length) {
      return bytes.subarray(offset, Math.min(bytes.length, offset + length));
    },
  };
}

/** Streams a source front to back in pieces of `chunkBytes`. */
export async function* readChunks(src: ByteSource, chunkBytes = 1 << 20, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  for (let off = 0; off < src.size; off += chunkBytes) {
    if (signal?.aborted) return;
    yield await src.read(off, chunkBytes);
  }
}

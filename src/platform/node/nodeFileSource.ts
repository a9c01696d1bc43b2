/** Node-only ByteSource over a file on disk (CLI, tests, benchmarks). Opens read-only. */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { statSync } from 'node:fs';
import type { ByteSource } from '../../lib/io/ByteSource';

export function nodeFileSource(path: string): ByteSource {
  const size = statSync(path).size;
  return {
    name: basename(path),
    size,
    async read(offset, length) {
      const len = Math.max(0, Math.min(length, size - offset));
      const fh = await open(path, 'r');
      try {
        const buf = new Uint8Array(len);
        let got = 0;
        while (got < len) {
          const { bytesRead } = await fh.read(buf, got, len - got, offset + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        return got === len ? buf : buf.subarray(0, got);
      } finally {
        await fh.close();
      }
    },
  };
}

/** Node-only: reads the built-in gene table from public/genes_GRCh38.tsv.gz in the repository (CLI, tests). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GeneSet } from '../../lib/annotate/Gene';
import { BUILTIN_GENES_FILE, parseBuiltinGenes } from '../../lib/annotate/loadBuiltinGenes';
import { projectRoot } from './projectRoot';

export function builtinGenesPath(): string {
  return join(projectRoot(), 'public', BUILTIN_GENES_FILE);
}

let cached: Promise<GeneSet> | null = null;

/** The built-in gene set, read once per process. */
export function readBuiltinGenesNode(): Promise<GeneSet> {
  if (!cached) {
    cached = readFile(builtinGenesPath()).then((buf) => parseBuiltinGenes(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)));
    cached.catch(() => {
      cached = null;
    });
  }
  return cached;
}

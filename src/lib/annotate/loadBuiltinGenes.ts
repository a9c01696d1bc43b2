/**
 * The built-in GRCh38 gene table, shipped gzipped as public/genes_GRCh38.tsv.gz (scripts/make-genes.mjs;
 * NCBI Entrez Gene / UCSC hg38 via Bioconductor org.Hs.eg.db 3.16.0). In the browser it is fetched from the
 * same origin (and precached by the service worker); in Node see nodeBuiltinGenes.ts. Parsing is shared and
 * pure over bytes: a body that is not gzip (a server that already decoded it) is read as plain text.
 */
import { bytesSource } from '../io/ByteSource';
import { LatentScanError } from '../base/errors';
import type { GeneSet } from './Gene';
import { readGeneFile } from './readGeneFile';

/** File name of the built-in table under public/ (served at the site root). */
export const BUILTIN_GENES_FILE = 'genes_GRCh38.tsv.gz';
export const BUILTIN_GENES_LABEL = 'built-in GRCh38 (NCBI Entrez Gene / UCSC hg38, org.Hs.eg.db 3.16.0)';

/** Parses the built-in table from its bytes (gzip or plain). */
export async function parseBuiltinGenes(bytes: Uint8Array, signal?: AbortSignal): Promise<GeneSet> {
  const set = await readGeneFile(bytesSource(bytes, BUILTIN_GENES_FILE), { format: 'builtin', signal });
  return { ...set, source: BUILTIN_GENES_LABEL };
}

/**
 * Browser: fetches the built-in table from `baseUrl` (default: the page's base, import.meta.env.BASE_URL
 * under Vite) and parses it. `fetchFn` is injectable for tests.
 */
export async function fetchBuiltinGenes(baseUrl = './', fetchFn: typeof fetch = fetch, signal?: AbortSignal): Promise<GeneSet> {
  const url = baseUrl.endsWith('/') ? baseUrl + BUILTIN_GENES_FILE : `${baseUrl}/${BUILTIN_GENES_FILE}`;
  const res = await fetchFn(url, { signal });
  if (!res.ok) throw new LatentScanError('internal', `could not load the built-in gene table ${url}: HTTP ${res.status}`);
  return parseBuiltinGenes(new Uint8Array(await res.arrayBuffer()), signal);
}

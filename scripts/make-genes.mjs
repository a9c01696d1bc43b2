// Regenerates public/genes_GRCh38.tsv.gz, the built-in GRCh38 gene table shipped with the app, from the
// reference table (../shared/data/genes_GRCh38.tsv: NCBI Entrez Gene records with UCSC hg38 locations, via
// Bioconductor org.Hs.eg.db 3.16.0; see docs/annotation-and-report.md for the credit).
//   node scripts/make-genes.mjs [SOURCE_TSV] [OUT_GZ]
// The output is deterministic (gzip level 9, no timestamp), so re-running it leaves git clean.
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = process.argv[2] ?? resolve(root, '../shared/data/genes_GRCh38.tsv');
const out = process.argv[3] ?? resolve(root, 'public/genes_GRCh38.tsv.gz');

const text = readFileSync(src, 'utf8');
const lines = text.split('\n').filter((l) => l.length > 0);
const header = lines[0].split('\t');
const want = ['chrom', 'start', 'end', 'symbol', 'entrez_id', 'strand', 'type'];
if (header.join('\t') !== want.join('\t')) {
  console.error(`${src}: header must be ${want.join(' ')}, found ${header.join(' ')}`);
  process.exit(1);
}
for (let i = 1; i < lines.length; i++) {
  const f = lines[i].split('\t');
  if (f.length !== want.length || !/^\d+$/.test(f[1]) || !/^\d+$/.test(f[2]) || Number(f[1]) > Number(f[2])) {
    console.error(`${src}:${i + 1}: malformed gene row: ${lines[i]}`);
    process.exit(1);
  }
}
const gz = gzipSync(Buffer.from(lines.join('\n') + '\n', 'utf8'), { level: 9 });
writeFileSync(out, gz);
console.log(`wrote ${out}: ${lines.length - 1} genes, ${gz.length} bytes`);

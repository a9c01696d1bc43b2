/**
 * Child process of bench/genotypes.bench.ts: streams PREFIX.bed through openBed and decodes every variant,
 * in its own process so its peak resident memory (maxRSS) is measured alone.
 * Usage: tsx bench/genotypesDecodeChild.ts PREFIX counts|dosage  -> one JSON line on stdout.
 */
import { openGenotypes } from '../src/cli/openGenotypes';
import { decodeDosages, genotypeCounts } from '../src/lib/io/bedDecode';
import { statSync } from 'node:fs';

async function main(): Promise<void> {
  const [prefix, mode] = process.argv.slice(2);
  const t0 = performance.now();
  const src = await openGenotypes({ bfile: prefix });
  const n = src.samples.iid.length;
  const row = new Float32Array(n);
  let variants = 0;
  let checksum = 0;
  for await (const c of src.chunks()) {
    if (mode === 'counts') {
      const k = genotypeCounts(c.packed!, n, c.count);
      for (let v = 0; v < c.count; v++) checksum += k.a1[v];
    } else {
      for (let v = 0; v < c.count; v++) {
        decodeDosages(c.packed!, v * c.bytesPerVariant, n, row);
        checksum += row[0] || 0;
      }
    }
    variants += c.count;
  }
  const seconds = (performance.now() - t0) / 1000;
  const bytes = statSync(`${prefix}.bed`).size;
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ seconds, bytes, variants, maxRssMB, checksum }));
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});

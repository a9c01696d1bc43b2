/**
 * Child process of bench/dosage.bench.ts: streams a .pgen (with dosages) or a .bgen through our reader and
 * sums every dosage (decoded from the chunks' Uint16 codes), in its own process so its peak resident memory (maxRSS) is its own.
 * Usage: tsx bench/dosageDecodeChild.ts pgen PREFIX | bgen FILE.bgen  -> one JSON line on stdout.
 */
import { statSync } from 'node:fs';
import { openPgen } from '../src/lib/io/pgen';
import { openBgen } from '../src/lib/io/bgen';
import { nodeFileSource } from '../src/platform/node/nodeFileSource';
import type { GenotypeSource } from '../src/lib/io/GenotypeSource';
import { DOSAGE_MISSING, DOSAGE_SCALE } from '../src/lib/io/dosageCode';

async function main(): Promise<void> {
  const [format, path] = process.argv.slice(2);
  const t0 = performance.now();
  let src: GenotypeSource;
  let file: string;
  if (format === 'pgen') {
    file = `${path}.pgen`;
    src = await openPgen({ pgen: nodeFileSource(file), pvar: nodeFileSource(`${path}.pvar`), psam: nodeFileSource(`${path}.psam`) });
  } else if (format === 'bgen') {
    file = path;
    src = await openBgen({ bgen: nodeFileSource(file), sample: nodeFileSource(path.replace(/\.bgen$/, '.sample')) });
  } else throw new Error(`format ${format}: expected pgen or bgen`);
  let variants = 0;
  let dosages = 0;
  let checksum = 0;
  for await (const c of src.chunks()) {
    if (!c.dosage) throw new Error(`${file}: expected dosage chunks`);
    const d = c.dosage;
    for (let i = 0; i < d.length; i++) if (d[i] !== DOSAGE_MISSING) checksum += d[i] * DOSAGE_SCALE;
    variants += c.count;
    dosages += c.dosage.length;
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ seconds, bytes: statSync(file).size, variants, dosages, checksum, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

/**
 * `npm run bench [-- --quick] [-- --only assoc,ae]`: runs every bench/<area>.bench.ts, each measuring our
 * code and the reference tool on the same input in the same run, and prints one table with ratios
 * (reference time / our time: above 1 means LatentScan is faster). Results also go to bench/out/.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, BenchRow } from './types';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyIdx = argv.indexOf('--only');
const only = onlyIdx >= 0 ? argv[onlyIdx + 1]?.split(',') : undefined;

function fmt(x: number | undefined, digits = 2): string {
  return x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits);
}

async function main(): Promise<void> {
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => !only || only.includes(f.replace('.bench.ts', '')))
    .sort();
  const rows: BenchRow[] = [];
  for (const f of files) {
    const workDir = mkdtempSync(join(tmpdir(), `latentscan-bench-${f.replace('.bench.ts', '')}-`));
    const opts: BenchOptions = { quick, workDir };
    console.error(`bench: ${f} (${quick ? 'quick' : 'full'})`);
    try {
      const mod = (await import(join(here, f))) as { run(o: BenchOptions): Promise<BenchRow[]> };
      const got = await mod.run(opts);
      for (const r of got) console.error(`  ${r.name}: ours ${fmt(r.ours.seconds)} s${r.reference ? `, ${r.reference.tool} ${fmt(r.reference.seconds)} s` : ''}`);
      rows.push(...got);
    } catch (e) {
      console.error(`bench: ${f} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exitCode = 1;
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }
  const header = '| area | benchmark | size | ours s | ours peak MB | ours throughput | reference | ref s | ref peak MB | time ratio (ref/ours) | note |';
  const lines = [header, '|' + ' --- |'.repeat(11)];
  for (const r of rows) {
    const ratio = r.reference ? r.reference.seconds / r.ours.seconds : undefined;
    const tp = r.ours.throughput ? `${fmt(r.ours.throughput.value, 1)} ${r.ours.throughput.unit}` : '-';
    lines.push(
      `| ${r.area} | ${r.name} | ${r.size} | ${fmt(r.ours.seconds)} | ${fmt(r.ours.peakMB, 0)} | ${tp} | ${r.reference?.tool ?? '-'} | ${fmt(r.reference?.seconds)} | ${fmt(r.reference?.peakMB, 0)} | ${ratio === undefined ? '-' : fmt(ratio) + 'x'} | ${r.note ?? ''} |`,
    );
  }
  const table = lines.join('\n');
  console.log(table);
  const outDir = join(here, 'out');
  mkdirSync(outDir, { recursive: true });
  const stamp = new Date().toISOString();
  writeFileSync(join(outDir, 'results.json'), JSON.stringify({ date: stamp, quick, rows }, null, 2));
  writeFileSync(join(outDir, 'results.md'), `# npm run bench${quick ? ' -- --quick' : ''}, ${stamp}\n\n${table}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

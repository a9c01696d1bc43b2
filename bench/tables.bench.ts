/**
 * Table parsing benchmark (issue 3): a generated numeric CSV (20,000 x 500 full, 5,000 x 500 quick), parsed
 * by readTable in a child process under /usr/bin/time -v, so peak RSS is the kernel's figure. The issue's
 * bound: peak memory < 2 x the Float32 matrix + the input chunk (1 MiB); we report the peak above a baseline
 * child that loads the same modules and parses a one-row table (Node's own ~50 MB). Reference row: R's
 * read.csv (data.table is not installed), timed the same way. Also: the same table gzipped.
 *
 * Run alone: npx tsx bench/run.ts --only tables [--quick]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync, createWriteStream, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, BenchRow } from './types';

const CHILD_FLAG = '--tables-bench-child';
const CHUNK_BYTES = 1 << 20;

interface ChildResult {
  seconds: number;
  /** CPU seconds of the parse (user + system): robust to other jobs on the machine, unlike wall time. */
  cpuSeconds: number;
  rows: number;
  cols: number;
  rssSampledMB: number;
}

async function writeCsv(path: string, n: number, p: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (s: string) => new Promise<void>((res) => (out.write(s) ? res() : out.once('drain', () => res())));
  await write('IID,' + Array.from({ length: p }, (_, j) => `p${j}`).join(',') + '\n');
  let x = 12345;
  let buf = '';
  for (let i = 0; i < n; i++) {
    buf += `id${i}`;
    for (let j = 0; j < p; j++) {
      x = (x * 16807) % 2147483647;
      // 4 decimals, ~1% missing
      buf += x % 100 === 0 ? ',NA' : `,${((x / 2147483647) * 10 - 5).toFixed(4)}`;
    }
    buf += '\n';
    if (buf.length > 1 << 20) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  await new Promise<void>((res) => out.end(() => res()));
}

/** Runs a command under /usr/bin/time -v; returns its stdout, wall seconds and max RSS (MB). */
function timed(cmd: string, args: string[]): { stdout: string; seconds: number; peakMB: number } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  if (!m) throw new Error('no "Maximum resident set size" in /usr/bin/time -v output (apt-get install -y time)');
  return { stdout: r.stdout, seconds, peakMB: Number(m[1]) / 1024 };
}

function runChild(file: string): ChildResult & { peakMB: number } {
  const self = fileURLToPath(import.meta.url);
  const r = timed(process.execPath, ['--import', 'tsx', self, CHILD_FLAG, file]);
  const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
  return { ...res, peakMB: r.peakMB };
}

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const n = opts.quick ? 5000 : 20000;
  const p = 500;
  const csv = join(opts.workDir, 'table.csv');
  await writeCsv(csv, n, p);
  const gz = join(opts.workDir, 'table.csv.gz');
  writeFileSync(gz, gzipSync(readFileSync(csv), { level: 6 }));
  const tiny = join(opts.workDir, 'tiny.csv');
  writeFileSync(tiny, 'IID,a\nx,1\n');
  const mb = statSync(csv).size / 1e6;
  const gzMb = statSync(gz).size / 1e6;
  const matrixMB = (n * p * 4) / 2 ** 20;
  const boundMB = 2 * matrixMB + CHUNK_BYTES / 2 ** 20;

  const base = runChild(tiny);
  const ours = runChild(csv);
  if (ours.rows !== n || ours.cols !== p) throw new Error(`parsed ${ours.rows} x ${ours.cols}, expected ${n} x ${p}`);
  const oursGz = runChild(gz);
  const aboveBase = ours.peakMB - base.peakMB;
  const aboveBaseGz = oursGz.peakMB - base.peakMB;

  let reference: BenchRow['reference'];
  let refNote = '';
  try {
    execFileSync('Rscript', ['--version'], { stdio: 'ignore' });
    const r = timed('Rscript', ['-e', `t <- system.time(x <- read.csv("${csv}"))[["elapsed"]]; cat(nrow(x), ncol(x), t, "\\n")`]);
    const [rn, rc, rs] = r.stdout.trim().split(/\s+/).map(Number);
    if (rn !== n || rc !== p + 1) throw new Error(`R read ${rn} x ${rc}`);
    reference = { tool: 'R read.csv', seconds: rs, peakMB: r.peakMB, throughput: { value: mb / rs, unit: 'MB/s' } };
  } catch (e) {
    refNote = `; R reference not run: ${e instanceof Error ? e.message.split('\n')[0] : String(e)} (apt-get install -y r-base-core)`;
  }
  const size = `${n} x ${p} numeric CSV, ${mb.toFixed(1)} MB`;
  const verdict = (above: number) => (above < boundMB ? 'within' : 'OVER');
  return [
    {
      area: 'tables',
      name: 'readTable CSV',
      size,
      ours: { seconds: ours.seconds, peakMB: ours.peakMB, throughput: { value: mb / ours.seconds, unit: 'MB/s' } },
      reference,
      note:
        `parse ${ours.seconds.toFixed(2)} s wall, ${ours.cpuSeconds.toFixed(2)} CPU s (${(mb / ours.cpuSeconds).toFixed(0)} MB per CPU s); peak RSS ${ours.peakMB.toFixed(0)} MB, ` +
        `${aboveBase.toFixed(0)} MB above a baseline child (${base.peakMB.toFixed(0)} MB); Float32 matrix ${matrixMB.toFixed(1)} MB, ` +
        `bound 2 x matrix + 1 MiB chunk = ${boundMB.toFixed(1)} MB: ${verdict(aboveBase)}; ` +
        `seconds are the parse alone (R: system.time(read.csv)), peak MB the whole process (/usr/bin/time -v)${refNote}`,
    },
    {
      area: 'tables',
      name: 'readTable CSV.gz (fflate)',
      size: `${size}, ${gzMb.toFixed(1)} MB gzipped`,
      ours: { seconds: oursGz.seconds, peakMB: oursGz.peakMB, throughput: { value: mb / oursGz.seconds, unit: 'MB/s (uncompressed)' } },
      note: `${oursGz.cpuSeconds.toFixed(2)} CPU s; ${aboveBaseGz.toFixed(0)} MB above baseline (bound ${boundMB.toFixed(1)} MB): ${verdict(aboveBaseGz)} (fflate allocates fresh output buffers per push)`,
    },
  ];
}

/** Child: parse the file, print { seconds, cpuSeconds, rows, cols, rssSampledMB } as JSON. */
async function child(file: string): Promise<void> {
  const { loadTable } = await import('../src/cli/loadTable');
  let maxRss = process.memoryUsage().rss;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const t = await loadTable(file, {
    onProgress: () => {
      maxRss = Math.max(maxRss, process.memoryUsage().rss);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  maxRss = Math.max(maxRss, process.memoryUsage().rss);
  const res: ChildResult = { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, rows: t.ids.length, cols: t.columns.length, rssSampledMB: maxRss / 2 ** 20 };
  console.log(JSON.stringify(res));
}

if (process.argv[2] === CHILD_FLAG) {
  child(process.argv[3]).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}

/**
 * Runs one command under `/usr/bin/time -v` for the benches: wall seconds, peak resident memory and CPU
 * seconds (user + system, all threads) of the process, and its stdout. Throws with the tail of stderr when the
 * command fails.
 */
import { spawnSync } from 'node:child_process';

export interface Timed {
  seconds: number;
  peakMB?: number;
  /** User + system CPU seconds of the process (all threads), from /usr/bin/time -v. */
  cpu?: number;
  stdout: string;
}

export function timed(cmd: string, args: string[], cwd: string): Timed {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr?.slice(-2000)}`);
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  const u = /User time \(seconds\): ([\d.]+)/.exec(r.stderr ?? '');
  const sy = /System time \(seconds\): ([\d.]+)/.exec(r.stderr ?? '');
  const cpu = u && sy ? Number(u[1]) + Number(sy[1]) : undefined;
  return { seconds, peakMB: m ? Number(m[1]) / 1024 : undefined, cpu, stdout: r.stdout };
}

/** Runs an R script in a temp dir for the validation oracle tests; fails with the apt-get line when R is absent. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function requireR(pkg?: string): void {
  try {
    execFileSync('Rscript', ['--version'], { stdio: 'pipe' });
  } catch {
    throw new Error('Rscript not found: install R (apt-get install -y r-base-core r-cran-survival) to run the validation oracle tests');
  }
  if (pkg) {
    try {
      execFileSync('Rscript', ['-e', `stopifnot(requireNamespace("${pkg}", quietly = TRUE))`], { stdio: 'pipe' });
    } catch {
      throw new Error(`R package ${pkg} not found: apt-get install -y r-cran-${pkg}`);
    }
  }
}

/**
 * Writes `files` (name -> text) to a temp dir, runs `script` there (working directory = the dir) and returns
 * the text of each output file asked for.
 */
export function runR(files: Record<string, string>, script: string, outputs: string[]): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'validate-r-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    writeFileSync(join(dir, 'run.R'), script);
    execFileSync('Rscript', ['run.R'], { cwd: dir, stdio: 'pipe' });
    const out: Record<string, string> = {};
    for (const f of outputs) out[f] = readFileSync(join(dir, f), 'utf8');
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function numbers(text: string): number[] {
  return text
    .trim()
    .split(/\s+/)
    .map(Number);
}

export function toCsv(cols: Record<string, ArrayLike<number>>): string {
  const names = Object.keys(cols);
  const n = cols[names[0]].length;
  const lines = [names.join(',')];
  for (let i = 0; i < n; i++) lines.push(names.map((k) => Number(cols[k][i]).toPrecision(17)).join(','));
  return lines.join('\n') + '\n';
}

import { spawnSync } from 'node:child_process';

/** Fails with a message naming the missing tool and the Debian package that provides it. */
export function requireRscriptWith(pkg: string): void {
  const r = spawnSync('Rscript', ['-e', `suppressMessages(library(${pkg}))`], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(
      `Rscript with the R package '${pkg}' is required for this oracle test: apt-get install -y r-base-core r-cran-${pkg} (${r.error?.message ?? r.stderr})`,
    );
  }
}

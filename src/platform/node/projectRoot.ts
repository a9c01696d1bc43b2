/**
 * Node-only: the repository root (the folder whose package.json is LatentScan's), found by walking up from
 * this module. The same code finds it from src/platform/node (run by tsx) and from dist-cli/<build>/ (the
 * CLI bundle, scripts/build-cli.mjs), so files under the root (package.json, public/) are found from both.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

export function projectRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'latentscan') return (cached = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`no LatentScan package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** LatentScan's version from package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

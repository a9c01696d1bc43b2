/** Helpers for the SQLite and .bgi tests: the sqlite3 CLI (Debian package sqlite3) as the reference. */
import { execFileSync, spawnSync } from 'node:child_process';

/** Whether the sqlite3 CLI is installed; the tests that need it are skipped (with a message) when not. */
export const HAVE_SQLITE = !spawnSync('sqlite3', ['--version']).error;

/** Prints why `file` is skipped when sqlite3 is missing. */
export function warnIfNoSqlite(file: string): void {
  if (!HAVE_SQLITE) console.warn(`${file} skipped: the sqlite3 CLI is not installed (apt-get install -y sqlite3)`);
}

/** Runs SQL through the sqlite3 CLI on `path` (created when absent); returns stdout. `args` go before the path. */
export function sqlite3(path: string, sql: string, args: string[] = []): string {
  return execFileSync('sqlite3', ['-bail', ...args, path], { input: sql, encoding: 'utf8', maxBuffer: 1 << 28 });
}

/** Rows of a query as sqlite3 prints them with a tab separator (NULL as ''). */
export function sqliteRows(path: string, query: string): string[][] {
  const out = sqlite3(path, query.endsWith(';') ? query : `${query};`, ['-separator', '\t']);
  return out.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

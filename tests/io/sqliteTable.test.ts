// The SQLite 3 file reader (src/lib/io/sqliteTable.ts) on databases written by the sqlite3 CLI: every serial
// type, the rowid alias, WITHOUT ROWID column order, seeks (ASC and DESC keys), reserved bytes and 64 KiB
// pages. The .bgi reader on top of it is tested in tests/io/bgi.test.ts.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openSqlite, type SqliteValue } from '../../src/lib/io/sqliteTable';
import { nodeFileSource } from '../../src/platform/node/nodeFileSource';
import { tempDir } from './genoFixtures';
import { HAVE_SQLITE, sqlite3, warnIfNoSqlite } from './sqliteFixtures';

warnIfNoSqlite('tests/io/sqliteTable.test.ts');

async function allRows(path: string, table: string): Promise<SqliteValue[][]> {
  const t = (await openSqlite(nodeFileSource(path))).table(table);
  const out: SqliteValue[][] = [];
  for await (const r of t.rows()) out.push(r);
  return out;
}

describe.skipIf(!HAVE_SQLITE)('openSqlite', () => {
  it('decodes every serial type, the rowid alias and default-less added columns', async () => {
    const path = join(tempDir('sqlite'), 'types.db');
    sqlite3(
      path,
      `CREATE TABLE t (id INTEGER PRIMARY KEY, v);
       INSERT INTO t (v) VALUES (NULL), (0), (1), (-1), (127), (-128), (32767), (-8388608), (2147483647), (1099511627776),
         (-140737488355328), (9007199254740993), (-9223372036854775808), (1.5), (-2.25e-300), (x'00ff10'), ('héllo 𝄞'), ('');
       INSERT INTO t VALUES (100, 'after a gap');
       ALTER TABLE t ADD COLUMN w TEXT;
       INSERT INTO t VALUES (101, 'x', 'w');`,
    );
    const rows = await allRows(path, 't');
    expect(rows.map((r) => r[0])).toEqual([...Array.from({ length: 18 }, (_, i) => i + 1), 100, 101]);
    expect(rows.map((r) => r[1])).toEqual([
      null, 0, 1, -1, 127, -128, 32767, -8388608, 2147483647, 1099511627776, -140737488355328, 9007199254740993n,
      -9223372036854775808n, 1.5, -2.25e-300, new Uint8Array([0, 255, 16]), 'héllo 𝄞', '', 'after a gap', 'x',
    ]);
    expect(rows.map((r) => r[2])).toEqual([...Array(19).fill(null), 'w']);
  });

  it('reads WITHOUT ROWID tables in key order with their columns back in declared order, and seeks', async () => {
    const path = join(tempDir('sqlite'), 'wr.db');
    const values = Array.from({ length: 3000 }, (_, i) => `(${i % 37}, 'k${String((i * 7919) % 3000).padStart(4, '0')}', 'c${i}')`);
    sqlite3(
      path,
      `PRAGMA page_size = 512;
       CREATE TABLE r (a INTEGER, b TEXT, c TEXT, PRIMARY KEY (b, a)) WITHOUT ROWID;
       CREATE TABLE d (x INTEGER, y TEXT, PRIMARY KEY (x DESC, y)) WITHOUT ROWID;
       BEGIN; INSERT INTO r VALUES ${values.join(',')}; INSERT INTO d SELECT a, c FROM r; COMMIT;`,
    );
    const db = await openSqlite(nodeFileSource(path));
    const r = db.table('r');
    expect(r.columns).toEqual(['a', 'b', 'c']);
    expect(r.keyColumns).toEqual(['b', 'a']);
    const ref = sqlite3(path, 'SELECT a, b, c FROM r ORDER BY b, a;', ['-separator', '\t']).trim().split('\n');
    expect((await allRows(path, 'r')).map((x) => x.join('\t'))).toEqual(ref);
    // seek: first key >= ('k1500'), and strictly after ('k1500', 11)
    const from: string[] = [];
    for await (const x of r.rowsFrom(['k1500'])) if (from.push(x.join('\t')) === 5) break;
    expect(from).toEqual(sqlite3(path, "SELECT a, b, c FROM r WHERE b >= 'k1500' ORDER BY b, a LIMIT 5;", ['-separator', '\t']).trim().split('\n'));
    const after = await r.rowsFrom(['k1500', 11], { after: true }).next();
    expect((after.value as SqliteValue[]).join('\t')).toBe(sqlite3(path, "SELECT a, b, c FROM r WHERE (b, a) > ('k1500', 11) ORDER BY b, a LIMIT 1;", ['-separator', '\t']).trim());
    // past the last key: nothing
    expect((await r.rowsFrom(['z']).next()).done).toBe(true);
    // a DESC key column
    const d = db.table('d');
    const firstD: string[] = [];
    for await (const x of d.rowsFrom([20])) if (firstD.push(x.join('\t')) === 3) break;
    expect(firstD).toEqual(sqlite3(path, 'SELECT x, y FROM d WHERE x <= 20 ORDER BY x DESC, y LIMIT 3;', ['-separator', '\t']).trim().split('\n'));
  });

  it('reads 64 KiB pages and pages with reserved bytes', async () => {
    const dir = tempDir('sqlite');
    // values up to 6,000 bytes: overflow pages, whose local part depends on the usable size (page - reserved)
    const text = (i: number) => 'v'.repeat((i * 379) % 6000);
    const rows = Array.from({ length: 600 }, (_, i) => `(${i}, '${text(i)}')`).join(',');
    sqlite3(join(dir, 'big.db'), `PRAGMA page_size = 65536; CREATE TABLE t (k INTEGER, v TEXT); INSERT INTO t VALUES ${rows};`);
    sqlite3(join(dir, 'res.db'), `.filectrl reserve_bytes 32\nCREATE TABLE t (k INTEGER, v TEXT); INSERT INTO t VALUES ${rows};`);
    for (const [f, pageSize, reserved] of [
      ['big.db', 65536, 0],
      ['res.db', 4096, 32],
    ] as const) {
      const db = await openSqlite(nodeFileSource(join(dir, f)));
      expect([db.header.pageSize, db.header.reserved]).toEqual([pageSize, reserved]);
      const got = await allRows(join(dir, f), 't');
      expect(got.length).toBe(600);
      got.forEach((r, i) => expect(r).toEqual([i, text(i)]));
    }
  });

  it('names the table it lacks and the tables it has', async () => {
    const path = join(tempDir('sqlite'), 'few.db');
    sqlite3(path, 'CREATE TABLE a (x); CREATE TABLE b (y);');
    const db = await openSqlite(nodeFileSource(path));
    expect(() => db.table('c')).toThrow('few.db: no table c; expected a table c, found tables a, b');
  });
});

import { describe, it, expect } from 'vitest';
import { gzipSync } from 'fflate';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTable, type ReadTableOptions } from '../../src/lib/io/readTable';
import { bytesSource } from '../../src/lib/io/ByteSource';
import { loadTable } from '../../src/cli/loadTable';
import { InputError } from '../../src/lib/base/errors';
import type { Table } from '../../src/lib/io/Table';

const enc = (s: string) => new TextEncoder().encode(s);
const read = (text: string, name = 'pheno.csv', opts: ReadTableOptions = {}) => readTable(bytesSource(enc(text), name), opts);
const col = (t: Table, name: string) => {
  const c = t.columns.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name}`);
  return c;
};
const arr = (a: Float32Array | Float64Array) => Array.from(a);

async function errorOf(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('readTable: formats', () => {
  it('reads CSV with FID/IID, numbers, missing tokens and categorical text', async () => {
    const t = await read('#FID,IID,age,sex,bmi\nF1,A,30,M,22.5\nF2,B,NA,F,.\nF3,C,41,F,-9\nF4,D,nan,,NaN\nF5,E,50,M,30\n');
    expect(t.idColumn).toBe('IID');
    expect(t.ids).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(t.fid).toEqual(['F1', 'F2', 'F3', 'F4', 'F5']);
    expect(t.columns.map((c) => c.name)).toEqual(['age', 'sex', 'bmi']);
    expect(arr(col(t, 'age').values)).toEqual([30, NaN, 41, NaN, 50]);
    expect(arr(col(t, 'bmi').values)).toEqual([22.5, NaN, NaN, NaN, 30]);
    const sex = col(t, 'sex');
    expect(sex.kind).toBe('categorical');
    expect(sex.levels).toEqual(['F', 'M']);
    expect(arr(sex.values)).toEqual([1, 0, 0, NaN, 1]);
    expect(t.warnings).toEqual([]);
  });

  it('reads TSV, CRLF line ends, whitespace (PLINK style) and gives the same table', async () => {
    const csv = await read('IID,x,y\nA,1,2.5\nB,3,NA\n');
    const tsv = await read('IID\tx\ty\r\nA\t1\t2.5\r\nB\t3\tNA\r\n', 'p.tsv');
    const ws = await read('IID   x y\nA  1\t2.5\n  B 3   NA  \n', 'p.txt');
    for (const t of [tsv, ws]) {
      expect(t.ids).toEqual(csv.ids);
      expect(t.columns.map((c) => [c.name, arr(c.values)])).toEqual(csv.columns.map((c) => [c.name, arr(c.values)]));
    }
  });

  it('uses the first column without IID, or the named --id-col', async () => {
    const t = await read('sid,age\ns1,3\ns2,4\n');
    expect(t.idColumn).toBe('sid');
    expect(t.ids).toEqual(['s1', 's2']);
    expect(t.fid).toBeNull();
    const u = await read('age,sid\n3,s1\n4,s2\n', 'p.csv', { idCol: 'sid' });
    expect(u.ids).toEqual(['s1', 's2']);
    expect(u.columns.map((c) => c.name)).toEqual(['age']);
  });

  it('reads quoted fields, including a quoted line break, and keeps physical line numbers', async () => {
    const t = await read('"IID","note","x"\n"A","one, two",1\n"B","multi\nline",2\n"C","z",oops\n"D","z",4\n"E","z",5\n"F","z",6\n');
    expect(t.ids).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    expect(arr(col(t, 'x').values)).toEqual([1, 2, NaN, 4, 5, 6]);
    // 'note' has 3 distinct texts in 6 rows (not < 50%): numeric, all missing, warned
    expect(t.warnings).toEqual([
      "pheno.csv: column note: 6 non-numeric cells counted as missing (first at line 2: 'one, two')",
      "pheno.csv: column x: 1 non-numeric cell counted as missing (first at line 5: 'oops')",
    ]);
  });

  it('switches from the byte scanner to papaparse when a quote appears mid-file, same table as unquoted', async () => {
    const plain = ['IID,a,g'];
    const quoted = ['IID,a,g'];
    for (let i = 0; i < 400; i++) {
      plain.push(`id${i},${i / 4},${i % 2 ? 'yes' : 'no'}`);
      quoted.push(i === 300 ? `"id${i}",${i / 4},"${i % 2 ? 'yes' : 'no'}"` : `id${i},${i / 4},${i % 2 ? 'yes' : 'no'}`);
    }
    const ref = await read(plain.join('\n') + '\n');
    for (const chunkBytes of [5, 333, 4096, 1 << 20]) {
      for (const nl of ['\n', '\r\n']) {
        const t = await read(quoted.join(nl) + nl, 'pheno.csv', { chunkBytes });
        expect(t.ids).toEqual(ref.ids);
        expect(t.columns).toEqual(ref.columns);
      }
    }
  });

  it('reads R write.csv output (quoted header, IDs and levels, "" escapes) like the unquoted file', async () => {
    const quoted = ['"IID","x","grp","note"'];
    const plain = ['IID,x,grp,note'];
    for (let i = 0; i < 120; i++) {
      quoted.push(`"p ${i}",${i % 10 === 0 ? 'NA' : i / 8},"${i % 3 ? 'a' : 'b'}","say ""hi"" ${i % 2}"`);
      plain.push(`p ${i},${i % 10 === 0 ? 'NA' : i / 8},${i % 3 ? 'a' : 'b'},say "hi" ${i % 2}`);
    }
    const ref = await read(plain.join('\n') + '\n');
    expect(col(ref, 'note').levels).toEqual(['say "hi" 0', 'say "hi" 1']);
    for (const chunkBytes of [7, 100, 1 << 20]) {
      const t = await read(quoted.join('\r\n') + '\r\n', 'pheno.csv', { chunkBytes });
      expect(t.ids).toEqual(ref.ids);
      expect(t.columns).toEqual(ref.columns);
    }
  });

  it('R oracle: write.csv of a data.frame with NA, factors, commas and quotes in strings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ls-table-r-'));
    try {
      const f = join(dir, 'r.csv');
      const code = [
        'set.seed(1); n <- 300',
        'd <- data.frame(IID = sprintf("id %03d", 1:n), x = round(rnorm(n), 6), g = factor(sample(c("lo, mid", "hi \\"q\\"", "zz"), n, TRUE)))',
        'd$x[c(5, 77)] <- NA; d$g[9] <- NA',
        `write.csv(d, "${f}", row.names = FALSE)`,
        `write.table(data.frame(s = sum(d$x, na.rm = TRUE), nx = sum(is.na(d$x)), lv = paste(levels(d$g), collapse = "|"), c1 = sum(d$g == levels(d$g)[1], na.rm = TRUE)), "${f}.check", row.names = FALSE, col.names = FALSE, sep = "\\t", quote = FALSE)`,
      ].join('; ');
      try {
        execFileSync('Rscript', ['-e', code], { stdio: 'pipe' });
      } catch (e) {
        throw new Error(`Rscript failed or is missing (apt-get install -y r-base-core): ${String(e)}`);
      }
      const [s, nx, lv, c1] = readFileSync(`${f}.check`, 'utf8').trim().split('\t');
      const t = await loadTable(f);
      expect(t.ids.length).toBe(300);
      expect(t.ids[0]).toBe('id 001');
      const x = arr(col(t, 'x').values);
      expect(x.filter((v) => v !== v).length).toBe(Number(nx));
      // Float32 storage: sum within 300 * 2^-24 relative of R's double sum
      expect(Math.abs(x.filter((v) => v === v).reduce((a, v) => a + v, 0) - Number(s))).toBeLessThan(1e-4);
      const g = col(t, 'g');
      // R sorts factor levels in its locale; compare as sets, then the count of R's first level
      expect([...g.levels!].sort()).toEqual(lv.split('|').sort());
      expect(arr(g.values).filter((v) => v === g.levels!.indexOf(lv.split('|')[0])).length).toBe(Number(c1));
      expect(arr(g.values)[8]).toBeNaN();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps UTF-8 IDs and levels intact across chunk boundaries', async () => {
    const text = 'IID\tort\tx\n' + Array.from({ length: 50 }, (_, i) => `Müller_${i}\t${i % 2 ? 'Zürich' : 'Genève'}\t${i}`).join('\n') + '\n';
    for (const chunkBytes of [1, 3, 17, 1 << 20]) {
      const t = await read(text, 'p.tsv', { chunkBytes });
      expect(t.ids[7]).toBe('Müller_7');
      expect(col(t, 'ort').levels).toEqual(['Genève', 'Zürich']);
      expect(arr(col(t, 'x').values)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    }
  });

  it('numbers the byte scanner hands to Number(): exponents, long mantissas, signs, padded cells', async () => {
    const t = await read('IID,a\nA,1e3\nB,-2.5E-2\nC,0.1234567890123456789\nD,+4\nE,  7.5 \nF,-9\nG,-9.0\n');
    expect(arr(col(t, 'a').values)).toEqual([1000, -0.025, 0.1234567890123456789, 4, 7.5, NaN, -9].map(Math.fround));
  });

  it('header only gives 0 rows; blank lines are skipped', async () => {
    const t = await read('IID,a,b\n');
    expect(t.ids).toEqual([]);
    expect(t.columns.map((c) => c.values.length)).toEqual([0, 0]);
    const u = await read('\n\nIID,a\n\nA,1\n\nB,2\n\n');
    expect(u.ids).toEqual(['A', 'B']);
  });

  it('honours a custom missing list (and -9 is then a number)', async () => {
    const t = await read('IID,a\nA,-9\nB,missing\nC,MISSING\n', 'p.csv', { missing: ['missing'] });
    expect(arr(col(t, 'a').values)).toEqual([-9, NaN, NaN]);
  });

  it('gives the same table whatever the chunk size (rows split across chunks)', async () => {
    const lines = ['IID,a,b,c'];
    for (let i = 0; i < 300; i++) lines.push(`id${i},${i},${(i * 0.37).toFixed(3)},${i % 3 === 0 ? 'NA' : i % 7}`);
    const text = lines.join('\n') + '\n';
    const ref = await read(text, 'p.csv', { chunkBytes: 1 << 20 });
    for (const chunkBytes of [1, 7, 64, 1000]) {
      const t = await read(text, 'p.csv', { chunkBytes });
      expect(t.ids).toEqual(ref.ids);
      expect(t.columns.map((c) => arr(c.values))).toEqual(ref.columns.map((c) => arr(c.values)));
    }
    expect(ref.ids.length).toBe(300);
  });

  it('gzip input equals plain input (single member via fflate, multi-member via bgzip)', async () => {
    const lines = ['IID\tp1\tp2\tgrp'];
    for (let i = 0; i < 5000; i++) lines.push(`s${i}\t${Math.sin(i).toFixed(5)}\t${i % 11 === 0 ? 'NA' : i}\t${'abc'[i % 3]}`);
    const text = lines.join('\n') + '\n';
    const plain = await read(text, 'p.tsv');
    const gz = await readTable(bytesSource(gzipSync(enc(text)), 'p.tsv.gz'), { chunkBytes: 999 });
    expect(gz.ids).toEqual(plain.ids);
    expect(gz.columns).toEqual(plain.columns);
    const dir = mkdtempSync(join(tmpdir(), 'ls-table-'));
    try {
      writeFileSync(join(dir, 'p.tsv'), text);
      try {
        execFileSync('bgzip', ['-f', join(dir, 'p.tsv')]);
      } catch {
        throw new Error('bgzip not found: apt-get install -y tabix');
      }
      const bg = await loadTable(join(dir, 'p.tsv.gz'));
      expect(bg.ids).toEqual(plain.ids);
      expect(bg.columns).toEqual(plain.columns);
      expect(readFileSync(join(dir, 'p.tsv.gz')).length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('works with a source that reuses one read buffer (as loadTable does), plain, quoted and gzipped', async () => {
    const lines = ['IID,a,g,note'];
    for (let i = 0; i < 3000; i++) {
      const note = i === 2500 ? '"two\nlines"' : i % 5 ? 'x' : '"q, r"';
      lines.push(`id${i},${i % 13 === 0 ? 'NA' : (i * 0.25).toFixed(2)},${'uvw'[i % 3]},${note}`);
    }
    const bytes = enc(lines.join('\n') + '\n');
    const reusing = (data: Uint8Array, name: string) => {
      let buf = new Uint8Array(0);
      return {
        name,
        size: data.length,
        async read(offset: number, length: number) {
          const len = Math.max(0, Math.min(length, data.length - offset));
          if (buf.length < len) buf = new Uint8Array(len);
          buf.fill(0x41); // scribble over what the previous read returned
          buf.set(data.subarray(offset, offset + len));
          return buf.subarray(0, len);
        },
      };
    };
    const ref = await readTable(bytesSource(bytes, 'p.csv'));
    expect(ref.ids.length).toBe(3000);
    for (const chunkBytes of [97, 4096]) {
      const t = await readTable(reusing(bytes, 'p.csv'), { chunkBytes });
      expect(t.ids).toEqual(ref.ids);
      expect(t.columns).toEqual(ref.columns);
      const g = await readTable(reusing(gzipSync(bytes), 'p.csv'), { chunkBytes });
      expect(g.ids).toEqual(ref.ids);
      expect(g.columns).toEqual(ref.columns);
    }
  });

  it('reports progress in source bytes and stops when aborted', async () => {
    const text = 'IID,a\n' + Array.from({ length: 2000 }, (_, i) => `i${i},${i}`).join('\n');
    const seen: number[] = [];
    await read(text, 'p.csv', { chunkBytes: 1000, onProgress: (p) => seen.push(p.done) });
    expect(seen[seen.length - 1]).toBe(enc(text).length);
    const ac = new AbortController();
    ac.abort();
    await expect(read(text, 'p.csv', { signal: ac.signal })).rejects.toThrow('cancelled');
  });
});

describe('readTable: column typing', () => {
  it('text column with many distinct values stays numeric with a warning', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => `P${i},${i === 16 ? 'abc' : i === 40 ? 'n/a' : i === 41 ? '?' : i + 0.5}`);
    const t = await read('IID,bmi\n' + rows.join('\n'));
    expect(col(t, 'bmi').kind).toBe('numeric');
    expect(col(t, 'bmi').nonNumeric).toBe(3);
    expect(t.warnings).toEqual(["pheno.csv: column bmi: 3 non-numeric cells counted as missing (first at line 18: 'abc')"]);
  });

  it('few distinct texts become categorical levels, numeric texts included; 1 and 1.0 are one level', async () => {
    const t = await read('IID,g\nA,2\nB,x\nC,1\nD,1.0\nE,x\nF,2\nG,1\nH,NA\n');
    const g = col(t, 'g');
    expect(g.kind).toBe('categorical');
    expect(g.levels).toEqual(['1', '2', 'x']);
    expect(arr(g.values)).toEqual([1, 2, 0, 0, 2, 1, 0, NaN]);
  });

  it('distinct text values in at least half of the rows are not categorical', async () => {
    const t = await read('IID,name\nA,ann\nB,bob\nC,cy\nD,ann\n');
    expect(col(t, 'name').kind).toBe('numeric');
    expect(t.warnings).toEqual(["pheno.csv: column name: 4 non-numeric cells counted as missing (first at line 2: 'ann')"]);
  });
});

describe('readTable: bad input (exact messages)', () => {
  it('empty file', async () => {
    expect((await errorOf(read(''))).message).toBe('pheno.csv: empty file; expected a header line with column names, found no lines');
    expect((await errorOf(read('\n  \n'))).message).toBe('pheno.csv: empty file; expected a header line with column names, found no lines');
    const gzEmpty = await errorOf(readTable(bytesSource(gzipSync(new Uint8Array(0)), 'p.csv.gz')));
    expect(gzEmpty.message).toBe('p.csv.gz: empty file; expected a header line with column names, found no lines');
  });

  it('duplicate IDs name both lines and the ID', async () => {
    const e = await errorOf(read('IID,a\nA,1\nB,2\nA,3\n'));
    expect(e.message).toBe("pheno.csv:4: column IID: duplicate ID; expected unique IDs, found 'A' also at line 2");
    expect(e.where).toEqual({ file: 'pheno.csv', line: 4, column: 'IID', expected: 'unique IDs', found: "'A' also at line 2" });
  });

  it('ragged rows give the line and both field counts', async () => {
    const e = await errorOf(read('IID,a,b\nA,1,2\n\nB,2\n'));
    expect(e.message).toBe('pheno.csv:4: wrong number of fields; expected 3 fields as in the header, found 2');
    const w = await errorOf(read('IID a b\nA 1 2 3\n', 'p.txt'));
    expect(w.message).toBe('p.txt:2: wrong number of fields; expected 3 fields as in the header, found 4');
  });

  it('unknown --id-col lists available names', async () => {
    const e = await errorOf(read('IID,a,b\nA,1,2\n', 'pheno.csv', { idCol: 'sid' }));
    expect(e.message).toBe('pheno.csv: column sid: no such column (--id-col); expected one of IID, a, b');
    const many = 'IID,' + Array.from({ length: 12 }, (_, i) => `c${i}`).join(',') + '\n';
    const f = await errorOf(read(many, 'pheno.csv', { idCol: 'x' }));
    expect(f.message).toBe('pheno.csv: column x: no such column (--id-col); expected one of IID, c0, c1, c2, c3, c4, c5, c6, ... (13 columns)');
  });

  it('missing ID cell', async () => {
    const e = await errorOf(read('IID,a\nA,1\n,2\n'));
    expect(e.message).toBe("pheno.csv:3: column IID: missing ID; expected a participant ID, found ''");
    const f = await errorOf(read('IID,a\nNA,1\n'));
    expect(f.message).toBe("pheno.csv:2: column IID: missing ID; expected a participant ID, found 'NA'");
  });

  it('duplicate column names', async () => {
    const e = await errorOf(read('IID,a,b,a\n'));
    expect(e.message).toBe('pheno.csv:1: column a: duplicate column name; expected unique column names, found it in fields 2 and 4');
  });

  it('truncated gzip', async () => {
    const gz = gzipSync(enc('IID,a\n' + 'A,1\n'.repeat(10)));
    const e = await errorOf(readTable(bytesSource(gz.subarray(0, 20), 'p.csv.gz')));
    expect(e.message).toBe('p.csv.gz: cannot decompress; expected a valid gzip stream, found unexpected EOF');
  });

  it('loadTable: missing file', async () => {
    const e = await errorOf(loadTable('/nonexistent/pheno.csv'));
    expect(e.message).toBe('/nonexistent/pheno.csv: no such file; expected an existing file, found nothing');
  });
});

describe('parseDecimal (fast path) equals Number()', () => {
  it('on 200,000 random decimals and edge cases; NaN means "fall back"', async () => {
    const { parseDecimal } = await import('../../src/lib/io/columnBuilder');
    const { createRng } = await import('../../src/lib/math/rng');
    const rng = createRng(1);
    for (let k = 0; k < 200_000; k++) {
      const digits = 1 + rng.int(15);
      let t = '';
      for (let d = 0; d < digits; d++) t += String(rng.int(10));
      const dot = rng.int(digits + 1);
      const s = (rng.next() < 0.5 ? '-' : '') + t.slice(0, dot) + (dot < digits || rng.next() < 0.1 ? '.' : '') + t.slice(dot);
      const v = parseDecimal(s);
      if (Object.is(v, Number(s)) === false) throw new Error(`parseDecimal('${s}') = ${v}, Number gives ${Number(s)}`);
    }
    for (const s of ['0', '-0', '+7', '7.', '.5', '-.5', '123456789012345', '0.00000000000001']) expect(Object.is(parseDecimal(s), Number(s))).toBe(true);
    for (const s of ['', '-', '.', '1e5', '1.2.3', '1234567890123456', '0.000000000000001', 'abc', '1,5', '0x10', ' 1']) expect(parseDecimal(s)).toBeNaN();
  });
});

describe('readTable: precision', () => {
  it("keeps each cell's double value with precision 'f64' (as plink2 reads phenotypes), Float32 by default", async () => {
    const text = 'IID,y\nA,44.0873\nB,0.1\nC,123456.789\n';
    const src = bytesSource(new TextEncoder().encode(text), 't.csv');
    const f64 = await readTable(src, { precision: 'f64' });
    expect(f64.columns[0].values).toBeInstanceOf(Float64Array);
    expect(Array.from(f64.columns[0].values)).toEqual([44.0873, 0.1, 123456.789]);
    const f32 = await readTable(src);
    expect(f32.columns[0].values).toBeInstanceOf(Float32Array);
    expect(f32.columns[0].values[1]).toBe(Math.fround(0.1));
  });
});

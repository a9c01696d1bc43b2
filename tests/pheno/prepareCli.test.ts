import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = (args: string[]) => spawnSync('npx', ['tsx', 'src/cli/main.ts', 'prepare', ...args], { encoding: 'utf8' });

describe('cli prepare', () => {
  it('writes recipe, typed columns and prepared table; --recipe on the same file reproduces it; errors exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ls-prepare-'));
    try {
      const lines = ['FID,IID,age,sex,crp,const'];
      for (let i = 0; i < 40; i++) lines.push(`f${i},s${i},${i % 9 === 0 ? 'NA' : 30 + ((i * 7) % 23) + 0.5},${i % 2 ? 'M' : 'F'},${Math.exp((i % 13) / 3).toFixed(3)},1`);
      lines.push('f40,s40,NA,NA,NA,1');
      writeFileSync(join(dir, 'p.csv'), lines.join('\n') + '\n');
      const r = cli(['--pheno', join(dir, 'p.csv'), '--out', join(dir, 'o')]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain('dropped column const: constant (1)');
      expect(r.stderr).toContain('dropped 1 row(s): no observed phenotype (s40)');
      const cols = readFileSync(join(dir, 'o.columns.tsv'), 'utf8').trim().split('\n').map((l) => l.split('\t'));
      expect(cols[0].slice(0, 3)).toEqual(['column', 'type', 'storage']);
      expect(cols.slice(1).map((c) => [c[0], c[1], c[12], c[13]])).toEqual([
        ['age', 'continuous', 'zscore', 'kept'],
        ['sex', 'binary', 'binary', 'kept'],
        ['crp', 'continuous', 'log-zscore', 'kept'],
        ['const', 'constant', 'NA', 'dropped: constant (1)'],
      ]);
      const prepared = readFileSync(join(dir, 'o.prepared.tsv'), 'utf8').trim().split('\n');
      expect(prepared[0]).toBe('FID\tIID\tage\tsex\tcrp');
      expect(prepared.length).toBe(41);
      expect(prepared[1].split('\t').slice(0, 4)).toEqual(['f0', 's0', 'NA', '0']);
      const again = cli(['--pheno', join(dir, 'p.csv'), '--recipe', join(dir, 'o.recipe.json'), '--out', join(dir, 'o2')]);
      expect(again.status, again.stderr).toBe(0);
      expect(readFileSync(join(dir, 'o2.prepared.tsv'), 'utf8')).toBe(readFileSync(join(dir, 'o.prepared.tsv'), 'utf8'));

      writeFileSync(join(dir, 'bad.csv'), 'IID,a\nx,1\nx,2\n');
      const bad = cli(['--pheno', join(dir, 'bad.csv'), '--out', join(dir, 'b')]);
      expect(bad.status).toBe(1);
      expect(bad.stderr.trim()).toBe("error: bad.csv:3: column IID: duplicate ID; expected unique IDs, found 'x' also at line 2");
      const unknown = cli(['--pheno', join(dir, 'p.csv'), '--pheno-name', 'age,bmi', '--out', join(dir, 'b')]);
      expect(unknown.status).toBe(1);
      expect(unknown.stderr.trim().split('\n').pop()).toBe('error: p.csv: column bmi: no such column (--pheno-name); expected one of age, sex, crp, const');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

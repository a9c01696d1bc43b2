/**
 * The CLI bundle (scripts/build-cli.mjs; what `npm run cli` runs through scripts/cli.mjs): it lists the same
 * commands as src/cli/main.ts, its scan (with worker_threads) writes the same bytes as the tsx run, and its
 * train loads tfjs and finds package.json for the version record.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outRoot = join(root, 'dist-cli', `test-${process.pid}`);
const data = mkdtempSync(join(tmpdir(), 'latentscan-bundle-'));
const tsx = (args: string[]) => execFileSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8', stdio: 'pipe' });

afterAll(() => {
  rmSync(outRoot, { recursive: true, force: true });
  rmSync(data, { recursive: true, force: true });
});

describe('CLI bundle', () => {
  it('builds, lists every command, and runs scan (2 worker threads) and train as the tsx entry does', () => {
    execFileSync(process.execPath, [join(root, 'scripts/build-cli.mjs'), '--out-root', outRoot], { cwd: root, stdio: 'pipe' });
    const main = join(outRoot, readFileSync(join(outRoot, 'current'), 'utf8').trim(), 'main.mjs');
    const bundle = (args: string[]) => execFileSync(process.execPath, [main, ...args], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    const listed = (help: string) => help.split('\n').filter((l) => /^ {2}\w/.test(l)).map((l) => l.trim().split(/\s+/)[0]);
    const names = readdirSync(join(root, 'src/cli/commands')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
    expect(listed(bundle(['--help']))).toEqual(names);
    expect(listed(tsx(['--help']))).toEqual(names);

    tsx(['simulate', '--n', '801', '--snps', '600', '--phenos', '12', '--seed', '4', '--out', join(data, 'c')]);
    const scan = ['scan', '--bfile', join(data, 'c/geno'), '--pheno', join(data, 'c/pheno.csv'), '--pheno-name', 'ph001,ph002,ph003'];
    tsx([...scan, '--threads', '1', '--out', join(data, 't')]);
    bundle([...scan, '--threads', '2', '--out', join(data, 'b')]);
    expect(readFileSync(join(data, 'b.scan.log'), 'utf8')).toMatch(/x2 workers/);
    for (const ph of ['ph001', 'ph002', 'ph003']) {
      expect(readFileSync(join(data, `b.${ph}.glm.linear`), 'utf8')).toBe(readFileSync(join(data, `t.${ph}.glm.linear`), 'utf8'));
    }

    bundle(['train', '--pheno', join(data, 'c/pheno.csv'), '--latent', '2', '--candidates', '1', '--max-epochs', '3', '--quiet', '--out', join(data, 'ae')]);
    const record = JSON.parse(readFileSync(join(data, 'ae.train.json'), 'utf8')) as { versions: { latentscan: string } };
    expect(record.versions.latentscan).toBe((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version);
  }, 120_000);
});

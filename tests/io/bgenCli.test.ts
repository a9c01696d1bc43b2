/**
 * `--bgen FILE [ref-first|ref-last]` / `--sample FILE` on the CLI (issue 16): a DS VCF made into a .pgen and
 * exported by plink2 2.00a3.5 as BGEN v1.3 (16 bits, REF first); `scan --bgen` and `scan --pfile` against
 * `plink2 --glm` on the same files, ADD with covariates and SNPxE (`--glm interaction`): BETA/SE 1e-4
 * relative, -log10 P within 0.01, OBS_CT and A1 equal. Also: the options' errors, FID columns of sample
 * lists, and the commands that need hard calls (king, pca, --pca K) on a .bgen.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../../src/lib/math/rng';
import { parseArgs } from '../../src/cli/args';
import { genotypeInputOptions, genotypeInputs, withFamilyIds } from '../../src/cli/genotypeArgs';
import { openGenotypes } from '../../src/cli/openGenotypes';
import { writeDsVcf, tempDir } from './genoFixtures';
import { readGlm, requirePlink2, runPlink2, type GlmRow } from '../assoc/oracleData';

const N = 503;
const M = 70;
const root = join(__dirname, '..', '..');
let dir: string;

function cli(args: string[]) {
  const r = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'src/cli/main.ts'), ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface Worst {
  /** relative, over |BETA| >= 1e-3 (smaller ones are held to the 1e-6 absolute floor) */
  beta: number;
  betaAbs: number;
  se: number;
  log10p: number;
  compared: number;
}

/** Ours vs plink2, row by row over the tests ours writes; the largest differences. */
function compare(ours: GlmRow[], ref: GlmRow[], label: string): Worst {
  const tests = new Set(ours.map((o) => o.test));
  const want = ref.filter((w) => tests.has(w.test));
  expect(ours.length, label).toBe(want.length);
  const worst: Worst = { beta: 0, betaAbs: 0, se: 0, log10p: 0, compared: 0 };
  ours.forEach((o, i) => {
    const w = want[i];
    const at = `${label} ${w.id} ${w.test}`;
    expect([o.id, o.test, o.a1, o.obs], at).toEqual([w.id, w.test, w.a1, w.obs]);
    if (Number.isNaN(w.beta)) {
      expect(o.beta, at).toBeNaN();
      return;
    }
    worst.compared++;
    if (Math.abs(w.beta) >= 1e-3) worst.beta = Math.max(worst.beta, Math.abs(o.beta - w.beta) / Math.abs(w.beta));
    worst.betaAbs = Math.max(worst.betaAbs, Math.abs(o.beta - w.beta));
    worst.se = Math.max(worst.se, Math.abs(o.se - w.se) / w.se);
    worst.log10p = Math.max(worst.log10p, Math.abs(o.log10p - w.log10p));
    expect(Math.abs(o.beta - w.beta), `${at} BETA ${o.beta} vs ${w.beta}`).toBeLessThanOrEqual(1e-4 * Math.abs(w.beta) + 1e-6);
    expect(Math.abs(o.se - w.se), `${at} SE ${o.se} vs ${w.se}`).toBeLessThanOrEqual(1e-4 * w.se + 1e-6);
    expect(Math.abs(o.log10p - w.log10p), `${at} -log10 P`).toBeLessThanOrEqual(0.01);
  });
  return worst;
}

describe('--bgen / --sample on the CLI', () => {
  beforeAll(() => {
    requirePlink2();
    dir = tempDir('bgencli');
    // Dosages of N samples named I0..I(N-1); responses with an effect of d3 and of d7 x E.
    const ds = writeDsVcf(join(dir, 'd.vcf'), N, M, 1616);
    writeFileSync(join(dir, 'd.vcf'), readFileSync(join(dir, 'd.vcf'), 'utf8').replace(/\ts(\d+)/g, (_, j) => `\tI${j}`));
    const rng = createRng(16);
    const fmt = (x: number) => (Number.isNaN(x) ? 'NA' : String(Math.round(x * 1e5) / 1e5));
    const covar = ['#IID\tage\tsex\tE'];
    const pheno = ['#IID\ty1\ty2'];
    for (let j = 0; j < N; j++) {
      const age = rng.next() < 0.02 ? NaN : 30 + 40 * rng.next();
      const sex = 1 + (rng.next() < 0.5 ? 1 : 0);
      const e = rng.next() < 0.02 ? NaN : rng.normal();
      const g = (v: number) => (Number.isNaN(ds[v][j]) ? 0 : ds[v][j]);
      const base = 0.02 * (Number.isNaN(age) ? 50 : age) + 0.3 * sex;
      const y1 = base + 0.6 * g(3) + 0.5 * g(7) * (Number.isNaN(e) ? 0 : e) + rng.normal();
      const y2 = base + rng.normal();
      covar.push(`I${j}\t${fmt(age)}\t${sex}\t${fmt(e)}`);
      pheno.push(`I${j}\t${rng.next() < 0.05 ? 'NA' : fmt(y1)}\t${fmt(y2)}`);
    }
    writeFileSync(join(dir, 'covar.tsv'), covar.join('\n') + '\n');
    writeFileSync(join(dir, 'pheno.tsv'), pheno.join('\n') + '\n');
    runPlink2(['--vcf', 'd.vcf', 'dosage=DS', '--make-pgen', '--out', 'dp'], dir);
    runPlink2(['--pfile', 'dp', '--export', 'bgen-1.3', 'ref-first', '--out', 'x'], dir);
    runPlink2(['--pfile', 'dp', '--export', 'bgen-1.3', '--out', 'last'], dir); // plink2's default: REF last
  }, 60_000);

  it('scan --bgen (and --pfile) equals plink2 --glm on the same files: ADD with covariates, and --gxe E (--glm interaction)', () => {
    const inputs: Record<string, { ours: string[]; plink: string[] }> = {
      pgen: { ours: ['--pfile', 'dp'], plink: ['--pfile', 'dp'] },
      bgen: { ours: ['--bgen', 'x.bgen', '--sample', 'x.sample'], plink: ['--bgen', 'x.bgen', 'ref-first', '--sample', 'x.sample'] },
      'bgen ref-last': { ours: ['--bgen', 'last.bgen', 'ref-last', '--sample', 'last.sample'], plink: ['--bgen', 'last.bgen', 'ref-last', '--sample', 'last.sample'] },
    };
    const pheno = ['--pheno', 'pheno.tsv', '--covar', 'covar.tsv'];
    const report: Record<string, Worst> = {};
    Object.entries(inputs).forEach(([name, io], k) => {
      for (const gxe of [false, true]) {
        const out = `o${k}${gxe ? 'x' : ''}`;
        const r = cli(['scan', ...io.ours, ...pheno, '--covar-name', 'age,sex', ...(gxe ? ['--gxe', 'E'] : []), '--out', out]);
        expect(r.code, r.err).toBe(0);
        const glm = gxe ? ['--covar-name', 'age,sex,E', '--glm', 'interaction', '--parameters', '1-4,7'] : ['--covar-name', 'age,sex', '--glm', 'hide-covar'];
        runPlink2([...io.plink, ...pheno, ...glm, '--out', `r${out}`], dir);
        for (const y of ['y1', 'y2']) {
          const label = `${name}${gxe ? ' gxe' : ''} ${y}`;
          report[label] = compare(readGlm(join(dir, `${out}.${y}.glm.linear`)), readGlm(join(dir, `r${out}.${y}.glm.linear`)), label);
          expect(report[label].compared).toBeGreaterThanOrEqual(gxe ? 3 * (M - 2) : M - 2);
        }
      }
    });
    // the planted effects come out (A1 may be REF or ALT: the minor allele)
    const add = readGlm(join(dir, 'o1.y1.glm.linear'));
    expect(add[3].log10p).toBeGreaterThan(5);
    const gxe = readGlm(join(dir, 'o1x.y1.glm.linear')).filter((r) => r.test === 'ADDxE');
    expect(gxe[7].log10p).toBeGreaterThan(5);
    // the .bgen's 16-bit probabilities against the .pgen's dosages: the same tests, near the same numbers
    const viaPgen = readGlm(join(dir, 'ro0.y1.glm.linear'));
    const viaBgen = readGlm(join(dir, 'ro1.y1.glm.linear'));
    let acrossBeta = 0;
    viaBgen.forEach((b, i) => {
      if (!Number.isNaN(b.beta)) acrossBeta = Math.max(acrossBeta, Math.abs(b.beta - viaPgen[i].beta) / Math.abs(viaPgen[i].beta));
    });
    // the numbers quoted in docs/genotypes-and-simulator.md come from these lines
    console.log('scan vs plink2 --glm on the same file, max relative |diff| BETA (|BETA| >= 1e-3), max |diff| BETA, relative SE, -log10 P:', JSON.stringify(report, null, 1));
    console.log('plink2 --glm: .bgen vs the .pgen it came from, max relative |diff| BETA (y1 ADD):', acrossBeta);
  }, 180_000);

  it('king, pca and --pca K read a .bgen through hard calls as plink2 makes them: the same output as from plink2\'s --make-bed of it', () => {
    runPlink2(['--bgen', 'x.bgen', 'ref-first', '--sample', 'x.sample', '--make-bed', '--out', 'hc'], dir);
    for (const [args, outs] of [
      [['king'], ['.kin0']],
      [['pca', '--pca', '2', '--no-prune'], ['.eigenvec', '.eigenval']],
    ] as [string[], string[]][]) {
      const viaBgen = cli([...args, '--bgen', 'x.bgen', '--sample', 'x.sample', '--out', 'fromBgen']);
      expect(viaBgen.code, viaBgen.err).toBe(0);
      expect(cli([...args, '--bfile', 'hc', '--out', 'fromBed']).code).toBe(0);
      // The .fam plink2 writes always has FIDs, the .sample here has none (ID_1 = 0): compare without FID columns.
      const noFid = (text: string) => {
        const lines = text.trim().split('\n').map((l) => l.split('\t'));
        const drop = lines[0][0] === '#FID1' ? [0, 2] : lines[0][0] === '#FID' ? [0] : [];
        const kept = lines.map((f) => f.filter((_, i) => !drop.includes(i)));
        if (drop.length) kept[0][0] = `#${kept[0][0]}`;
        return kept.map((f) => f.join('\t'));
      };
      for (const ext of outs) expect(noFid(readFileSync(join(dir, `fromBgen${ext}`), 'utf8')), `${args[0]} ${ext}`).toEqual(noFid(readFileSync(join(dir, `fromBed${ext}`), 'utf8')));
    }
    const scan = cli(['scan', '--bgen', 'x.bgen', '--sample', 'x.sample', '--pheno', 'pheno.tsv', '--pca', '2', '--out', 's']);
    expect(scan.code, scan.err).toBe(0);
    expect(readFileSync(join(dir, 's.scan.log'), 'utf8')).toMatch(/genetic PCs: 2 over/);
  }, 120_000);

  it('options: --bgen FILE [mode], --sample only with --bgen, exactly one genotype input', () => {
    const parse = (argv: string[]) => genotypeInputs(parseArgs(argv, genotypeInputOptions(), 'scan'), 'scan');
    expect(parse(['--bgen', 'a.bgen'])).toMatchObject({ bgen: 'a.bgen', bgenOrder: 'ref-first' });
    expect(parse(['--bgen', 'a.bgen', 'ref-last', '--sample', 'a.sample'])).toMatchObject({ bgen: 'a.bgen', bgenOrder: 'ref-last', sample: 'a.sample' });
    expect(parse(['--bgen', 'a.bgen', 'ref-unknown'])).toMatchObject({ bgenOrder: 'ref-last' });
    expect(() => parse(['--bgen', 'a.bgen', 'ref-middle'])).toThrow("scan: --bgen FILE [ref-first|ref-last]: unknown REF/ALT mode 'ref-middle'");
    expect(() => parse(['--bgen', 'a.bgen', 'ref-first', 'b'])).toThrow('scan: --bgen takes FILE and an optional REF/ALT mode (ref-first|ref-last), got 3 values');
    expect(() => parse(['--bfile', 'g', '--sample', 'a.sample'])).toThrow('scan: --sample FILE goes with --bgen FILE');
    expect(() => parse(['--bfile', 'g', '--bgen', 'a.bgen'])).toThrow('scan: give one of --bfile, --pfile, --vcf and --bgen, not --bfile and --bgen');
    expect(() => parse([])).toThrow('scan: give --bfile PREFIX, --pfile PREFIX, --vcf FILE or --bgen FILE');
  });

  it('sample lists get an FID column from a .sample file with FIDs, as plink2 writes them', async () => {
    const lines = readFileSync(join(dir, 'x.sample'), 'utf8').trim().split('\n');
    writeFileSync(join(dir, 'fid.sample'), [...lines.slice(0, 2), ...lines.slice(2).map((l, j) => l.replace(/^0 /, `F${j} `))].join('\n') + '\n');
    const withFid = await openGenotypes({ bgen: join(dir, 'x.bgen'), sample: join(dir, 'fid.sample') });
    expect(withFid.samples.fid.slice(0, 2)).toEqual(['F0', 'F1']);
    expect(withFamilyIds(withFid)).toBe(true);
    expect(withFamilyIds(await openGenotypes({ bgen: join(dir, 'x.bgen'), sample: join(dir, 'fid.sample'), qc: { maf: 0.01 } }))).toBe(true);
    expect(withFamilyIds(await openGenotypes({ bgen: join(dir, 'x.bgen'), sample: join(dir, 'x.sample') }))).toBe(false); // ID_1 0
    const own = await openGenotypes({ bgen: join(dir, 'x.bgen') }); // the file's IDs: FID = IID, no FID column
    expect(own.samples.fid[0]).toBe('I0');
    expect(withFamilyIds(own)).toBe(false);
    // plink2 reads the same FIDs from it
    runPlink2(['--bgen', 'x.bgen', 'ref-first', '--sample', 'fid.sample', '--make-just-psam', '--out', 'fid'], dir);
    expect(readFileSync(join(dir, 'fid.psam'), 'utf8').split('\n')[1].split('\t').slice(0, 2)).toEqual(['F0', 'I0']);
  });
});

/**
 * The Snakemake workflow (workflow/Snakefile) against `cli pipeline` on one machine, same cohort, seed and
 * settings, the structure step at pipeline's defaults (10 genetic PCs, PC x E in the SNPxE scans, the LOCO
 * ridge step in the scan and the first screening round; the workflow computes the PCs once (rule structure_pcs),
 * level 0 of the LOCO step in 3 jobs (structure_level0), level 1 over them (structure), and the shards read its
 * file with --structure-from): 4 shards by variant count, candidates as separate jobs. Equal: hsv.tsv and the model
 * (the same best candidate), train.json but for timings, structure.eigenvec/.eigenval, every scan file after
 * concatenation, every HSV's screened set (sis.<HSV>.sis.tsv) and selected terms, selected.tsv after annotation;
 * the structure file equals one `cli structure` run's but for its seconds fields, and kinship.kin0 / kinship.log
 * (rule kinship) a direct `cli king` run's file and printout. Then a run whose scan job of one shard is SIGKILLed
 * mid-run (config `fault`) fails, and a re-run runs that shard again alone (plus what depends on it) and gets the
 * same result. Skipped, with a message, when snakemake is not installed (.ci/run and npm test install it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(__dirname, '..', '..');
const snakefile = join(repo, 'workflow', 'Snakefile');
const hasSnakemake = spawnSync('sh', ['-c', 'command -v snakemake'], { stdio: 'ignore' }).status === 0;
if (!hasSnakemake) console.warn('tests/workflow/workflow.test.ts: skipped, snakemake is not installed (apt-get install snakemake; .ci/run installs it)');

// tsx, not the bundle (scripts/cli.mjs): nothing to build while jobs start, the code the other tests run.
const cli = [join(repo, 'node_modules', '.bin', 'tsx'), join(repo, 'src', 'cli', 'main.ts')];
const ENV = ['smoking'];
const TRAIN = { seed: 2, candidates: 2, max_epochs: 60, latent: 5 };

function run(cmd: string[], cwd: string, what: string): { status: number; out: string; stdout: string; seconds: number } {
  const t0 = performance.now();
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  const out = `${r.stdout}\n${r.stderr}`;
  const seconds = (performance.now() - t0) / 1000;
  console.log(`${what}: exit ${r.status}, ${seconds.toFixed(1)} s`);
  return { status: r.status ?? -1, out, stdout: r.stdout, seconds };
}

function must(cmd: string[], cwd: string, what: string): string {
  const r = run(cmd, cwd, what);
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.out.slice(-4000)}`);
  return r.out;
}

/** JSON is YAML: the config of a run into `outdir`. */
function writeConfig(dir: string, name: string, outdir: string, extra: Record<string, unknown> = {}): string {
  const cfg = {
    pheno: 'sim/pheno.csv',
    covar: 'sim/covar.csv',
    covar_name: [],
    env: ENV,
    genotypes: { bfile: 'sim/geno' },
    outdir,
    ...TRAIN,
    shard_by: 'count',
    shard_variants: 250,
    cli: cli.join(' '),
    // one thread per job: two jobs at a time on 2 cores, no worker pools to start (results do not depend on it)
    threads: { scan_shard: 1, sis_partners: 1, sis_screen: 1, sis_select: 1, structure_level0: 1 },
    // the LOCO step's level 0 in 3 jobs (22 blocks: 7, 7, 8), merged by the rule structure
    loco_shards: 3,
    ...extra,
  };
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(cfg, null, 1));
  return path;
}

const snakemake = (config: string, more: string[] = []) => ['snakemake', '-s', snakefile, '--cores', '2', '--configfile', config, ...more];

/** Job counts from the "Job stats" table Snakemake prints before it runs (the last table of a log). */
function jobCounts(log: string): Record<string, number> {
  const at = log.lastIndexOf('Job stats:');
  const counts: Record<string, number> = {};
  for (const line of log.slice(at).split('\n').slice(3)) {
    const m = /^(\w+)\s+(\d+)\s+\d+\s+\d+$/.exec(line.trim());
    if (!m) break;
    counts[m[1]] = Number(m[2]);
  }
  return counts;
}

/** Jobs of a rule that a log shows starting (also those added after the checkpoint, which no Job stats table lists). */
const ran = (log: string, rule: string): number => log.match(new RegExp(`^(local)?rule ${rule}:$`, 'gm'))?.length ?? 0;

/** A structure file's header (every "seconds" field, a wall time, set to 0) and its doubles, as text and hex. */
function withoutSeconds(path: string): { header: string; values: string } {
  const bytes = readFileSync(path);
  const nl = bytes.indexOf(0x0a);
  const zero = (o: unknown): unknown => {
    if (Array.isArray(o)) return o.map(zero);
    if (!o || typeof o !== 'object') return o;
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, k === 'seconds' ? 0 : zero(v)]));
  };
  return { header: JSON.stringify(zero(JSON.parse(bytes.subarray(0, nl).toString('utf8')))), values: bytes.subarray(nl + 1).toString('hex') };
}

/** Every result file of the pipeline folder compared with the workflow's. */
function compareWithPipeline(pipeDir: string, wfDir: string): string[] {
  const compared: string[] = [];
  const files = readdirSync(pipeDir).filter((f) => /\.(glm\.linear|tsv|eigenvec|eigenval)$/.test(f));
  for (const f of files) {
    expect(existsSync(join(wfDir, f)), `${f} is in the workflow's outputs`).toBe(true);
    expect(readFileSync(join(wfDir, f), 'utf8'), `${f} byte-identical`).toBe(readFileSync(join(pipeDir, f), 'utf8'));
    compared.push(f);
  }
  for (const f of readdirSync(join(pipeDir, 'ae.model'))) {
    expect(Buffer.compare(readFileSync(join(wfDir, 'ae.model', f)), readFileSync(join(pipeDir, 'ae.model', f))), `ae.model/${f}`).toBe(0);
  }
  const noTimes = (p: string) => readFileSync(p, 'utf8').split('\n').filter((l) => !l.includes('"seconds"')).join('\n');
  expect(noTimes(join(wfDir, 'train.json'))).toBe(noTimes(join(pipeDir, 'train.json')));
  return compared;
}

describe.skipIf(!hasSnakemake)('Snakemake workflow = cli pipeline on one machine', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'latentscan-workflow-'));
    must([...cli, 'simulate', '--n', '1000', '--snps', '1000', '--phenos', '40', '--seed', '4', '--out', 'sim'], dir, 'simulate');
    // The single-machine run, the workflow's settings (the structure step at its defaults: --pca 10, LOCO).
    must(
      [...cli, 'pipeline', '--pheno', 'sim/pheno.csv', '--covar', 'sim/covar.csv', '--env', ENV.join(','), '--bfile', 'sim/geno',
        '--seed', String(TRAIN.seed), '--candidates', String(TRAIN.candidates), '--max-epochs', String(TRAIN.max_epochs), '--latent', String(TRAIN.latent),
        '--threads', '2', '--out', 'pipe'],
      dir,
      'cli pipeline',
    );
  }, 300_000);
  // KEEP_WORKFLOW_TEST=1 keeps the folder (cohort, pipeline, workflow runs, .snakemake logs) to look at.
  afterAll(() => {
    if (dir && !process.env.KEEP_WORKFLOW_TEST) rmSync(dir, { recursive: true, force: true });
    else if (dir) console.log(`kept ${dir}`);
  });

  it('4 shards, candidates as jobs: the same HSVs, scans, screened sets and selected terms', () => {
    const log = must(snakemake(writeConfig(dir, 'wf.yaml', 'wf')), dir, 'snakemake (4 shards)');
    const shards = readdirSync(join(dir, 'wf', 'work', 'scan', 'ADD'));
    expect(shards).toEqual(['s000', 's001', 's002', 's003']);
    expect(readdirSync(join(dir, 'wf', 'work', 'train')).filter((f) => f.endsWith('.candidate.json'))).toHaveLength(TRAIN.candidates);
    expect(log).toContain('rule train_candidate');
    // The structure step ran once, with pipeline's defaults, split into the PCs, 3 level-0 jobs and the merge, and
    // every scan and screening job read its file.
    expect(ran(log, 'structure_pcs')).toBe(1);
    expect(ran(log, 'structure_level0')).toBe(3);
    expect(ran(log, 'structure')).toBe(1);
    expect(ran(log, 'kinship')).toBe(1);
    // The PCs job's file is an input of the 3 level-0 jobs and the merge; the merge reads the 3 level-0 shards.
    expect(log.match(/^\s+input: \S+hsv\.tsv, \S+pcs\.structure\.bin/gm)).toHaveLength(3 + 1);
    expect(log).toMatch(/^\s+input: .*loco\.level0\.1\.bin, .*loco\.level0\.2\.bin, .*loco\.level0\.3\.bin/m);
    const pipeLog = readFileSync(join(dir, 'pipe', 'pipeline.log'), 'utf8');
    for (const l of ['genetic PCs: 10 over', 'LOCO ridge (regenie step 1)']) expect(pipeLog).toContain(l);
    const stLine = (text: string) => text.split('\n').filter((x) => x.startsWith('genetic PCs:') || x.startsWith('LOCO ridge'));
    expect(stLine(readFileSync(join(dir, 'wf', 'work', 'scan', 'smoking', 's002', 'scan.scan.log'), 'utf8'))).toEqual(stLine(pipeLog));
    // Its file is an input of every scan (4 shards x (ADD + E)), partners and screening (4 + 4) and selection job.
    expect(log.match(/^\s+input: .*study\.structure\.bin/gm)).toHaveLength(4 * (1 + ENV.length) + 2 * 4 + 1);
    const compared = compareWithPipeline(join(dir, 'pipe'), join(dir, 'wf'));
    expect(compared.filter((f) => f.endsWith('.glm.linear'))).toHaveLength(TRAIN.latent * (1 + ENV.length));
    expect(compared.filter((f) => f.endsWith('.sis.tsv'))).toHaveLength(TRAIN.latent);
    expect(compared).toContain('structure.eigenvec');
    // The selection found SNP and SNPxSNP terms, the pair's SNPs in different shards.
    const selected = readFileSync(join(dir, 'wf', 'selected.tsv'), 'utf8');
    expect(selected).toMatch(/\tGxG\t/);
    expect(selected).toMatch(/\tSNP\t/);
    expect(selected.split('\n')[0]).toContain('NEAREST_GENE');
    expect(existsSync(join(dir, 'wf', 'report.html'))).toBe(true);
    // The merged structure file is one `cli structure` run's (its seconds fields aside); kinship is `cli king`'s.
    const covarNames = readFileSync(join(dir, 'sim', 'covar.csv'), 'utf8').split('\n')[0].split(',').filter((c) => c !== 'IID' && !ENV.includes(c));
    must([...cli, 'structure', '--bfile', 'sim/geno', '--pheno', 'wf/hsv.tsv', '--covar', 'sim/covar.csv', '--covar-name', covarNames.join(','), '--threads', '2', '--out', 'one'], dir, 'cli structure (one process)');
    expect(withoutSeconds(join(dir, 'wf', 'work', 'structure', 'study.structure.bin'))).toEqual(withoutSeconds(join(dir, 'one.structure.bin')));
    const king = run([...cli, 'king', '--bfile', 'sim/geno', '--out', 'king'], dir, 'cli king');
    expect(king.status).toBe(0);
    expect(Buffer.compare(readFileSync(join(dir, 'wf', 'kinship.kin0')), readFileSync(join(dir, 'king.kin0'))), 'kinship.kin0 = cli king').toBe(0);
    const printout = king.stdout.split('\n').filter((l) => !l.startsWith('wrote ')).join('\n');
    expect(readFileSync(join(dir, 'wf', 'kinship.log'), 'utf8')).toBe(printout);
    expect(printout).toMatch(/^KING-robust kinship: 1000 samples/);
    console.log(`workflow = pipeline: ${compared.length} files byte-identical (${compared.join(', ')}), ae.model/, train.json but timings`);
  }, 300_000);

  it('a shard job killed mid-run runs again alone on the re-run, with the same result', () => {
    const marker = join(dir, 'killed-once');
    const config = writeConfig(dir, 'kill.yaml', 'kill', { fault: { rule: 'scan_shard', shard: 's001', test: 'ADD', marker } });
    // The training and the structure step are not what this test is about: their outputs come from the first run,
    // times kept, so the jobs start at the scan (Snakemake sees them up to date).
    mkdirSync(join(dir, 'kill', 'work'), { recursive: true });
    for (const p of ['hsv.tsv', 'train.json', 'ae.model', 'structure.eigenvec', 'structure.eigenval', 'kinship.kin0', 'kinship.log', 'work/prepare', 'work/train', 'work/structure']) cpSync(join(dir, 'wf', p), join(dir, 'kill', p), { recursive: true, preserveTimestamps: true });
    const first = run(snakemake(config, ['--keep-going']), dir, 'snakemake with scan s001 ADD killed');
    expect(first.status).not.toBe(0);
    expect(existsSync(marker)).toBe(true);
    expect(first.out).toMatch(/Error in rule scan_shard/);
    expect(existsSync(join(dir, 'kill', 'work', 'scan', 'ADD', 's001'))).toBe(false);
    expect(existsSync(join(dir, 'kill', 'work', 'scan', 'ADD', 's002'))).toBe(true);
    const second = must(snakemake(config, ['--rerun-incomplete']), dir, 'snakemake re-run');
    const counts = jobCounts(second);
    expect(counts.scan_shard).toBe(1);
    expect(jobCounts(first.out).train_candidate ?? 0).toBe(0);
    expect(counts.train_candidate ?? 0).toBe(0);
    for (const rule of ['structure_pcs', 'structure_level0', 'structure', 'kinship']) expect(ran(first.out, rule) + ran(second, rule), rule).toBe(0);
    expect(counts.sis_screen ?? 0).toBe(0);
    expect(counts.concat_add).toBe(TRAIN.latent);
    compareWithPipeline(join(dir, 'pipe'), join(dir, 'kill'));
  }, 300_000);

  it('kinship: auto leaves the rule out past 20,000 samples (28 bytes a pair), true keeps it; dry runs', () => {
    // A VCF of 20,001 samples and two records: only its header and chromosomes are read by a dry run.
    const ids = Array.from({ length: 20_001 }, (_, i) => `s${i}`);
    const rec = (pos: number) => ['1', String(pos), `v${pos}`, 'A', 'G', '.', '.', '.', 'GT', ...ids.map(() => '0/1')].join('\t');
    writeFileSync(join(dir, 'big.vcf'), ['##fileformat=VCFv4.2', ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...ids].join('\t'), rec(10), rec(20), ''].join('\n'));
    const dry = (name: string, kinship: unknown) =>
      run(snakemake(writeConfig(dir, `${name}.yaml`, name, { genotypes: { vcf: 'big.vcf' }, kinship }), ['-n']), dir, `snakemake -n (kinship ${kinship})`);
    const auto = dry('big-auto', 'auto');
    expect(auto.status, auto.out.slice(-2000)).toBe(0);
    expect(auto.out).toContain('kinship: auto, 20001 samples > 20000: rule kinship left out');
    expect(jobCounts(auto.out).kinship ?? 0).toBe(0);
    const always = dry('big-true', true);
    expect(always.status, always.out.slice(-2000)).toBe(0);
    expect(jobCounts(always.out).kinship).toBe(1);
  }, 120_000);
});

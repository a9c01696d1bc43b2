/**
 * `npm run cli -- pipeline --pheno FILE --covar FILE --covar-name c1,c2 --env E1,E2,E3 [--gxg [top|among|all]]
 *   --bfile PREFIX | --vcf FILE --latent K [--seed N] [--rotate none|varimax|promax] --out DIR`
 * The whole study in one command: phenotype preparation and autoencoder training (exactly as `train`), then
 * SIS and penalized selection for every HSV (as `sis`), then nearest-gene annotation of the selected terms.
 * Writes DIR/hsv.tsv, DIR/train.json, DIR/ae.model/, DIR/sis.<HSV>.sis.tsv, DIR/sis.<HSV>.selected.tsv,
 * DIR/selected.tsv (HSV TERM TYPE ... NEAREST_GENE GENE_DIST GENES_IN_WINDOW) and DIR/pipeline.log.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { arg, parseArgs, UsageError, type CliCommand, type ParsedArgs } from '../args';
import { openGenotypes } from '../openGenotypes';
import { loadTable } from '../loadTable';
import { genotypeQcOptions, qcFromArgs } from '../genotypeQcArgs';
import { InputError } from '../../lib/base/errors';
import { alignColumns } from '../../lib/assoc/alignColumns';
import { normalizeChrom } from '../../lib/io/chrom';
import type { SisRun } from '../../lib/select/runSis';
import { combinedSelectedTsv } from '../../lib/select/selectionTables';
import { envColumns, screenAndSelect, selectionConfig, selectionCovariates, selectionOptions, sisLogLines, writeSisOutputs } from './sis';

/** Runs another command of this CLI by its exported `command` with the given argv. */
async function runCommand(name: string, argv: string[]): Promise<void> {
  const mod = (await import(`./${name}.ts`)) as { command: CliCommand };
  await mod.command.run(parseArgs(argv, mod.command.options, mod.command.name));
}

export const command: CliCommand = {
  name: 'pipeline',
  summary: 'the whole study: prepare + autoencoder (as train), SIS + selection for every HSV, gene annotation',
  details: [
    'Writes DIR/hsv.tsv, DIR/train.json, DIR/ae.model/, per HSV DIR/sis.<HSV>.sis.tsv and DIR/sis.<HSV>.selected.tsv,',
    'DIR/selected.tsv (HSV TERM TYPE CHROM POS BETA BETA_PENALIZED R P STABILITY PARENTS PARENTS_SELECTED',
    'NEAREST_GENE GENE_DIST GENES_IN_WINDOW; one row per selected term; TERM = SNP ID, E, SNPID:E, SNPID1:SNPID2)',
    'and DIR/pipeline.log. Selection options as `sis` (docs/selection.md), except that SNPxSNP terms (top-50 x',
    'every SNP) are searched unless --gxg none is given.',
    '',
    'Example: npm run cli -- pipeline --pheno sim/pheno.csv --covar sim/covar.csv --covar-name age,sex --env smoking,alcohol,exercise --gxg --bfile sim/geno --latent 5 --out out',
  ].join('\n'),
  options: [
    { name: 'pheno', type: 'string', required: true, meta: 'FILE', help: 'phenotype table (autoencoder input)' },
    { name: 'pheno-name', type: 'list', meta: 'a,b', help: 'phenotype columns to use (default: all usable)' },
    { name: 'id-col', type: 'string', meta: 'NAME', help: 'ID column of the tables (default IID, else the first column)' },
    { name: 'covar', type: 'string', meta: 'FILE', help: 'covariates and environment table' },
    { name: 'covar-name', type: 'list', meta: 'c1,c2', help: 'covariates adjusted for in the selection' },
    { name: 'bfile', type: 'string', meta: 'PREFIX', help: 'PLINK .bed/.bim/.fam prefix' },
    { name: 'vcf', type: 'string', meta: 'FILE', help: 'VCF or VCF.gz' },
    { name: 'latent', type: 'int', required: true, meta: 'K', help: 'number of HSVs' },
    { name: 'rotate', type: 'string', choices: ['none', 'varimax', 'promax'], help: 'rotation of the HSVs (train default when not given)' },
    { name: 'candidates', type: 'int', meta: 'N', help: 'autoencoder random-search candidates (train default when not given)' },
    { name: 'max-epochs', type: 'int', meta: 'N', help: 'epochs per candidate at most (train default when not given)' },
    { name: 'backend', type: 'string', choices: ['cpu', 'wasm', 'webgpu'], help: 'tfjs backend for training (train default when not given)' },
    ...selectionOptions,
    ...genotypeQcOptions,
    { name: 'out', type: 'string', required: true, meta: 'DIR', help: 'output folder (created)' },
  ],
  async run(a: ParsedArgs) {
    const t0 = performance.now();
    const dir = arg.str(a, 'out') as string;
    const bfile = arg.str(a, 'bfile');
    const vcf = arg.str(a, 'vcf');
    if (!bfile && !vcf) throw new UsageError('pipeline: give --bfile PREFIX or --vcf FILE');
    mkdirSync(dir, { recursive: true });
    const log: string[] = [];
    const say = (m: string) => {
      log.push(m);
      process.stderr.write(`pipeline: ${m}\n`);
    };
    const idCol = arg.str(a, 'id-col');
    // The whole study looks for SNPxSNP terms unless told otherwise (--gxg none).
    const cfg = selectionConfig(a, (m) => process.stderr.write(`pipeline: sis: ${m}\n`), 'top');
    const seed = arg.num(a, 'seed') ?? 1;

    // 1-2. Preparation and autoencoder, exactly as `train`.
    const trainArgv = ['--pheno', arg.str(a, 'pheno') as string, '--latent', String(arg.num(a, 'latent')), '--seed', String(seed), '--out', join(dir, 'ae'), '--quiet'];
    const passOn: [string, string | undefined][] = [
      ['id-col', idCol],
      ['rotate', arg.str(a, 'rotate')],
      ['candidates', arg.num(a, 'candidates')?.toString()],
      ['max-epochs', arg.num(a, 'max-epochs')?.toString()],
      ['backend', arg.str(a, 'backend')],
    ];
    for (const [k, v] of passOn) if (v !== undefined) trainArgv.push(`--${k}`, v);
    const phenoNames = arg.list(a, 'pheno-name');
    if (phenoNames) trainArgv.push('--pheno-name', phenoNames.join(','));
    say(`train ${trainArgv.join(' ')}`);
    const tTrain = performance.now();
    await runCommand('train', trainArgv);
    renameSync(join(dir, 'ae.hsv.tsv'), join(dir, 'hsv.tsv'));
    renameSync(join(dir, 'ae.train.json'), join(dir, 'train.json'));
    say(`autoencoder: ${((performance.now() - tTrain) / 1000).toFixed(1)} s -> ${join(dir, 'hsv.tsv')}, ${join(dir, 'train.json')}, ${join(dir, 'ae.model')}/`);

    // 3. SIS and selection for every HSV.
    const source = await openGenotypes({ bfile, vcf, qc: qcFromArgs(a) });
    const iids = source.samples.iid;
    const hsvTable = await loadTable(join(dir, 'hsv.tsv'), { precision: 'f64' });
    const responses = alignColumns(hsvTable, iids, undefined, 'response').columns;
    if (responses.length === 0) throw new InputError({ file: join(dir, 'hsv.tsv'), expected: 'HSV columns', found: 'none' }, 'no HSVs');
    if (!arg.str(a, 'covar') && (arg.list(a, 'covar-name') || cfg.env.length)) throw new UsageError('pipeline: --covar-name and --env need --covar FILE');
    const { covTable, covariates } = await selectionCovariates(a, iids, idCol, 'pipeline');
    const env = envColumns(cfg.env, iids, covTable, undefined);
    const { run, lines } = await screenAndSelect(a, source, { responses, covariates, env }, cfg, 'pipeline', (ls) => ls.forEach(say));
    writeSisOutputs(join(dir, 'sis'), run, lines);
    for (const l of sisLogLines(run)) say(l);

    // 4. Annotation of the selected terms (nearest genes), into DIR/selected.tsv.
    const combined = combinedSelectedTsv(run.responses);
    let selectedText = combined;
    try {
      selectedText = await annotateSelected(combined, run);
    } catch (e) {
      say(`annotation skipped: ${e instanceof Error ? e.message : String(e)}`);
    }
    writeFileSync(join(dir, 'selected.tsv'), selectedText);
    const nSel = run.responses.reduce((s, r) => s + r.selected.length, 0);
    say(`selected ${nSel} terms over ${run.responses.length} HSVs -> ${join(dir, 'selected.tsv')}`);
    say(`total time ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    writeFileSync(join(dir, 'pipeline.log'), log.join('\n') + '\n');
    if (!existsSync(join(dir, 'selected.tsv'))) throw new Error('pipeline: selected.tsv was not written');
  },
};

/** Adds NEAREST_GENE, GENE_DIST, GENES_IN_WINDOW (built-in GRCh38 genes) to the combined selected table. */
async function annotateSelected(text: string, run: SisRun): Promise<string> {
  const { readBuiltinGenesNode } = await import('../../platform/node/nodeBuiltinGenes');
  const { GeneIndex } = await import('../../lib/annotate/GeneIndex');
  const { annotateTable } = await import('../../lib/annotate/annotateTable');
  const v = run.variants;
  const want = new Set<string>();
  for (const r of run.responses) for (const t of r.selected) for (const part of t.term.split(':')) want.add(part);
  const positions = new Map<string, { chrom: string; pos: number }>();
  for (let i = 0; i < v.ids.length; i++) if (want.has(v.ids[i]) && !positions.has(v.ids[i])) positions.set(v.ids[i], { chrom: normalizeChrom(v.chrom[i]), pos: v.pos[i] });
  const genes = await readBuiltinGenesNode();
  const index = new GeneIndex(genes.genes, genes.source);
  return annotateTable(text, positions, index, { file: 'selected.tsv', idColumn: 'TERM' }).text;
}

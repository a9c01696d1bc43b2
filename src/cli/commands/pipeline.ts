/**
 * `npm run cli -- pipeline --pheno FILE [--covar FILE [--covar-name c1,c2]] [--env E1,E2,E3] [--gxg [top|among|all]]
 *   --bfile PREFIX | --pfile PREFIX | --vcf FILE | --bgen FILE [--sample FILE] [--latent K] [--seed N] [--rotate none|varimax|promax] --out DIR`
 * The whole study in one command, through the pipeline's steps (src/lib/pipeline, the same the app runs):
 * phenotype preparation, the autoencoder search, the genome scan of every HSV (and SNPxE per E), SIS and
 * penalized selection for every HSV, nearest-gene annotation. Writes DIR/hsv.tsv, DIR/train.json,
 * DIR/ae.model/, DIR/scan.<HSV>.glm.linear (and DIR/scan.<HSV>.<E>.glm.linear per E), DIR/sis.<HSV>.sis.tsv,
 * DIR/sis.<HSV>.selected.tsv, DIR/selected.tsv (HSV TERM TYPE ... NEAREST_GENE GENE_DIST GENES_IN_WINDOW),
 * DIR/analysis.json (the Analysis record the app saves, so `report --dir DIR` draws the same plots) and
 * DIR/pipeline.log.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { arg, UsageError, type CliCommand, type ParsedArgs } from '../args';
import { openGenotypes } from '../openGenotypes';
import { loadTable } from '../loadTable';
import { genotypeQcOptions, qcFromArgs } from '../genotypeQcArgs';
import { genotypeInputOptions, genotypeInputs, withFamilyIds } from '../genotypeArgs';
import { genotypeFormatLabel } from '../../lib/io/genotypeFormatLabel';
import { covariateInputs } from '../covariateInputs';
import { initTfBackend, TF_BACKENDS, type TfBackendName } from '../../platform/node/nodeTfBackend';
import { readBuiltinGenesNode } from '../../platform/node/nodeBuiltinGenes';
import { normalizeChrom } from '../../lib/io/chrom';
import type { GenotypeSource } from '../../lib/io/GenotypeSource';
import { GeneIndex } from '../../lib/annotate/GeneIndex';
import { annotateTable } from '../../lib/annotate/annotateTable';
import { glmLinearHeader, glmLinearRows } from '../../lib/assoc/glmLinearRows';
import type { ScanChunkResult } from '../../lib/assoc/runScan';
import type { SisRun } from '../../lib/select/runSis';
import { combinedSelectedTsv } from '../../lib/select/selectionTables';
import { serializeAnalysis } from '../../lib/report/analysisJson';
import type { Analysis } from '../../lib/report/Analysis';
import { SCAN_BACKEND_DEFAULT, STRUCTURE_DEFAULTS, TABLE_PRECISION } from '../../lib/pipeline/defaults';
import { structureSummary } from '../../lib/pipeline/structureStep';
import { lambdaWarnings } from '../../lib/pipeline/lambdaWarnings';
import type { LocoAdjustment } from '../../lib/pipeline/locoScan';
import type { NamedColumn } from '../../lib/assoc/design';
import { eigenvalText, eigenvecText } from '../../lib/relate/pca';
import { runStructure, structureOptions, structureSettingsFromArgs } from '../structureArgs';
import { countedAlleleArg } from './scan';
import { alignSamples, type AlignedSamples } from '../../lib/pipeline/alignSamples';
import { prepareStep } from '../../lib/pipeline/prepareStep';
import { trainStep, hsvTable } from '../../lib/pipeline/trainStep';
import { withTrainPool } from '../trainPool';
import { scanStep, scanTestDescription, type ScanStepResult } from '../../lib/pipeline/scanStep';
import { annotateStep } from '../../lib/pipeline/annotateStep';
import { genotypeReport } from '../../lib/pipeline/genotypeReport';
import { kernelPoolFromArgs, screenAndSelect, selectionConfig, selectionOptions, sisLogLines, writeSisOutputs } from './sis';
import { printCandidate, trainSettingsFromArgs, versions, writeTrainOutputs } from './train';

export const command: CliCommand = {
  name: 'pipeline',
  summary: 'the whole study: prepare, autoencoder, genome scan, SIS + selection for every HSV, gene annotation',
  details: [
    'Writes DIR/hsv.tsv, DIR/train.json, DIR/ae.model/, DIR/scan.<HSV>.glm.linear (plink2 --glm columns; per E also',
    'DIR/scan.<HSV>.<E>.glm.linear with ADD, E, ADDx<E> rows), per HSV DIR/sis.<HSV>.sis.tsv and DIR/sis.<HSV>.selected.tsv,',
    'DIR/selected.tsv (HSV TERM TYPE CHROM POS A1 BETA BETA_PENALIZED R P STABILITY PARENTS PARENTS_SELECTED',
    'NEAREST_GENE GENE_DIST GENES_IN_WINDOW; one row per selected term; TERM = SNP ID, E, SNPID:E, SNPID1:SNPID2),',
    'DIR/analysis.json (the record the app saves: `report --dir DIR` draws its Manhattan and QQ plots) and DIR/pipeline.log.',
    'Defaults are the app\'s (src/lib/pipeline/defaults.ts): k = prepared phenotypes / 8 in [2, 10], 8 candidates,',
    'covariates = every --covar column that is not an --env factor, SNPxSNP top-50 x every SNP, MCP + EBIC.',
    '',
    'Example: npm run cli -- pipeline --pheno sim/pheno.csv --covar sim/covar.csv --covar-name age,sex --env smoking,alcohol,exercise --bfile sim/geno --out out',
  ].join('\n'),
  options: [
    { name: 'pheno', type: 'string', required: true, meta: 'FILE', help: 'phenotype table (autoencoder input)' },
    { name: 'pheno-name', type: 'list', meta: 'a,b', help: 'phenotype columns to use (default: all usable)' },
    { name: 'id-col', type: 'string', meta: 'NAME', help: 'ID column of the tables (default IID, else the first column)' },
    { name: 'covar', type: 'string', meta: 'FILE', help: 'covariates and environment table' },
    { name: 'covar-name', type: 'list', meta: 'c1,c2', help: 'covariates adjusted for (default: every --covar column that is not an --env factor)' },
    ...genotypeInputOptions(),
    { name: 'latent', type: 'int', meta: 'K', help: 'number of HSVs (default: prepared phenotypes / 8, in [2, 10])' },
    { name: 'rotate', type: 'string', choices: ['none', 'varimax', 'promax'], help: 'rotation of the HSVs (default varimax)' },
    { name: 'candidates', type: 'int', meta: 'N', help: 'autoencoder random-search candidates (default 8)' },
    { name: 'max-epochs', type: 'int', meta: 'N', help: 'epochs per candidate at most (default 200)' },
    { name: 'backend', type: 'string', choices: TF_BACKENDS, default: 'wasm', help: 'tfjs backend for training' },
    ...selectionOptions,
    ...genotypeQcOptions,
    ...structureOptions(STRUCTURE_DEFAULTS),
    { name: 'out', type: 'string', required: true, meta: 'DIR', help: 'output folder (created)' },
  ],
  async run(a: ParsedArgs) {
    const t0 = performance.now();
    const dir = arg.str(a, 'out') as string;
    const inputs = genotypeInputs(a, 'pipeline');
    if (!arg.str(a, 'covar') && arg.list(a, 'env')) throw new UsageError('pipeline: --env needs --covar FILE');
    mkdirSync(dir, { recursive: true });
    const log: string[] = [];
    const say = (m: string) => {
      log.push(m);
      process.stderr.write(`pipeline: ${m}\n`);
    };
    // The whole study looks for SNPxSNP terms unless told otherwise (--gxg none).
    const cfg = selectionConfig(a, (m) => process.stderr.write(`pipeline: sis: ${m}\n`), 'top');
    const source = await openGenotypes({ ...inputs, qc: qcFromArgs(a) });
    const { covar, covariates } = await covariateInputs(a, cfg.env, 'pipeline');

    // 1-2. Preparation and autoencoder.
    const tTrain = performance.now();
    const backend = await initTfBackend(arg.str(a, 'backend') as TfBackendName);
    const phenoPath = arg.str(a, 'pheno') as string;
    const phenoTable = await loadTable(phenoPath, { idCol: arg.str(a, 'id-col'), precision: TABLE_PRECISION.phenotypes });
    const prep = await prepareStep(phenoTable, { include: arg.list(a, 'pheno-name') });
    const train = await withTrainPool(backend, arg.num(a, 'threads'), (pool) => trainStep(prep.prepared, trainSettingsFromArgs(a), backend, { pool, onCandidate: printCandidate }));
    const trainPaths = { hsv: join(dir, 'hsv.tsv'), trainJson: join(dir, 'train.json'), modelDir: join(dir, 'ae.model') };
    const trainSeconds = (performance.now() - tTrain) / 1000;
    await writeTrainOutputs(trainPaths, train.trained, prep.prepared, backend, trainSeconds, phenoPath);
    const tr = train.trained;
    say(`autoencoder: ${tr.hsvNames.length} HSVs from ${prep.prepared.matrix.p} prepared phenotypes, best candidate ${tr.best + 1}/${tr.candidates.length}, ${trainSeconds.toFixed(1)} s -> ${trainPaths.hsv}, ${trainPaths.trainJson}, ${trainPaths.modelDir}/`);

    // 3. The genome scan of every HSV (and SNPxE per E), on the samples of the one alignment.
    const hsv = hsvTable(prep.prepared, tr, 'hsv.tsv');
    const alignedIn = alignSamples({ samples: source.samples, responses: hsv, covar, covariates, env: cfg.env });
    for (const l of alignedIn.lines) say(l);

    // Population structure: genetic PCs join the covariates of the scan and the selection; the LOCO ridge
    // predictions are subtracted per chromosome in the scan and the screening.
    const structureSettings = { ...structureSettingsFromArgs(a, STRUCTURE_DEFAULTS), kinship: 'auto' as const };
    const structure = await runStructure(source, alignedIn, structureSettings);
    const aligned = structure ? { ...alignedIn, covariates: structure.covariates } : alignedIn;
    if (structure) {
      for (const l of structure.step.lines) say(l);
      if (structure.step.pca) {
        writeFileSync(join(dir, 'structure.eigenvec'), eigenvecText(structure.step.pca, withFamilyIds(source)));
        writeFileSync(join(dir, 'structure.eigenval'), eigenvalText(structure.step.pca));
      }
      say(`structure: ${structure.step.seconds.toFixed(1)} s${structure.step.pca ? ` -> ${join(dir, 'structure.eigenvec')}, ${join(dir, 'structure.eigenval')}` : ''}`);
    } else say('structure: no genetic PCs and no LOCO step (--pca 0 --no-loco): the scan is plink2 --glm exact');
    const scan = await scanToFiles(a, dir, source, aligned, structure?.loco, structure?.step.pcColumns);
    say(`scan: ${scan.runs[0].result.summary.nVariants} variants, ${scan.analysed} samples, ${scan.backend}, ${scan.seconds.toFixed(1)} s; lambda ${scan.lambda.map((l) => `${l.response}${l.test === 'ADD' ? '' : ` ${l.test}`} ${l.lambda.toFixed(3)}`).join(', ')}`);
    for (const w of lambdaWarnings(scan.lambda, structureSettings)) say(w);

    // 4. SIS and selection for every HSV.
    const { step, lines } = await screenAndSelect(a, source, aligned, cfg, 'pipeline', undefined, structure);
    writeSisOutputs(join(dir, 'sis'), step.run, lines);
    for (const l of sisLogLines(step.run)) say(l);
    const geno = genotypeReport(source);
    for (const l of geno.lines) say(l);

    // 5. Annotation: nearest genes of the selected terms (DIR/selected.tsv) and of the scans' hits (the record).
    const combined = combinedSelectedTsv(step.run.responses);
    let selectedText = combined;
    let annotation: Pick<Analysis, 'annotations' | 'annotationSource'> = {};
    try {
      const genes = await readBuiltinGenesNode();
      const index = new GeneIndex(genes.genes, genes.source);
      selectedText = annotateSelected(combined, step.run, index);
      annotation = annotateStep({ scans: scan.scans, selected: step.selected }, index, genes.source);
    } catch (e) {
      say(`annotation skipped: ${e instanceof Error ? e.message : String(e)}`);
    }
    writeFileSync(join(dir, 'selected.tsv'), selectedText);
    const nSel = step.selected.length;
    say(`selected ${nSel} terms over ${step.run.responses.length} HSVs -> ${join(dir, 'selected.tsv')}`);

    // 6. The Analysis record, as the app saves it.
    const analysis: Analysis = {
      createdAt: new Date().toISOString(),
      cohort: {
        sources: [
          { name: phenoTable.source, kind: 'phenotypes', samples: phenoTable.ids.length, columns: phenoTable.columns.length, format: 'text table' },
          ...(covar ? [{ name: covar.source, kind: 'covariates' as const, samples: covar.ids.length, columns: covar.columns.length, format: 'text table' }] : []),
          { name: source.name, kind: 'genotypes', samples: source.samples.iid.length, variants: geno.variantsIn ?? undefined, format: genotypeFormatLabel(source.format, source.name) },
        ],
        matchedSamples: scan.analysed,
        droppedSamples: [...geno.samples, ...scan.dropped],
        variantsBefore: geno.variantsIn ?? scan.runs[0].result.summary.nVariants,
        variantsAfter: scan.runs[0].result.summary.nVariants,
        variantQc: geno.variants,
        warnings: [...phenoTable.warnings, ...(covar?.warnings ?? [])],
      },
      preparation: prep.preparation,
      training: train.training,
      interpretation: train.interpretation,
      hsvCorrelation: train.hsvCorrelation,
      ...(structure ? { structure: structureSummary(structure.step, structureSettings) } : {}),
      scans: scan.scans,
      selected: step.selected,
      ...annotation,
      parameters: {
        training: { ...tr.config, backend },
        structure: { pcs: structureSettings.pcs, loco: structureSettings.loco },
        scan: {
          covariates: aligned.covariates.map((c) => c.name),
          env: cfg.env,
          qc: qcFromArgs(a) ?? {},
          test: scanTestDescription(!!structure?.step.pca, !!structure?.loco),
        },
        selection: { covariates: aligned.covariates.map((c) => c.name), env: cfg.env, ...cfg.options, log: undefined },
      },
      versions: versions(),
    };
    writeFileSync(join(dir, 'analysis.json'), serializeAnalysis(analysis));
    say(`analysis record -> ${join(dir, 'analysis.json')} (npm run cli -- report --dir ${dir})`);
    say(`total time ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    writeFileSync(join(dir, 'pipeline.log'), log.join('\n') + '\n');
  },
};

/** The scan step, streamed into DIR/scan.<HSV>.glm.linear (and DIR/scan.<HSV>.<E>.glm.linear per E), results kept. */
async function scanToFiles(a: ParsedArgs, dir: string, source: GenotypeSource, aligned: AlignedSamples, loco: LocoAdjustment | undefined, pcs: NamedColumn[] = []): Promise<ScanStepResult> {
  const fds = new Map<string, number>();
  const pool = await kernelPoolFromArgs(a);
  try {
    return await scanStep(
      { source, responses: aligned.responses, covariates: aligned.covariates, env: aligned.env, loco, envAdjust: pcs },
      { backend: SCAN_BACKEND_DEFAULT, countedAllele: countedAlleleArg(a) },
      {
        pool,
        onChunk(env: string | null, c: ScanChunkResult) {
          const tests = env ? ['ADD', env, `ADDx${env}`] : ['ADD'];
          aligned.responses.forEach((r, k) => {
            const path = join(dir, `scan.${r.name}${env ? `.${env}` : ''}.glm.linear`);
            let fd = fds.get(path);
            if (fd === undefined) {
              fd = openSync(path, 'w');
              writeSync(fd, glmLinearHeader(false));
              fds.set(path, fd);
            }
            writeSync(fd, glmLinearRows(c, k, tests, false));
          });
        },
      },
    );
  } finally {
    for (const fd of fds.values()) closeSync(fd);
    await pool?.close();
  }
}

/** Adds NEAREST_GENE, GENE_DIST, GENES_IN_WINDOW to the combined selected table. */
function annotateSelected(text: string, run: SisRun, index: GeneIndex): string {
  const v = run.variants;
  const want = new Set<string>();
  for (const r of run.responses) for (const t of r.selected) for (const part of t.term.split(':')) want.add(part);
  const positions = new Map<string, { chrom: string; pos: number }>();
  for (let i = 0; i < v.ids.length; i++) if (want.has(v.ids[i]) && !positions.has(v.ids[i])) positions.set(v.ids[i], { chrom: normalizeChrom(v.chrom[i]), pos: v.pos[i] });
  return annotateTable(text, positions, index, { file: 'selected.tsv', idColumn: 'TERM' }).text;
}

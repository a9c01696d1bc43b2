/**
 * `npm run cli -- report --dir DIR [--out FILE] [--genes FILE] [--window BP] [--title TEXT] [--exports]
 *  [--bfile PREFIX] [--covar FILE --covar-name c1,c2]`
 * Builds the self-contained HTML report from a pipeline output folder: DIR/analysis.json (an Analysis, when the
 * pipeline wrote one), DIR/*train.json, DIR/*.glm.linear, DIR/*omnibus.glm.tsv and DIR/*selected.tsv
 * (per-response selected files are used only when there is no combined selected.tsv).
 * With --exports also writes, beside it: hsv.regenie.tsv (FID IID header), run-plink2-regenie.sh (ready-to-run
 * command lines), hits.annotated.tsv, sumstats/<response>.glm.linear (plink2 columns) and figures/*.svg.
 */
import { packageVersion } from '../../platform/node/projectRoot';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { arg, UsageError, type CliCommand } from '../args';
import { reportStep } from '../../lib/pipeline/reportStep';
import { annotateStep } from '../../lib/pipeline/annotateStep';
import type { Analysis, ScanResult } from '../../lib/report/Analysis';
import { analysisFromTrainJson, parseGlmLinear, parseOmnibus, parseSelected } from '../../lib/report/parseResultFiles';
import { parseAnalysis } from '../../lib/report/analysisJson';
import { nodeFileSource } from '../../platform/node/nodeFileSource';
import { readGeneFile } from '../../lib/annotate/readGeneFile';
import { readBuiltinGenesNode } from '../../platform/node/nodeBuiltinGenes';
import { GeneIndex } from '../../lib/annotate/GeneIndex';
import { DEFAULT_GENE_WINDOW } from '../../lib/annotate/annotatePosition';
import { analysisCommands, formatAnnotatedHits, formatHsvPhenotype, formatSumstats } from '../../lib/report/exportFormats';
import { manhattanSvg } from '../../lib/report/manhattanSvg';
import { qqSvg } from '../../lib/report/qqSvg';
import { slug } from '../../lib/report/svgText';

export const command: CliCommand = {
  name: 'report',
  summary: 'build the self-contained HTML report (and optional exports) from a pipeline output folder',
  details: [
    'Reads DIR/analysis.json, DIR/*train.json, DIR/*.glm.linear, DIR/*omnibus.glm.tsv, DIR/*selected.tsv (whatever is there)',
    'and writes one HTML file with inline SVG and CSS: no external resources, it opens offline.',
    'Example: npm run cli -- report --dir out/ --exports --bfile data/cohort',
  ].join('\n'),
  options: [
    { name: 'dir', type: 'string', required: true, meta: 'DIR', help: 'pipeline output folder' },
    { name: 'out', type: 'string', meta: 'FILE', help: 'report file (default DIR/report.html)' },
    { name: 'genes', type: 'string', meta: 'FILE', help: 'gene file (GTF, GFF3, BED; .gz ok) instead of the built-in GRCh38 table' },
    { name: 'window', type: 'int', meta: 'BP', default: DEFAULT_GENE_WINDOW, help: 'gene window for annotating hits' },
    { name: 'title', type: 'string', meta: 'TEXT', help: 'report title' },
    { name: 'exports', type: 'flag', help: 'also write REGENIE phenotype file, command lines, annotated hits, sumstats and SVG figures' },
    { name: 'bfile', type: 'string', meta: 'PREFIX', help: 'genotype prefix to put in the printed plink2/REGENIE commands' },
    { name: 'covar', type: 'string', meta: 'FILE', help: 'covariate file to put in the printed commands' },
    { name: 'covar-name', type: 'list', meta: 'c1,c2', help: 'covariate columns for the printed commands' },
  ],
  async run(a) {
    const dir = arg.str(a, 'dir') as string;
    if (!existsSync(dir)) throw new UsageError(`report: --dir ${dir} does not exist`);
    const files = readdirSync(dir).sort(natural);
    const notes: string[] = [];
    let analysis: Analysis = {};
    if (files.includes('analysis.json')) {
      analysis = parseAnalysis(readFileSync(join(dir, 'analysis.json'), 'utf8'));
      notes.push('analysis.json');
    }
    const trainFile = files.find((f) => f === 'train.json') ?? files.find((f) => f.endsWith('.train.json'));
    if (trainFile) {
      const fromTrain = analysisFromTrainJson(JSON.parse(readFileSync(join(dir, trainFile), 'utf8')));
      for (const [k, v] of Object.entries(fromTrain) as [keyof Analysis, unknown][]) {
        if (analysis[k] === undefined && v !== undefined) (analysis as Record<string, unknown>)[k] = v;
      }
      notes.push(trainFile);
    }
    if (!analysis.scans) {
      const scans: ScanResult[] = [];
      // hsv_gwas.* are this command's own plink2 export runs (run-plink2-regenie.sh), not the study's scans
      for (const f of files.filter((x) => /\.glm\.linear$/.test(x) && !x.startsWith(`${EXPORT_PREFIX}.`))) {
        for (const s of parseGlmLinear(readFileSync(join(dir, f), 'utf8'), f)) {
          if (scans.some((o) => o.response === s.response && (o.test ?? 'ADD') === (s.test ?? 'ADD'))) {
            console.error(`warning: ${f}: ${s.response} ${s.test ?? 'ADD'} already read from another file; skipped`);
            continue;
          }
          scans.push(shareVariants(s, scans[0]));
        }
        notes.push(f);
      }
      if (scans.length) analysis.scans = scans;
    }
    if (!analysis.omnibus) {
      const f = files.find((x) => /omnibus\.glm\.tsv$/.test(x));
      if (f) {
        analysis.omnibus = parseOmnibus(readFileSync(join(dir, f), 'utf8'), f);
        notes.push(f);
      }
    }
    if (!analysis.selected) {
      const combined = files.find((x) => x === 'selected.tsv' || x === 'selected.genes.tsv');
      const per = files.filter((x) => x.endsWith('.selected.tsv'));
      const use = combined ? [combined] : per;
      if (use.length) analysis.selected = use.flatMap((f) => parseSelected(readFileSync(join(dir, f), 'utf8'), f));
      notes.push(...use);
    }
    if (!analysis.logs) {
      const logs = files.filter((f) => f.endsWith('.log') && !f.startsWith(`${EXPORT_PREFIX}.`)).map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8').slice(0, 200_000) }));
      if (logs.length) analysis.logs = logs;
    }
    const window = arg.num(a, 'window') ?? DEFAULT_GENE_WINDOW;
    const genesPath = arg.str(a, 'genes');
    const geneSet = genesPath ? await readGeneFile(nodeFileSource(genesPath)) : await readBuiltinGenesNode();
    const genes = new GeneIndex(geneSet.genes, geneSet.source);
    if (!analysis.annotations && (analysis.scans?.length || analysis.selected?.length)) Object.assign(analysis, annotateStep(analysis, genes, geneSet.source, window));
    analysis.annotationSource ??= { genes: geneSet.source, window };
    if (arg.str(a, 'title')) analysis.title = arg.str(a, 'title');
    analysis.versions = { ...(analysis.versions ?? {}), 'latentscan report': latentscanVersion(), node: process.version };
    const out = arg.str(a, 'out') ?? join(dir, 'report.html');
    const html = reportStep(analysis, { index: genes, label: geneSet.source, window });
    writeFileSync(out, html);
    console.error(`report: read ${notes.length ? notes.join(', ') : 'nothing (empty report)'}`);
    console.error(`wrote ${out} (${(html.length / 1024).toFixed(0)} KiB)`);

    if (arg.flag(a, 'exports')) {
      const written: string[] = [];
      const hsvFile = files.find((f) => f === 'hsv.tsv') ?? files.find((f) => f.endsWith('.hsv.tsv'));
      const bfile = arg.str(a, 'bfile') ?? 'GENOTYPES';
      const outPrefix = join(dir, EXPORT_PREFIX);
      if (hsvFile) {
        const text = readFileSync(join(dir, hsvFile), 'utf8');
        const lines = text.trimEnd().split('\n');
        const head = lines[0].split('\t');
        const names = head.slice(2);
        const fid: string[] = [], iid: string[] = [], values: number[] = [];
        for (const l of lines.slice(1)) {
          const f = l.split('\t');
          fid.push(f[0]);
          iid.push(f[1]);
          for (let j = 0; j < names.length; j++) values.push(f[2 + j] === 'NA' ? NaN : Number(f[2 + j]));
        }
        const regenieFile = join(dir, 'hsv.regenie.tsv');
        writeFileSync(regenieFile, formatHsvPhenotype({ fid, iid, names, values }, 'regenie'));
        written.push(regenieFile);
        const cmds = analysisCommands({
          bfile,
          phenoFile: join(dir, hsvFile),
          regeniePhenoFile: regenieFile,
          phenoNames: names,
          covarFile: arg.str(a, 'covar'),
          covarNames: arg.list(a, 'covar-name'),
          out: outPrefix,
        });
        const sh = [
          '#!/bin/sh',
          '# HSVs through plink2 and REGENIE at biobank scale (written by `latentscan report --exports`).',
          `# Phenotypes: ${join(dir, hsvFile)} (#FID IID HSV1..), ${regenieFile} (FID IID HSV1.., REGENIE's header).`,
          ...(arg.str(a, 'bfile') ? [] : ['# Replace GENOTYPES with your PLINK fileset prefix (or rerun with --bfile).']),
          'set -e',
          cmds.plink2,
          cmds.regenieStep1,
          cmds.regenieStep2,
        ].join('\n') + '\n';
        writeFileSync(join(dir, 'run-plink2-regenie.sh'), sh);
        written.push(join(dir, 'run-plink2-regenie.sh'));
      }
      if (analysis.annotations?.length) {
        writeFileSync(join(dir, 'hits.annotated.tsv'), formatAnnotatedHits(analysis.annotations));
        written.push(join(dir, 'hits.annotated.tsv'));
      }
      if (analysis.scans?.length) {
        mkdirSync(join(dir, 'figures'), { recursive: true });
        mkdirSync(join(dir, 'sumstats'), { recursive: true });
        for (const s of analysis.scans) {
          const name = slug(`${s.response}${s.test && s.test !== 'ADD' ? `-${s.test}` : ''}`);
          writeFileSync(join(dir, 'figures', `${name}.manhattan.svg`), manhattanSvg(s));
          writeFileSync(join(dir, 'figures', `${name}.qq.svg`), qqSvg(s));
          writeFileSync(join(dir, 'sumstats', `${name}.glm.linear`), formatSumstats(s));
        }
        written.push(join(dir, 'figures/'), join(dir, 'sumstats/'));
      }
      console.error(`exports: ${written.join(', ') || 'nothing to export'}`);
    }
  },
};

/**
 * Scans of one run list the same variants in the same order: point a new scan's ID, chromosome, position and
 * allele arrays at the first scan's when they are equal, so N responses cost one copy of the variant columns.
 */
function shareVariants(s: ScanResult, first: ScanResult | undefined): ScanResult {
  if (!first || first.id.length !== s.id.length) return s;
  for (let i = 0; i < s.id.length; i++) if (s.id[i] !== first.id[i] || s.pos[i] !== first.pos[i] || s.chrom[i] !== first.chrom[i]) return s;
  const same = (a?: ArrayLike<string>, b?: ArrayLike<string>) => {
    if (!a || !b || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  };
  return {
    ...s,
    id: first.id,
    chrom: first.chrom,
    pos: first.pos,
    a1: same(s.a1, first.a1) ? first.a1 : s.a1,
    ref: same(s.ref, first.ref) ? first.ref : s.ref,
    alt: same(s.alt, first.alt) ? first.alt : s.alt,
  };
}

/** Output prefix of the printed plink2/REGENIE runs (inside DIR). */
const EXPORT_PREFIX = 'hsv_gwas';

function natural(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

function latentscanVersion(): string {
  try {
    return packageVersion();
  } catch {
    return 'unknown';
  }
}

/**
 * Export writers (pure, text out): HSVs as a PLINK2 / REGENIE phenotype file with ready-to-run command lines,
 * summary statistics in plink2 --glm columns, selected terms and annotated hits. Missing values are NA.
 */
import type { AnnotatedHit, ScanResult, SelectedTermSummary } from './Analysis';
import { fmtPFromMlog10 } from './svgText';
import { mlog10pOf } from './pValues';

/** A number as plink2 prints it: up to 6 significant digits, NA for NaN. */
export function fmtG6(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NA' : v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e6) return String(Number(v.toPrecision(6)));
  return v.toExponential(5).replace(/\.?0+e/, 'e').replace(/e([+-])(\d)$/, 'e$10$2');
}

export type PhenoHeader = 'plink2' | 'regenie';

export interface HsvPhenotypeInput {
  /** Family IDs (use the IIDs when the data has none, as the .fam does). */
  fid: readonly string[];
  iid: readonly string[];
  /** Column names, e.g. HSV1..HSVk. */
  names: readonly string[];
  /** n x k values, row-major; NaN = missing (written NA). */
  values: ArrayLike<number>;
}

/**
 * The phenotype file: `#FID IID HSV1 ... HSVk` (plink2 --pheno) or `FID IID HSV1 ... HSVk` (REGENIE requires
 * its header to start with FID IID, without '#'; plink2 reads both). Tab-separated, NA for missing.
 */
export function formatHsvPhenotype(input: HsvPhenotypeInput, header: PhenoHeader = 'plink2'): string {
  const n = input.iid.length;
  const k = input.names.length;
  if (input.fid.length !== n) throw new RangeError(`phenotype export: ${input.fid.length} FIDs for ${n} IIDs`);
  if (input.values.length !== n * k) throw new RangeError(`phenotype export: expected ${n} x ${k} = ${n * k} values, got ${input.values.length}`);
  for (const name of input.names) {
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new RangeError(`phenotype export: column name '${name}' must be letters, digits, _ . or - (plink2/REGENIE)`);
  }
  let first: string;
  switch (header) {
    case 'plink2':
      first = '#FID';
      break;
    case 'regenie':
      first = 'FID';
      break;
    default:
      throw new Error(`unknown phenotype header ${String(header)}`);
  }
  const lines = [[first, 'IID', ...input.names].join('\t')];
  for (let i = 0; i < n; i++) {
    const row = [input.fid[i], input.iid[i]];
    for (let j = 0; j < k; j++) {
      const v = input.values[i * k + j];
      row.push(Number.isFinite(v) ? String(Number(v.toPrecision(7))) : 'NA');
    }
    lines.push(row.join('\t'));
  }
  return lines.join('\n') + '\n';
}

export interface CommandOptions {
  /** PLINK fileset prefix (PREFIX.bed/.bim/.fam). */
  bfile: string;
  /** Phenotype file with the '#FID IID' header, for plink2. */
  phenoFile: string;
  /** Phenotype file with the 'FID IID' header, for REGENIE. */
  regeniePhenoFile: string;
  /** Phenotype names (default: all columns of the file). */
  phenoNames?: readonly string[];
  /** Covariate file (plink2 and REGENIE both read a 'FID IID c1 c2' header) and the columns to use. */
  covarFile?: string;
  covarNames?: readonly string[];
  /** Output prefix of the runs. */
  out: string;
  threads?: number;
}

export interface AnalysisCommands {
  plink2: string;
  regenieStep1: string;
  regenieStep2: string;
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function cmd(words: (string | number)[]): string {
  return words.map((w) => shellQuote(String(w))).join(' ');
}

/**
 * Ready-to-run command lines: plink2 --glm over every HSV (quantitative, additive, covariates hidden), and
 * REGENIE step 1 (whole-genome ridge on the same genotypes) and step 2 (association, using step 1's
 * predictions, which step 1 lists in <out>.regenie_step1_pred.list).
 */
export function analysisCommands(o: CommandOptions): AnalysisCommands {
  const threads = o.threads ?? 2;
  const p2: (string | number)[] = ['plink2', '--bfile', o.bfile, '--pheno', o.phenoFile];
  if (o.phenoNames && o.phenoNames.length) p2.push('--pheno-name', o.phenoNames.join(','));
  if (o.covarFile) {
    p2.push('--covar', o.covarFile);
    if (o.covarNames && o.covarNames.length) p2.push('--covar-name', o.covarNames.join(','));
    p2.push('--glm', 'hide-covar');
  } else {
    p2.push('--glm', 'allow-no-covars');
  }
  p2.push('--threads', threads, '--out', o.out);
  const common: (string | number)[] = ['--bed', o.bfile, '--phenoFile', o.regeniePhenoFile];
  if (o.phenoNames && o.phenoNames.length) common.push('--phenoColList', o.phenoNames.join(','));
  if (o.covarFile) {
    common.push('--covarFile', o.covarFile);
    if (o.covarNames && o.covarNames.length) common.push('--covarColList', o.covarNames.join(','));
  }
  const step1Out = `${o.out}.regenie_step1`;
  const s1 = ['regenie', '--step', 1, ...common, '--qt', '--bsize', 1000, '--lowmem', '--lowmem-prefix', `${o.out}.regenie_tmp`, '--threads', threads, '--out', step1Out];
  const s2 = ['regenie', '--step', 2, ...common, '--qt', '--bsize', 400, '--pred', `${step1Out}_pred.list`, '--threads', threads, '--out', `${o.out}.regenie_step2`];
  return { plink2: cmd(p2), regenieStep1: cmd(s1), regenieStep2: cmd(s2) };
}

/** Header of plink2 --glm linear output. */
export const GLM_COLUMNS = ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'A1', 'TEST', 'OBS_CT', 'BETA', 'SE', 'T_STAT', 'P'] as const;

/** Summary statistics of one response in plink2 --glm columns (REF/ALT/A1/OBS_CT NA when unknown). */
export function formatSumstats(scan: ScanResult): string {
  const n = scan.id.length;
  const mlp = mlog10pOf(scan);
  const lines = [GLM_COLUMNS.join('\t')];
  for (let i = 0; i < n; i++) {
    const beta = scan.beta ? scan.beta[i] : NaN;
    const se = scan.se ? scan.se[i] : NaN;
    const t = scan.tStat ? scan.tStat[i] : beta / se;
    const m = mlp[i];
    const p = Number.isNaN(m) ? 'NA' : m < 300 ? fmtG6(Math.pow(10, -m)) : fmtPFromMlog10(m);
    lines.push(
      [
        scan.chrom[i],
        String(scan.pos[i]),
        scan.id[i],
        scan.ref ? scan.ref[i] : 'NA',
        scan.alt ? scan.alt[i] : scan.a1 ? scan.a1[i] : 'NA',
        scan.a1 ? scan.a1[i] : scan.alt ? scan.alt[i] : 'NA',
        scan.test ?? 'ADD',
        scan.obsCt && Number.isFinite(scan.obsCt[i]) ? String(scan.obsCt[i]) : 'NA',
        fmtG6(beta),
        fmtG6(se),
        fmtG6(t),
        p,
      ].join('\t'),
    );
  }
  return lines.join('\n') + '\n';
}

/** Selected terms across HSVs. */
export function formatSelected(terms: readonly SelectedTermSummary[]): string {
  const lines = [['HSV', 'TERM', 'TYPE', 'A1', 'BETA', 'P', 'STABILITY', 'GENES'].join('\t')];
  for (const t of terms) {
    lines.push([t.hsv, t.term, t.type, t.a1 || 'NA', fmtG6(t.beta), t.p === undefined ? 'NA' : fmtG6(t.p), t.stability === undefined ? 'NA' : fmtG6(t.stability), t.genes || 'NA'].join('\t'));
  }
  return lines.join('\n') + '\n';
}

/** Annotated hits. GENE_DIST is bp to the nearest gene, 0 inside one. */
export function formatAnnotatedHits(hits: readonly AnnotatedHit[]): string {
  const lines = [['#CHROM', 'POS', 'ID', 'HSV', 'P', 'BETA', 'NEAREST_GENE', 'GENE_DIST', 'GENE_STRAND', 'GENES_IN_WINDOW'].join('\t')];
  for (const h of hits) {
    lines.push(
      [
        h.chrom,
        String(h.pos),
        h.id,
        h.hsv ?? 'NA',
        h.p === undefined ? 'NA' : fmtG6(h.p),
        h.beta === undefined ? 'NA' : fmtG6(h.beta),
        h.nearestGene || 'NA',
        h.distance === undefined ? 'NA' : String(h.distance),
        h.strand || 'NA',
        h.genesInWindow && h.genesInWindow.length ? h.genesInWindow.join(',') : 'NA',
      ].join('\t'),
    );
  }
  return lines.join('\n') + '\n';
}

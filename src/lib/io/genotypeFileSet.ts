/**
 * Which of a set of picked or dropped files make up one genotype input: a PLINK 1 trio (.bed + .bim + .fam), a
 * plink2 trio (.pgen + .pvar or .pvar.zst + .psam), a .bgen (with an optional Oxford .sample and an optional
 * bgenix index, x.bgen.bgi or x.bgi) or one VCF (.vcf, .vcf.gz, .vcf.bgz). Files are grouped by format and by
 * prefix (the name less its extension; x.bgen.bgi's prefix is x); a format whose roles come once each forms one
 * group whatever the prefixes (x.bed with y.bim and y.fam), as a file of each kind is all that is needed. Names
 * of other kinds (.log, .nosex) are left out.
 *
 * The app's page uses it to hold an incomplete set until the rest arrives, and its worker to open the set.
 */
import { InputError } from '../base/errors';
import type { GenotypeFormat } from './GenotypeSource';

export type GenotypeFileRole = 'bed' | 'bim' | 'fam' | 'pgen' | 'pvar' | 'psam' | 'bgen' | 'sample' | 'bgi' | 'vcf';

interface SetKind {
  label: string;
  roles: readonly GenotypeFileRole[];
  /** Roles a complete set may lack. */
  optional: readonly GenotypeFileRole[];
  expected: string;
}

const KINDS: Record<GenotypeFormat, SetKind> = {
  bed: { label: 'PLINK', roles: ['bed', 'bim', 'fam'], optional: [], expected: 'the three PLINK files together (.bed, .bim, .fam)' },
  pgen: { label: 'PLINK 2', roles: ['pgen', 'pvar', 'psam'], optional: [], expected: 'the three PLINK 2 files together (.pgen, .pvar or .pvar.zst, .psam)' },
  bgen: { label: 'BGEN', roles: ['bgen', 'sample', 'bgi'], optional: ['sample', 'bgi'], expected: 'a .bgen file (with its .sample file and .bgen.bgi index, if any)' },
  vcf: { label: 'VCF', roles: ['vcf'], optional: [], expected: 'one .vcf / .vcf.gz' },
};

/** What the files of each format need, in words (for hints and messages). */
export const GENOTYPE_SETS_EXPECTED = '.bed + .bim + .fam, .pgen + .pvar[.zst] + .psam, .bgen [+ .sample] [+ .bgen.bgi], or one .vcf / .vcf.gz';

/** The extensions a genotype file picker accepts (an <input accept> list). */
export const GENOTYPE_FILE_ACCEPT = '.bed,.bim,.fam,.pgen,.pvar,.zst,.psam,.bgen,.sample,.bgi,.vcf,.gz,.bgz';

const EXTENSION = /\.(bed|bim|fam|pgen|pvar|pvar\.zst|psam|bgen\.bgi|bgen|bgi|sample|vcf|vcf\.gz|vcf\.bgz)$/i;

/** The role of a file by its name, and its prefix (the name less the extension); null for other files. */
export function genotypeFileRole(name: string): { role: GenotypeFileRole; format: GenotypeFormat; prefix: string } | null {
  const m = name.match(EXTENSION);
  if (!m) return null;
  const ext = m[1].toLowerCase();
  const role: GenotypeFileRole = ext === 'pvar.zst' ? 'pvar' : ext === 'bgen.bgi' ? 'bgi' : ext.startsWith('vcf') ? 'vcf' : (ext as GenotypeFileRole);
  const format = (Object.keys(KINDS) as GenotypeFormat[]).find((f) => KINDS[f].roles.includes(role))!;
  return { role, format, prefix: name.slice(0, m.index) };
}

/** One group of files of a format: the index (in the names given) of the file of each role it has. */
export interface GenotypeFileGroup {
  format: GenotypeFormat;
  files: Partial<Record<GenotypeFileRole, number>>;
  /** Required roles it lacks, as extensions ('.fam', '.pvar (or .pvar.zst)'). */
  missing: string[];
}

export type GenotypeFileGrouping =
  | { kind: 'complete'; set: GenotypeFileGroup; ignored: number[] }
  | { kind: 'incomplete'; groups: GenotypeFileGroup[] }
  | { kind: 'several'; sets: GenotypeFileGroup[] }
  | { kind: 'none' };

function missingLabel(role: GenotypeFileRole): string {
  return role === 'pvar' ? '.pvar (or .pvar.zst)' : `.${role}`;
}

/** Groups the named files into genotype inputs (see the file comment). */
export function groupGenotypeFiles(names: readonly string[]): GenotypeFileGrouping {
  const byFormat = new Map<GenotypeFormat, { role: GenotypeFileRole; prefix: string; i: number }[]>();
  names.forEach((name, i) => {
    const r = genotypeFileRole(name);
    if (!r) return;
    const list = byFormat.get(r.format) ?? [];
    list.push({ role: r.role, prefix: r.prefix, i });
    byFormat.set(r.format, list);
  });
  if (byFormat.size === 0) return { kind: 'none' };
  const groups: GenotypeFileGroup[] = [];
  for (const [format, list] of byFormat) {
    const roles = list.map((f) => f.role);
    const oncePerRole = new Set(roles).size === roles.length;
    const keyed = new Map<string, GenotypeFileGroup>();
    for (const f of list) {
      // VCFs are each an input of their own; the other formats join by prefix unless each role comes once.
      const key = format === 'vcf' ? String(f.i) : oncePerRole ? '' : f.prefix.toLowerCase();
      const g = keyed.get(key) ?? { format, files: {}, missing: [] };
      g.files[f.role] = f.i;
      keyed.set(key, g);
    }
    for (const g of keyed.values()) {
      const k = KINDS[format];
      g.missing = k.roles.filter((r) => g.files[r] === undefined && !k.optional.includes(r)).map(missingLabel);
      groups.push(g);
    }
  }
  const complete = groups.filter((g) => g.missing.length === 0);
  if (complete.length > 1) return { kind: 'several', sets: complete };
  if (complete.length === 0) return { kind: 'incomplete', groups };
  const used = new Set(Object.values(complete[0].files));
  return { kind: 'complete', set: complete[0], ignored: names.map((_, i) => i).filter((i) => !used.has(i)) };
}

/** The file names of a group, in role order. */
export function groupFileNames(g: GenotypeFileGroup, names: readonly string[]): string[] {
  return KINDS[g.format].roles.filter((r) => g.files[r] !== undefined).map((r) => names[g.files[r]!]);
}

/**
 * The one complete set among the named files, or an InputError that says what is missing ('g.pgen, g.psam:
 * incomplete PLINK 2 file set; expected ..., found no .pvar (or .pvar.zst)'), that several sets were given, or
 * that none of the files is a genotype file.
 */
export function completeGenotypeSet(names: readonly string[]): GenotypeFileGroup {
  const g = groupGenotypeFiles(names);
  switch (g.kind) {
    case 'complete':
      return g.set;
    case 'incomplete': {
      const first = g.groups[0];
      const k = KINDS[first.format];
      throw new InputError(
        { file: groupFileNames(first, names).join(', '), expected: k.expected, found: `no ${first.missing.join(', no ')}` },
        `incomplete ${k.label} file set`,
      );
    }
    case 'several':
      throw new InputError(
        { file: names.join(', '), expected: 'one genotype input at a time', found: g.sets.map((s) => groupFileNames(s, names).join(' + ')).join('; ') },
        'several genotype inputs',
      );
    case 'none':
      throw new InputError(
        { file: names.join(', ') || '(no file)', expected: GENOTYPE_SETS_EXPECTED, found: names.length ? names.join(', ') : 'nothing' },
        'unrecognised genotype files',
      );
    default:
      throw new Error(`unknown grouping ${String((g as { kind: unknown }).kind)}`);
  }
}

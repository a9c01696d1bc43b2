/**
 * Node entry to genotype sources: `--bfile PREFIX` (PREFIX.bed/.bim/.fam), `--pfile PREFIX`
 * (PREFIX.pgen/.pvar or .pvar.zst/.psam), `--vcf FILE` (.vcf or .vcf.gz) or `--bgen FILE` (with `--sample FILE`).
 * Files are opened read-only through nodeFileSource. A bgenix index next to the .bgen (FILE.bgi, as bgenix
 * names it: x.bgen.bgi) is used for --chr / --from-bp / --to-bp selection; the source's notes (bgenIndexNotes)
 * say so, and go to stderr when opened.
 */
import { existsSync } from 'node:fs';
import { LatentScanError } from '../lib/base/errors';
import type { GenotypeSource } from '../lib/io/GenotypeSource';
import { openBed } from '../lib/io/bed';
import { openVcf } from '../lib/io/vcf';
import { openPgen } from '../lib/io/pgen';
import { hardCallSource } from '../lib/io/hardCallSource';
import { openBgen, type BgenSource } from '../lib/io/bgen';
import type { GenotypeInputs } from './genotypeArgs';
import { nodeFileSource } from '../platform/node/nodeFileSource';
import { createQcSource, type VariantQcOptions } from '../lib/io/variantQc';

/** The genotype input (src/cli/genotypeArgs.ts) and how to read it. */
export interface OpenGenotypesOptions extends GenotypeInputs {
  /** VCF only: give DS dosages (dosage chunks) when the records carry them (a .pgen gives its dosages always). */
  dosage?: boolean;
  /**
   * Hard calls (king and pca need packed genotypes): a .pgen's hard-call track even when the file stores
   * dosages; a .bgen's dosages made hard calls as plink2 does (src/lib/io/hardCallSource.ts).
   */
  hardcalls?: boolean;
  /** Variant/sample QC (plink2 --maf/--geno/--hwe/--mind); the returned source is a QcSource with `report`. */
  qc?: VariantQcOptions;
  signal?: AbortSignal;
  /** Where notes on the input go (the .bgi used); default stderr. */
  note?: (line: string) => void;
}

function mustExist(path: string): string {
  if (!existsSync(path)) throw new LatentScanError('input', `${path}: file not found`);
  return path;
}

export async function openGenotypes(o: OpenGenotypesOptions): Promise<GenotypeSource> {
  const src = await openRaw(o);
  return o.qc ? createQcSource(src, o.qc, { signal: o.signal }) : src;
}

async function openRaw(o: OpenGenotypesOptions): Promise<GenotypeSource> {
  const given = [o.bfile && '--bfile', o.pfile && '--pfile', o.vcf && '--vcf', o.bgen && '--bgen'].filter(Boolean);
  if (given.length > 1) throw new LatentScanError('input', `give one of --bfile, --pfile, --vcf or --bgen, not ${given.join(' and ')}`);
  if (o.bfile) {
    const p = o.bfile.replace(/\.(bed|bim|fam)$/, '');
    return openBed(
      {
        bed: nodeFileSource(mustExist(`${p}.bed`)),
        bim: nodeFileSource(mustExist(`${p}.bim`)),
        fam: nodeFileSource(mustExist(`${p}.fam`)),
      },
      { signal: o.signal },
    );
  }
  if (o.pfile) {
    const p = o.pfile.replace(/\.(pgen|pvar|pvar\.zst|psam)$/, '');
    const pvar = existsSync(`${p}.pvar`) || !existsSync(`${p}.pvar.zst`) ? `${p}.pvar` : `${p}.pvar.zst`;
    return openPgen(
      {
        pgen: nodeFileSource(mustExist(`${p}.pgen`)),
        pvar: nodeFileSource(mustExist(pvar)),
        psam: nodeFileSource(mustExist(`${p}.psam`)),
      },
      { signal: o.signal, ...(o.hardcalls ? { dosage: false } : {}) },
    );
  }
  if (o.vcf) return openVcf(nodeFileSource(mustExist(o.vcf)), { dosage: o.dosage, signal: o.signal });
  if (o.bgen) {
    const bgi = `${o.bgen}.bgi`;
    const bgen = await openBgen(
      {
        bgen: nodeFileSource(mustExist(o.bgen)),
        ...(o.sample ? { sample: nodeFileSource(mustExist(o.sample)) } : {}),
        ...(existsSync(bgi) ? { index: nodeFileSource(bgi) } : {}),
      },
      { alleleOrder: o.bgenOrder, signal: o.signal },
    );
    const note = o.note ?? ((line: string) => process.stderr.write(`${line}\n`));
    for (const line of bgenIndexNotes(bgen)) note(line);
    return o.hardcalls ? hardCallSource(bgen) : bgen;
  }
  throw new LatentScanError('input', 'no genotypes given: use --bfile PREFIX, --pfile PREFIX, --vcf FILE or --bgen FILE');
}

/** The log lines on a .bgen's index: 'BGEN index x.bgen.bgi used for --chr/range selection' (and why unchecked). */
export function bgenIndexNotes(source: GenotypeSource): string[] {
  let s: GenotypeSource & { base?: GenotypeSource } = source;
  while (s.base) s = s.base;
  if (s.format !== 'bgen') return [];
  const index = (s as BgenSource).index;
  if (!index) return [];
  return [`BGEN index ${index.name} used for --chr/range selection`, ...(index.note ? [`  ${index.note}`] : [])];
}

/**
 * plink2-format result rows: PREFIX.<response>.glm.linear, tab-separated, header
 *   #CHROM POS ID REF ALT A1 TEST OBS_CT BETA SE T_STAT P
 * (plink2's columns without ERRCODE; NA rows carry their reason in ScanResult.err and in the scan log, or as
 * a trailing ERRCODE column when `errcode` is asked for). Numbers are printed like plink2 (%g, 6 digits).
 */
import type { ScanChunkResult } from './runScan';
import { ERRCODES } from './regress';
import { formatG, formatP } from './formatG';

export const GLM_LINEAR_HEADER = ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'A1', 'TEST', 'OBS_CT', 'BETA', 'SE', 'T_STAT', 'P'];

export function glmLinearHeader(errcode = false): string {
  return (errcode ? [...GLM_LINEAR_HEADER, 'ERRCODE'] : GLM_LINEAR_HEADER).join('\t') + '\n';
}

/** Rows of response k for one chunk, tests in order per variant (ADD, <E>, ADDx<E>). */
export function glmLinearRows(c: ScanChunkResult, k: number, tests: string[], errcode = false): string {
  const vb = c.variants;
  const blocks = c.blocks[k];
  const parts: string[] = [];
  for (let v = 0; v < c.count; v++) {
    const head = `${vb.chrom[v]}\t${vb.pos[v]}\t${vb.id[v]}\t${vb.ref[v]}\t${vb.alt[v]}\t${vb.a1 ? vb.a1[v] : vb.alt[v]}\t`;
    for (let t = 0; t < tests.length; t++) {
      const b = blocks[t];
      let line: string;
      if (b.err[v]) line = `${head}${tests[t]}\t${b.obs[v]}\tNA\tNA\tNA\tNA`;
      else line = `${head}${tests[t]}\t${b.obs[v]}\t${formatG(b.beta[v])}\t${formatG(b.se[v])}\t${formatG(b.t[v])}\t${formatP(b.log10p[v])}`;
      if (errcode) line += `\t${ERRCODES[b.err[v]]}`;
      parts.push(line);
    }
  }
  return parts.length ? parts.join('\n') + '\n' : '';
}

export const OMNIBUS_HEADER = '#CHROM\tPOS\tID\tA1\tOBS_CT\tCHISQ\tDF\tP\n';

/** Omnibus rows of test t for one chunk. */
export function omnibusRows(c: ScanChunkResult, t: number, df: number): string {
  const o = c.omnibus?.[t];
  if (!o) return '';
  const vb = c.variants;
  const parts: string[] = [];
  for (let v = 0; v < c.count; v++) {
    const head = `${vb.chrom[v]}\t${vb.pos[v]}\t${vb.id[v]}\t${vb.a1 ? vb.a1[v] : vb.alt[v]}\t${o.obs[v]}\t`;
    parts.push(o.err[v] ? `${head}NA\t${df}\tNA` : `${head}${formatG(o.chisq[v])}\t${df}\t${formatP(o.log10p[v])}`);
  }
  return parts.length ? parts.join('\n') + '\n' : '';
}

/**
 * The phenotype table: columns load on one or two factors through monotone links, a share (`nonlinearFraction`)
 * are non-monotone functions of the factors, some are noise only, some binary; cells are missing at
 * `missingCellRate`. Noise, binary and nonlinear columns are spread through the table, not put at the end.
 */
import type { Rng } from '../math/rng';
import type { TableColumn } from '../io/Table';
import type { PhenotypeTruth } from './simulateCohort';
import type { ResolvedSimulateOptions } from './resolveSimulateOptions';
import { monotoneColumn, noiseColumn, nonlinearColumn, type ColumnTruth, type PhenotypeFactors } from './phenotypeColumn';
import { numericColumn } from './numericColumn';

type PhenotypeOptions = Pick<ResolvedSimulateOptions, 'phenos' | 'noiseFraction' | 'binaryFraction' | 'nonlinearFraction' | 'missingCellRate'>;

export interface SimulatedPhenotypes {
  columns: TableColumn[];
  truth: PhenotypeTruth[];
}

/**
 * Non-monotone links: half U-shaped, a quarter V-shaped, a quarter products of two factors (cycled, so every
 * factor gets its share); each column's factor cycles separately from the monotone columns.
 */
const NONLINEAR_LINKS: PhenotypeTruth['link'][] = ['u-shape', 'product', 'u-shape', 'v-shape'];

/** Each column's kind and whether it is nonlinear, from one shuffle of the column order (P - 1 draws). */
export function assignPhenotypeKinds(rng: Rng, o: PhenotypeOptions): { kindOf: PhenotypeTruth['kind'][]; nonlinear: Uint8Array } {
  const P = o.phenos;
  const nNoise = Math.round(o.noiseFraction * P);
  const nBinary = Math.round(o.binaryFraction * P);
  const kindOf: PhenotypeTruth['kind'][] = [];
  for (let p = 0; p < P; p++) kindOf.push('continuous');
  const order = Array.from({ length: P }, (_, p) => p);
  for (let p = P - 1; p > 0; p--) {
    const j = rng.int(p + 1);
    [order[p], order[j]] = [order[j], order[p]];
  }
  for (let a = 0; a < nNoise; a++) kindOf[order[a]] = 'noise';
  for (let a = nNoise; a < nNoise + nBinary && a < P; a++) kindOf[order[a]] = 'binary';
  const nNonlinear = Math.round(o.nonlinearFraction * P);
  const nonlinear = new Uint8Array(P);
  for (let a = nNoise + nBinary; a < nNoise + nBinary + nNonlinear && a < P; a++) nonlinear[order[a]] = 1;
  return { kindOf, nonlinear };
}

/** Simulates the phenotype columns ph001, ph002, ... in order, every draw from `rng` (the phenotype stream). */
export function simulatePhenotypes(rng: Rng, fx: PhenotypeFactors, o: PhenotypeOptions): SimulatedPhenotypes {
  const { n } = fx;
  const K = fx.factorNames.length;
  const P = o.phenos;
  const truth: PhenotypeTruth[] = [];
  const columns: TableColumn[] = [];
  const pw = Math.max(3, String(P).length);
  const { kindOf, nonlinear } = assignPhenotypeKinds(rng, o);
  let nl = 0;
  let rr = 0;
  const sig = new Float64Array(n);
  const lat = new Float64Array(n);
  for (let p = 0; p < P; p++) {
    const name = `ph${String(p + 1).padStart(pw, '0')}`;
    const kind = kindOf[p];
    const vals = new Float64Array(n);
    let col: ColumnTruth;
    if (kind === 'continuous' && nonlinear[p]) {
      const link = NONLINEAR_LINKS[nl % NONLINEAR_LINKS.length];
      const a = (Math.floor(nl / NONLINEAR_LINKS.length) + 2 * (nl % NONLINEAR_LINKS.length)) % K;
      nl++;
      col = nonlinearColumn(rng, fx, link, a, sig, vals);
    } else if (kind === 'noise') {
      col = noiseColumn(rng, n, vals);
    } else {
      col = monotoneColumn(rng, fx, kind === 'binary', rr++ % K, lat, vals);
    }
    for (let i = 0; i < n; i++) if (rng.next() < o.missingCellRate) vals[i] = NaN;
    columns.push(numericColumn(name, vals));
    const { link, loadings, r2, center } = col;
    truth.push({ name, kind, link, loadings, r2, ...(center === undefined ? {} : { center }) });
  }
  return { columns, truth };
}

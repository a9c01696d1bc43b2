/**
 * The penalized fit's design: the screened features as an n x d column-major matrix on the analysed rows,
 * every column residualized on the covariates, an interaction's column also on both its parents (so it
 * means "beyond its parents" as in its screening score; docs/selection.md).
 */
import { residualize, type CovariateBasis } from './CovariateBasis';
import { imputedDosage, type VariantRow } from './collectVariants';
import type { Feature } from './Feature';
import { dot, projectOut } from './orthonormal';
import type { VariantInfo } from './screenGenotypes';

/** n x d column-major matrix of the features, residualized on the covariates. */
export function featureMatrix(
  features: Feature[],
  rows: Map<number, VariantRow>,
  rowOf: Int32Array,
  info: VariantInfo,
  env: Float64Array[],
  basis: CovariateBasis,
): Float64Array {
  const n = basis.n;
  const d = features.length;
  const z = new Float64Array(n * d);
  const scratch = new Float32Array(rowOf.length);
  const g = (v: number) => {
    const row = rows.get(v);
    if (!row) throw new Error(`featureMatrix: genotypes of variant ${v} were not collected`);
    return imputedDosage(row, rowOf, n, info.mean[v], scratch);
  };
  // Parents residualized on C with their squared norms, computed once per SNP / E (an interaction is
  // orthogonalized against them).
  const snpRes = new Map<number, Parent>();
  const envRes = new Map<number, Parent>();
  const parent = (r: Float64Array): Parent => ({ r, nn: dot(r, r) });
  const resSnp = (v: number, raw?: Float64Array): Parent => {
    let p = snpRes.get(v);
    if (!p) snpRes.set(v, (p = parent(residualize(basis, raw ?? g(v)))));
    return p;
  };
  const resEnv = (e: number): Parent => {
    let p = envRes.get(e);
    if (!p) envRes.set(e, (p = parent(residualize(basis, env[e]))));
    return p;
  };
  for (let j = 0; j < d; j++) {
    const f = features[j];
    switch (f.type) {
      case 'SNP':
        z.set(resSnp(f.variant).r, j * n);
        continue;
      case 'ENV':
        z.set(resEnv(f.aux).r, j * n);
        continue;
      case 'GxE': {
        const col = g(f.variant);
        const pg = resSnp(f.variant, col); // residualize copies: col can be reused for the product
        const e = env[f.aux];
        for (let i = 0; i < n; i++) col[i] *= e[i];
        z.set(projectOutPair(residualize(basis, col), pg, resEnv(f.aux)), j * n);
        continue;
      }
      case 'GxG': {
        const col = g(f.variant);
        const pa = resSnp(f.variant, col);
        const b = g(f.aux);
        const pb = resSnp(f.aux, b);
        for (let i = 0; i < n; i++) col[i] *= b[i];
        z.set(projectOutPair(residualize(basis, col), pa, pb), j * n);
        continue;
      }
      default:
        throw new Error(`unknown feature type '${String((f as Feature).type)}'`);
    }
  }
  return z;
}

interface Parent {
  r: Float64Array;
  /** r . r */
  nn: number;
}

/**
 * v minus its least-squares projection on the span of two parents, from the 2 x 2 normal equations (three
 * dot products, no allocation); nearly collinear or null parents go through Gram-Schmidt instead.
 */
function projectOutPair(v: Float64Array, a: Parent, b: Parent): Float64Array {
  const ab = dot(a.r, b.r);
  const det = a.nn * b.nn - ab * ab;
  if (!(a.nn > 0) || !(b.nn > 0) || !(det > 1e-10 * a.nn * b.nn)) return projectOut(v, [a.r, b.r]);
  const va = dot(a.r, v);
  const vb = dot(b.r, v);
  const ca = (b.nn * va - ab * vb) / det;
  const cb = (a.nn * vb - ab * va) / det;
  const ar = a.r;
  const br = b.r;
  for (let i = 0; i < v.length; i++) v[i] -= ca * ar[i] + cb * br[i];
  return v;
}

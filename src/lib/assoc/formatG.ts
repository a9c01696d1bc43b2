/**
 * Numbers as plink2 prints them: C printf "%g" with 6 significant digits ("0.0210597", "1.5e-05", "-2.33163").
 * P values below the double range are printed from -log10 P ("3.2e-400").
 */

export function formatG(x: number, digits = 6): string {
  if (Number.isNaN(x)) return 'NA';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return '0';
  let s = x.toPrecision(digits);
  // toPrecision may round up to the next power of ten; re-derive the exponent from its output.
  let e: number;
  const ei = s.indexOf('e');
  if (ei >= 0) e = Number(s.slice(ei + 1));
  else e = Number(Math.abs(x).toExponential(digits - 1).split('e')[1]);
  if (e < -4 || e >= digits) {
    s = x.toExponential(digits - 1);
    const [mant, ex] = s.split('e');
    const n = Number(ex);
    return `${stripZeros(mant)}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  if (ei >= 0) s = x.toFixed(Math.max(0, digits - 1 - e));
  return s.includes('.') ? stripZeros(s) : s;
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  s = s.replace(/0+$/, '');
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

/** P value from -log10 P with %g formatting, also below 1e-308. */
export function formatP(log10p: number, digits = 6): string {
  if (Number.isNaN(log10p)) return 'NA';
  if (log10p < 300) return formatG(10 ** -log10p, digits);
  const e = Math.ceil(log10p);
  let mant = 10 ** (e - log10p);
  let ex = -e;
  if (mant >= 10) {
    mant /= 10;
    ex += 1;
  }
  return `${stripZeros(mant.toFixed(digits - 1))}e-${String(-ex).padStart(2, '0')}`;
}

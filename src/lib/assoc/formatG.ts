/**
 * Numbers as plink2 prints them: C printf "%g" with 6 significant digits ("0.0210597", "1.5e-05", "-2.33163").
 * P values below the double range are printed from -log10 P ("3.2e-400").
 */

export function formatG(x: number, digits = 6): string {
  if (x !== x) return 'NA';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return '0';
  // One toPrecision call for the common case (measured: half the time of deriving the exponent apart).
  const s = x.toPrecision(digits);
  const ei = s.indexOf('e');
  if (ei >= 0) return expForm(s.slice(0, ei), Number(s.slice(ei + 1)));
  // Decimal exponent of the rounded value, from the digits of s.
  const neg = s.charCodeAt(0) === 45 ? 1 : 0;
  let e: number;
  if (s.charCodeAt(neg) !== 48) {
    const dot = s.indexOf('.');
    e = (dot < 0 ? s.length : dot) - neg - 1;
  } else {
    let k = neg + 2; // after "0."
    while (s.charCodeAt(k) === 48) k++;
    e = -(k - neg - 1);
  }
  if (e < -4) {
    const t = x.toExponential(digits - 1);
    const j = t.indexOf('e');
    return expForm(t.slice(0, j), Number(t.slice(j + 1)));
  }
  return s.indexOf('.') >= 0 ? stripZeros(s) : s;
}

function expForm(mant: string, n: number): string {
  return `${stripZeros(mant)}e${n < 0 ? '-' : '+'}${n > -10 && n < 10 ? '0' : ''}${Math.abs(n)}`;
}

function stripZeros(s: string): string {
  if (s.indexOf('.') < 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return end === s.length ? s : s.slice(0, end);
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

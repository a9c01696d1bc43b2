/** Number formatting for people: P values in scientific notation, counts with separators, durations. */

/** P value: '3.2e-12', '0.043' for P >= 0.001, '< 1e-300' at underflow, '—' when not tested. */
export function formatP(p: number): string {
  if (!Number.isFinite(p)) return '—';
  if (p === 0) return '< 1e-300';
  if (p >= 0.001) return p.toPrecision(2);
  const [m, e] = p.toExponential(1).split('e');
  return `${m}e${e}`;
}

/** P from -log10 P, exact for tiny values: m = 15.3 -> '5.0e-16'. */
export function formatPFromMlog10(m: number): string {
  if (!Number.isFinite(m)) return '—';
  if (m < 3) return formatP(10 ** -m);
  const e = Math.floor(m);
  let mant = 10 ** (e - m);
  let exp = -e;
  if (mant < 1) {
    mant *= 10;
    exp -= 1;
  }
  return `${mant.toFixed(1)}e${exp}`;
}

// One formatter for the page: Number#toLocaleString builds an Intl.NumberFormat per call, which showed up as the
// largest main-thread cost of a demo run in a CPU profile (101 ms over progress updates and table cells).
const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(n: number): string {
  return Number.isFinite(n) ? INTEGER.format(Math.round(n)) : '—';
}

export function formatNum(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return '—';
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(digits - 1);
  return Number(v.toPrecision(digits)).toString();
}

export function formatRate(rate: number, unit: string): string {
  if (!Number.isFinite(rate) || rate <= 0) return '';
  const r = rate >= 100 ? INTEGER.format(Math.round(rate)) : rate.toPrecision(3);
  return `${r} ${unit}/s`;
}

export function formatPercent(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%` : '—';
}

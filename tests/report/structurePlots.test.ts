import { describe, it, expect } from 'vitest';
import { createRng } from '../../src/lib/math/rng';
import { binKinship, kinshipHistogramSvg, pcScatterSvg, screeSvg, screeShares, KINSHIP_DEGREE_LINES } from '../../src/lib/report/structurePlots';

/** Minimal well-formedness: every tag closed in order, no raw '<' or '&' in text or attributes. */
function expectWellFormed(svg: string) {
  expect(svg.startsWith('<svg ')).toBe(true);
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g)) {
    if (m[1]) expect(stack.pop()).toBe(m[2]);
    else if (!m[4]) stack.push(m[2]);
  }
  expect(stack).toEqual([]);
  const text = svg.replace(/<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g, '');
  expect(text).not.toMatch(/[<>]/);
  expect(svg.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
}

const countTag = (svg: string, tag: string) => (svg.match(new RegExp(`<${tag}[\\s>/]`, 'g')) ?? []).length;

function cloud(n: number, seed = 1) {
  const rng = createRng(seed);
  const x = new Float64Array(n), y = new Float64Array(n);
  const g: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    x[i] = k * 2 + rng.next() - 0.5;
    y[i] = (k === 1 ? 2 : 0) + rng.next() - 0.5;
    g.push(['EUR', 'AFR', 'EAS'][k]);
  }
  return { x, y, g };
}

describe('PC scatter', () => {
  it('is well-formed, accessible, escapes labels and lists categorical groups with counts', () => {
    const { x, y, g } = cloud(300);
    g[0] = '<A&B>';
    const values: (string | null)[] = g.slice();
    values[1] = null;
    const svg = pcScatterSvg({ x, y, xLabel: 'PC1 <x>', yLabel: 'PC2', colorBy: { name: 'ancestry & site', values }, id: 'pcs' });
    expectWellFormed(svg);
    expect(svg).toMatch(/role="img" aria-labelledby="pcs-title pcs-desc"/);
    expect(svg).toContain('<title id="pcs-title">PC2 against PC1 &lt;x&gt; by ancestry &amp; site</title>');
    expect(svg).not.toContain('<A&B>');
    expect(svg).toContain('&lt;A&amp;B&gt; (1)');
    expect(svg).toContain('EUR (99)');
    expect(svg).toContain('AFR (99)');
    expect(svg).toContain('EAS (100)');
    expect(svg).toContain('missing (1)');
    expect(svg).toContain('class="points missing"');
  });

  it('puts groups beyond 12 into other', () => {
    const { x, y } = cloud(200);
    const values = Array.from({ length: 200 }, (_, i) => `g${i % 20}`);
    const svg = pcScatterSvg({ x, y, xLabel: 'PC1', yLabel: 'PC2', colorBy: { name: 'batch', values } });
    expectWellFormed(svg);
    expect(svg.match(/class="legend-item"/g)).toHaveLength(13);
    expect(svg).toContain('other (8 groups) (80)');
  });

  it('draws a numeric colour bar and handles NaN, null and missing coordinates', () => {
    const { x, y } = cloud(100);
    x[5] = NaN;
    y[6] = Infinity;
    const values: (number | null)[] = Array.from({ length: 100 }, (_, i) => i / 10);
    values[0] = null;
    values[1] = NaN;
    const svg = pcScatterSvg({ x, y, xLabel: 'PC1', yLabel: 'PC2', colorBy: { name: 'age', values }, id: 'age' });
    expectWellFormed(svg);
    expect(svg).toContain('class="legend colorbar"');
    expect(svg).toContain('<linearGradient id="age-ramp"');
    expect(svg).toContain('fill="url(#age-ramp)"');
    expect(svg).toContain('>9.9</text>');
    expect(svg).toContain('missing (2)');
    expect(svg).toContain('98 samples (2 without coordinates left out)');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('bins 150,000 points to a bounded element count and path length', () => {
    const n = 150_000;
    const { x, y, g } = cloud(n, 7);
    const svg = pcScatterSvg({ x, y, xLabel: 'PC1', yLabel: 'PC2', colorBy: { name: 'ancestry', values: g } });
    expectWellFormed(svg);
    expect(countTag(svg, 'path')).toBeLessThanOrEqual(15);
    const elements = (svg.match(/<[a-zA-Z]/g) ?? []).length;
    expect(elements).toBeLessThan(200);
    const segs = (svg.match(/h0/g) ?? []).length;
    const pw = 520 - 56 - 164, ph = 400 - 26 - 40;
    expect(segs).toBeLessThanOrEqual((Math.ceil(pw / 3) + 1) * (Math.ceil(ph / 3) + 1));
    expect(svg).toMatch(/binned to 3-px cells/);
    expect(svg.length).toBeLessThan(1_000_000);
    // no grouping: one colour
    const plain = pcScatterSvg({ x, y, xLabel: 'PC1', yLabel: 'PC2' });
    expect(countTag(plain, 'path')).toBe(1);
  });
});

describe('scree plot', () => {
  it('shows one bar per PC with shares of the shown total summing to 1', () => {
    const ev = [12.5, 6, 3, 2, 1.5, 1, 0.8, 0.5];
    const svg = screeSvg({ eigenvalues: ev, id: 'scree' });
    expectWellFormed(svg);
    const shares = [...svg.matchAll(/data-share="([^"]+)"/g)].map((m) => Number(m[1]));
    expect(shares).toHaveLength(8);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(shares[0]).toBeCloseTo(12.5 / 27.3, 6);
    expect(svg).toContain('PC1 12.5 (45.8%)');
    expect(svg).toContain('class="cumulative"');
    const s = screeShares([1, NaN, 3]);
    expect([...s]).toEqual([0.25, 0, 0.75]);
  });
});

describe('kinship histogram', () => {
  it('bins every value (ends take the out-of-range values) and counts sum to the input length', () => {
    const rng = createRng(5);
    const k = Float64Array.from({ length: 10_000 }, () => (rng.next() - 0.6) * 0.3);
    k[0] = -3;
    k[1] = 0.9;
    k[2] = 0.5;
    k[3] = 0.25;
    const b = binKinship(k);
    expect(b.from).toBe(-0.25);
    expect(b.width).toBe(0.005);
    expect(b.counts.length).toBe(160);
    expect(b.counts.reduce((a, c) => a + c, 0)).toBe(10_000);
    expect(b.counts[0]).toBeGreaterThanOrEqual(1);
    expect(b.counts[159]).toBe(1);
    expect(b.counts[150]).toBe(1); // 0.5 = -0.25 + 150 * 0.005
    const c = binKinship([0, 0.0049, 0.005, NaN], { from: 0, to: 0.01, width: 0.005 });
    expect([...c.counts]).toEqual([2, 1]);
  });

  it('draws degree lines with labels on a log count axis, from values or from bins', () => {
    const rng = createRng(9);
    const k = Array.from({ length: 5000 }, () => (rng.next() - 0.5) * 0.05);
    k.push(0.45, 0.25, 0.25, 0.12, 0.06);
    const fromValues = kinshipHistogramSvg({ kinship: k, id: 'kin' });
    const fromBins = kinshipHistogramSvg({ bins: binKinship(k), id: 'kin' });
    expect(fromBins).toBe(fromValues);
    expectWellFormed(fromValues);
    const lines = [...fromValues.matchAll(/<line class="degree" data-min="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(lines.sort()).toEqual([0.0442, 0.0884, 0.177, 0.354]);
    for (const d of KINSHIP_DEGREE_LINES) expect(fromValues).toContain(`>${d.label}</text>`);
    expect(fromValues).toContain('Pairs (log scale)');
    expect(fromValues).toContain('5,005 pairs');
    expect(fromValues).toContain('dup-MZ 1, 1st 2, 2nd 1, 3rd 1');
  });
});

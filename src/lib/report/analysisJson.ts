/**
 * Analysis <-> JSON (DIR/analysis.json, browser persistence). JSON has no typed arrays and no NaN: typed
 * arrays are written as plain arrays and NaN/Infinity as null; reading turns every all-numeric array back
 * into numbers with null -> NaN, so missing P values stay missing instead of becoming 0.
 */
import type { Analysis } from './Analysis';

export function serializeAnalysis(a: Analysis, space?: number): string {
  return JSON.stringify(
    a,
    (_key, value: unknown) => {
      if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>, (v) => (Number.isFinite(v) ? v : null));
      if (typeof value === 'number' && !Number.isFinite(value)) return null;
      return value;
    },
    space,
  );
}

export function parseAnalysis(text: string): Analysis {
  return JSON.parse(text, (_key, value: unknown) => {
    if (Array.isArray(value) && value.length > 0 && value.every((v) => v === null || typeof v === 'number') && value.some((v) => v !== null)) {
      return value.map((v) => (v === null ? NaN : v));
    }
    return value;
  }) as Analysis;
}

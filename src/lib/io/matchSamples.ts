/**
 * Sample matching across sources (phenotypes, covariates, genotypes): the IDs present in every source, in the
 * order of the first source (or of the source named by `orderBy`), with each source's row index of every
 * matched ID, per-source counts, and every dropped ID with the reason ("not in genotypes, covariates").
 */
import { InputError } from '../base/errors';

export interface SampleSource {
  /** Shown in reasons: 'phenotypes', 'covariates', 'genotypes' (or a file name). */
  name: string;
  ids: readonly string[];
}

export interface MatchOptions {
  /** Name of the source whose order the matched IDs follow (default: the first). */
  orderBy?: string;
}

export interface SourceMatch {
  name: string;
  total: number;
  matched: number;
  dropped: number;
  /** index[k] = row of matched ID k in this source. */
  index: Int32Array;
}

export interface DroppedSample {
  id: string;
  /** Sources that have the ID. */
  in: string[];
  /** e.g. 'not in genotypes' or 'not in covariates, genotypes'. */
  reason: string;
}

export interface MatchResult {
  ids: string[];
  sources: SourceMatch[];
  /** Each ID missing from at least one source, once, in order of first appearance (sources in order). */
  dropped: DroppedSample[];
}

export function matchSamples(sources: readonly SampleSource[], opts: MatchOptions = {}): MatchResult {
  if (sources.length === 0) return { ids: [], sources: [], dropped: [] };
  const maps = sources.map((s) => {
    const m = new Map<string, number>();
    s.ids.forEach((id, i) => {
      if (m.has(id)) {
        throw new InputError({ file: s.name, expected: 'unique IDs', found: `'${id}' at rows ${m.get(id)! + 1} and ${i + 1}` }, 'duplicate ID');
      }
      m.set(id, i);
    });
    return m;
  });
  let orderIdx = 0;
  if (opts.orderBy !== undefined) {
    orderIdx = sources.findIndex((s) => s.name === opts.orderBy);
    if (orderIdx < 0) throw new Error(`matchSamples: orderBy '${opts.orderBy}' is not a source (${sources.map((s) => s.name).join(', ')})`);
  }
  const ids = sources[orderIdx].ids.filter((id) => maps.every((m) => m.has(id)));
  const out: SourceMatch[] = sources.map((s, k) => {
    const index = new Int32Array(ids.length);
    ids.forEach((id, j) => (index[j] = maps[k].get(id)!));
    return { name: s.name, total: s.ids.length, matched: ids.length, dropped: s.ids.length - ids.length, index };
  });
  const dropped: DroppedSample[] = [];
  const seen = new Set<string>();
  for (const s of sources) {
    for (const id of s.ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      let inAll = true;
      for (let k = 0; k < maps.length && inAll; k++) inAll = maps[k].has(id);
      if (inAll) continue;
      const missing = sources.filter((_, k) => !maps[k].has(id)).map((x) => x.name);
      if (missing.length === 0) continue;
      dropped.push({ id, in: sources.filter((_, k) => maps[k].has(id)).map((x) => x.name), reason: `not in ${missing.join(', ')}` });
    }
  }
  return { ids, sources: out, dropped };
}

/** One line per source and a summary of reasons, for the CLI and the UI. */
export function formatMatchReport(r: MatchResult, examples = 5): string[] {
  const lines = r.sources.map((s) => `${s.name}: ${s.total} samples, ${s.matched} matched, ${s.dropped} dropped`);
  lines.push(`matched in all sources: ${r.ids.length}`);
  const byReason = new Map<string, string[]>();
  for (const d of r.dropped) {
    const key = `${d.reason} (in ${d.in.join(', ')})`;
    const list = byReason.get(key) ?? [];
    list.push(d.id);
    byReason.set(key, list);
  }
  for (const [reason, list] of byReason) {
    lines.push(`dropped ${list.length}: ${reason}: ${list.slice(0, examples).join(', ')}${list.length > examples ? ', ...' : ''}`);
  }
  return lines;
}

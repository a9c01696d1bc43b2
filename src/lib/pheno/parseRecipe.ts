/** Reads a recipe from JSON text (or a parsed object) and checks it, with messages naming the file. */
import { InputError } from '../base/errors';
import type { Recipe, RecipeColumn } from './Recipe';
import { TRANSFORMS } from './Recipe';

export function parseRecipe(json: string | unknown, file: string): Recipe {
  let obj: unknown = json;
  if (typeof json === 'string') {
    try {
      obj = JSON.parse(json);
    } catch (e) {
      throw new InputError({ file, expected: 'JSON', found: e instanceof Error ? e.message : String(e) }, 'not a recipe');
    }
  }
  const r = obj as Partial<Recipe> | null;
  if (!r || typeof r !== 'object' || r.format !== 'latentscan-pheno-recipe') {
    throw new InputError({ file, expected: "format 'latentscan-pheno-recipe'", found: describe((r as { format?: unknown } | null)?.format) }, 'not a recipe');
  }
  if (r.version !== 1) throw new InputError({ file, expected: 'version 1', found: describe(r.version) }, 'unsupported recipe version');
  if (!Array.isArray(r.columns) || r.columns.length === 0) {
    throw new InputError({ file, expected: 'a non-empty list of columns', found: describe(r.columns) }, 'recipe has no columns');
  }
  r.columns.forEach((c: RecipeColumn, i: number) => {
    const where = (what: string, expected: string, found: unknown) =>
      new InputError({ file, column: c?.output ?? `#${i + 1}`, expected, found: describe(found) }, what);
    if (!c || typeof c.source !== 'string' || typeof c.output !== 'string') throw where('bad recipe column', 'source and output names', c);
    if (!TRANSFORMS.includes(c.transform)) throw where('unknown transform', `one of ${TRANSFORMS.join(', ')}`, c.transform);
    const num = (k: 'mean' | 'sd' | 'logOffset') => {
      if (typeof c[k] !== 'number' || !Number.isFinite(c[k])) throw where(`bad ${k}`, 'a finite number', c[k]);
    };
    switch (c.transform) {
      case 'zscore':
        num('mean');
        num('sd');
        break;
      case 'log-zscore':
        num('mean');
        num('sd');
        num('logOffset');
        break;
      case 'rank-int': {
        const k = c.int;
        const ok =
          k && Number.isInteger(k.n) && k.n > 0 && Array.isArray(k.values) && Array.isArray(k.ranks) &&
          k.values.length > 0 && k.values.length === k.ranks.length && k.values.every((v, j) => j === 0 || v > k.values[j - 1]);
        if (!ok) throw where('bad rank-int knots', 'n and increasing values with ranks', k);
        break;
      }
      case 'binary':
        if (!Array.isArray(c.levels) || c.levels.length !== 2) throw where('bad levels', '2 levels', c.levels);
        break;
      case 'one-hot':
        if (!Array.isArray(c.levels) || typeof c.level !== 'string' || !c.levels.includes(c.level)) {
          throw where('bad levels', 'levels including level', c.level);
        }
        break;
      case 'none':
        break;
      default:
        throw where('unknown transform', TRANSFORMS.join(', '), c.transform);
    }
  });
  return r as Recipe;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

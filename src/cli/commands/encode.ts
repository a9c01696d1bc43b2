/**
 * `npm run cli -- encode --model DIR --pheno FILE --out PREFIX`: applies a saved model's preparation recipe
 * and encoder to another cohort (a replication cohort or a later wave) and writes PREFIX.hsv.tsv in the same
 * format as `train` (rotation and standardization are part of the saved model). The encoder runs in float64
 * JavaScript from the saved float32 weights, so on the training data it reproduces the training HSVs exactly,
 * whatever backend trained the model. Also writes PREFIX.encode.json with the recipe's drift report
 * (per-column shift against the training statistics) and warns on stderr about shifted columns.
 */
import { readFileSync, readdirSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { arg, type CliCommand } from '../args';
import { loadTable } from '../loadTable';
import { initTfBackend } from '../../platform/node/nodeTfBackend';
import { applyRecipe } from '../../lib/pheno/applyRecipe';
import type { Recipe } from '../../lib/pheno/Recipe';
import { loadAeModel, type ModelFiles } from '../../lib/ae/modelArtifacts';
import { encodeRows } from '../../lib/ae/AeWeights';
import { gatherRows } from '../../lib/ae/trainAutoencoder';
import { formatHsvTsv } from '../../lib/ae/hsvTsv';
import { InputError } from '../../lib/base/errors';

/** |mean shift| in training SDs, or SD ratio outside [1/1.5, 1.5], or missing rate up by 0.1: flagged. */
const SHIFT_SD = 0.5;
const SD_RATIO = 1.5;
const MISSING_UP = 0.1;

export const command: CliCommand = {
  name: 'encode',
  summary: 'Apply a saved autoencoder (and its preparation recipe) to another cohort: write its HSVs',
  details: [
    'Writes PREFIX.hsv.tsv (#FID IID HSV1..HSVK) and PREFIX.encode.json (rows, drift per column, warnings).',
    'Example: npm run cli -- encode --model demo/ae.model --pheno wave2/pheno.csv --out wave2/ae',
  ].join('\n'),
  options: [
    { name: 'model', type: 'string', help: 'model folder written by train (PREFIX.model)', required: true, meta: 'DIR' },
    { name: 'pheno', type: 'string', help: 'phenotype table of the cohort to encode', required: true, meta: 'FILE' },
    { name: 'id-col', type: 'string', help: 'ID column (default IID, else the first column)', meta: 'NAME' },
    { name: 'out', type: 'string', help: 'output prefix', required: true, meta: 'PREFIX' },
  ],
  async run(a) {
    await initTfBackend('cpu'); // only to parse model.json through tfjs; encoding itself is plain JavaScript
    const dir = arg.str(a, 'model')!;
    const out = arg.str(a, 'out')!;
    if (!existsSync(dir)) throw new InputError({ file: dir, expected: 'a model folder written by train (PREFIX.model)', found: 'nothing' }, 'no such folder');
    const files: ModelFiles = {};
    for (const name of readdirSync(dir)) files[name] = new Uint8Array(readFileSync(join(dir, name)));
    let model;
    try {
      model = await loadAeModel(files);
    } catch (e) {
      throw new InputError({ file: dir, expected: 'model.json, weights.bin, hsv.json, recipe.json' }, e instanceof Error ? e.message : String(e));
    }
    const recipe = model.recipe as Recipe;
    const table = await loadTable(arg.str(a, 'pheno')!, { idCol: arg.str(a, 'id-col') });
    const { matrix, report } = applyRecipe(table, recipe);
    if (matrix.p !== model.meta.inputs.length || matrix.columns.some((c, j) => c !== model.meta.inputs[j])) {
      throw new InputError({ file: dir, expected: `inputs ${model.meta.inputs.length}`, found: `${matrix.p} prepared columns` }, 'recipe and model disagree on the input columns');
    }
    const keep: number[] = [];
    for (let i = 0; i < matrix.n; i++) {
      let any = false;
      for (let j = 0; j < matrix.p && !any; j++) any = matrix.mask[i * matrix.p + j] === 1;
      if (any) keep.push(i);
    }
    const rows = Int32Array.from(keep);
    const hsv = encodeRows(model.weights, gatherRows(matrix.values, rows, matrix.p), rows.length);
    mkdirSync(dirname(out) || '.', { recursive: true });
    writeFileSync(`${out}.hsv.tsv`, formatHsvTsv(matrix.ids, matrix.fid, rows, hsv, model.meta.hsvNames));
    const shifted = report.drift.filter(
      (d) =>
        (d.meanShiftSd !== null && Math.abs(d.meanShiftSd) > SHIFT_SD) ||
        (d.sdRatio !== null && (d.sdRatio > SD_RATIO || d.sdRatio < 1 / SD_RATIO)) ||
        d.missingRate > d.trainingMissingRate + MISSING_UP,
    );
    const warnings = [...report.warnings];
    if (shifted.length > 0) {
      warnings.push(
        `inputs outside the training distribution (|mean shift| > ${SHIFT_SD} SD, SD ratio beyond ${SD_RATIO}, or missing rate up by > ${MISSING_UP}): ` +
          shifted.map((d) => `${d.source} (shift ${fmt(d.meanShiftSd)} SD, SD ratio ${fmt(d.sdRatio)}, missing ${fmt(d.missingRate)})`).join(', '),
      );
    }
    for (const w of warnings) console.error(`warning: ${w}`);
    writeFileSync(
      `${out}.encode.json`,
      JSON.stringify({ tool: 'latentscan encode', model: dir, rows: rows.length, excludedAllMissing: matrix.n - rows.length, shiftedColumns: shifted.map((d) => d.source), warnings, report }, null, 1) + '\n',
    );
    console.log(`wrote ${out}.hsv.tsv (${rows.length} participants x ${model.meta.latent} HSVs) and ${out}.encode.json`);
  },
};

function fmt(v: number | null): string {
  return v === null ? 'NA' : v.toFixed(2);
}

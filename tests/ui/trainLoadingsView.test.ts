import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { AnalysisSession } from '../../src/app/analysisSession';
import { suggestHsvName } from '../../src/lib/ae/suggestHsvName';

describe('AnalysisSession.train: suggested HSV names and loadings heatmaps for the HSV step', () => {
  it('fills name from suggestHsvName and builds before/after loadings SVGs (null when rotation is none)', async () => {
    await tf.setBackend('cpu');
    const s = new AnalysisSession();
    await s.loadDemo({ n: 200, snps: 50, phenos: 8, seed: 5 });
    s.preparePhenotypes({});
    const tr = await s.train({ latent: 2, candidates: 1, maxEpochs: 3, rotate: 'varimax' }, 'cpu');
    expect(tr.interpretation).toHaveLength(2);
    for (const h of tr.interpretation) {
      expect(h.name).toBe(suggestHsvName(h.top));
      expect(h.name!.length).toBeGreaterThan(0);
    }
    expect(tr.loadingsSvg).not.toBeNull();
    expect(tr.loadingsSvg!.before.startsWith('<svg')).toBe(true);
    expect(tr.loadingsSvg!.before).toContain('Loadings before rotation');
    expect(tr.loadingsSvg!.after).toContain('Loadings after rotation (varimax)');
    // ids differ, so both SVGs can sit in one page
    expect(tr.loadingsSvg!.before).not.toContain('ui-load-after');

    const none = await s.train({ latent: 2, candidates: 1, maxEpochs: 3, rotate: 'none' }, 'cpu');
    expect(none.loadingsSvg).toBeNull();
    expect(none.interpretation.every((h) => typeof h.name === 'string')).toBe(true);
  }, 60_000);
});

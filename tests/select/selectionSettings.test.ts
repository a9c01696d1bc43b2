import { describe, it, expect } from 'vitest';
import {
  DEFAULT_SELECTION,
  checkSelectionSettings,
  describeSelection,
  pairsPerResponse,
  sisOptionsFrom,
  type SelectionSettings,
} from '../../src/lib/select/selectionSettings';

const S = (o: Partial<SelectionSettings>): SelectionSettings => ({ ...DEFAULT_SELECTION, ...o });

describe('selection settings (browser Association step, shared with the CLI defaults)', () => {
  it("defaults are the pipeline command's: top-50 SNPxSNP, MCP, EBIC, d = n / log n, QC maf 0.01 geno 0.1", () => {
    expect(checkSelectionSettings(DEFAULT_SELECTION)).toEqual([]);
    expect(sisOptionsFrom(DEFAULT_SELECTION)).toEqual({
      nsis: undefined,
      gxg: 'top',
      gxgTop: 50,
      penalty: 'mcp',
      tune: 'ebic',
      folds: 5,
      iter: 0,
      stability: 0,
      seed: 1,
      qc: { maf: 0.01, geno: 0.1 },
      heredity: 'weak',
    });
    expect(describeSelection(DEFAULT_SELECTION, 1000)).toBe('SIS (d = 144) + MCP (γ 3), EBIC; SNP×SNP: top 50 × every SNP');
    expect(describeSelection(DEFAULT_SELECTION)).toBe('SIS (d = n / log n) + MCP (γ 3), EBIC; SNP×SNP: top 50 × every SNP');
  });

  it('names each bad field with what was expected', () => {
    const msgs = (o: Partial<SelectionSettings>, nSnps?: number) => checkSelectionSettings(S(o), nSnps).map((p) => `${p.field}: ${p.message}`);
    expect(msgs({ gxgTop: 1 })).toEqual(['gxgTop: top SNPs paired (M) must be a whole number ≥ 2, got 1']);
    expect(msgs({ gxgTop: 80 }, 60)).toEqual(['gxgTop: top SNPs paired (M) is 80 but there are only 60 variants']);
    expect(msgs({ gxg: 'none', gxgTop: 1 })).toEqual([]); // M unused without top/among
    expect(msgs({ nsis: 0 })).toEqual(['nsis: screening size d must be a whole number ≥ 1 or empty (automatic), got 0']);
    expect(msgs({ nsis: 2.5 })).toEqual(['nsis: screening size d must be a whole number ≥ 1 or empty (automatic), got 2.5']);
    expect(msgs({ tune: 'cv', folds: 1 })).toEqual(['folds: folds must be a whole number from 2 to 20, got 1']);
    expect(msgs({ tune: 'ebic', folds: 1 })).toEqual([]);
    expect(msgs({ stability: 1 })).toEqual(['stability: stability subsamples must be 0 (off) or a whole number from 2 to 1000, got 1']);
    expect(msgs({ iter: -1 })).toEqual(['iter: ISIS rounds must be a whole number from 0 to 10, got -1']);
    expect(msgs({ iter: 1, tune: 'cv' })).toEqual([
      'iter: ISIS rounds cannot be combined with cross-validation (it redoes the screening in each fold): use EBIC or BIC, or 0 rounds',
    ]);
    expect(msgs({ maf: 0.5 })).toEqual(['maf: minimum MAF must be in [0, 0.5), got 0.5']);
    // An emptied number field arrives as null from the page.
    expect(msgs({ geno: null as unknown as number })).toEqual(['geno: maximum missing-call rate must be in [0, 1], got null']);
    expect(msgs({ penalty: 'ridge' as never })).toEqual(["penalty: penalty must be one of lasso, enet, scad, mcp, got 'ridge'"]);
    expect(() => sisOptionsFrom(S({ maf: -1, seed: -2 }))).toThrow('minimum MAF must be in [0, 0.5), got -1; seed must be a whole number ≥ 0, got -2');
  });

  it('counts the SNPxSNP pairs each mode adds per response', () => {
    expect(pairsPerResponse(S({ gxg: 'none' }), 2000)).toBe(0);
    expect(pairsPerResponse(S({ gxg: 'top', gxgTop: 50 }), 2000)).toBe(50 * 1950 + (50 * 49) / 2);
    expect(pairsPerResponse(S({ gxg: 'among', gxgTop: 50 }), 2000)).toBe(1225);
    expect(pairsPerResponse(S({ gxg: 'all' }), 2000)).toBe(1999000);
    expect(pairsPerResponse(S({ gxg: 'among', gxgTop: 50 }), 10)).toBe(45); // M capped at the variant count
  });

  it('describes non-default choices', () => {
    expect(describeSelection(S({ nsis: 30, penalty: 'lasso', tune: 'cv', folds: 10, gxg: 'none', iter: 2, stability: 50 }))).toBe(
      'SIS (d = 30) + lasso, cross-validation (10 folds); SNP×SNP: none; ISIS 2 rounds; stability over 50 half-samples',
    );
    expect(describeSelection(S({ gxg: 'among', gxgTop: 20, penalty: 'scad', tune: 'bic' }))).toBe(
      'SIS (d = n / log n) + SCAD (a 3.7), BIC; SNP×SNP: pairs among the top 20',
    );
  });
});

import { describe, it, expect } from 'vitest';
import { parseArgs, UsageError, type OptionSpec } from '../../src/cli/args';

const spec: OptionSpec[] = [
  { name: 'bfile', type: 'string', help: 'PLINK prefix', required: true },
  { name: 'latent', type: 'int', help: 'k', default: 4 },
  { name: 'pheno-name', type: 'list', help: 'columns' },
  { name: 'gxg', type: 'optional', help: 'pairs', choices: ['top', 'among', 'all'], implicit: 'top' },
  { name: 'omnibus', type: 'flag', help: 'omnibus' },
];

describe('cli args', () => {
  it('parses values, lists, flags and optional values', () => {
    expect(parseArgs(['--bfile', 'x', '--pheno-name', 'a,b', '--gxg', '--omnibus'], spec, 'scan')).toEqual({
      bfile: 'x', latent: 4, 'pheno-name': ['a', 'b'], gxg: 'top', omnibus: true,
    });
    expect(parseArgs(['--bfile=x', '--gxg', 'all', '--latent', '7'], spec, 'scan')).toMatchObject({ gxg: 'all', latent: 7 });
  });
  it("takes several words for a 'words' option, up to the next option (plink2's --indep-pairwise W S R2)", () => {
    const w: OptionSpec[] = [...spec, { name: 'indep-pairwise', type: 'words', help: 'W S R2' }];
    expect(parseArgs(['--indep-pairwise', '1000', '100', '0.1', '--bfile', 'x'], w, 'pca')).toMatchObject({ 'indep-pairwise': ['1000', '100', '0.1'], bfile: 'x' });
    expect(parseArgs(['--bfile', 'x', '--indep-pairwise', '500kb', '0.1'], w, 'pca')).toMatchObject({ 'indep-pairwise': ['500kb', '0.1'] });
    expect(parseArgs(['--bfile', 'x', '--indep-pairwise=50,5,0.2'], w, 'pca')).toMatchObject({ 'indep-pairwise': ['50', '5', '0.2'] });
    expect(() => parseArgs(['--bfile', 'x', '--indep-pairwise', '--omnibus'], w, 'pca')).toThrow('pca: --indep-pairwise needs a value (VALUES)');
  });
  it('rejects unknown options, bad numbers, bad choices and missing required options with exact messages', () => {
    expect(() => parseArgs(['--bfile', 'x', '--nope'], spec, 'scan')).toThrow(new UsageError('scan: unknown option --nope (see --help)'));
    expect(() => parseArgs(['--bfile', 'x', '--latent', '2.5'], spec, 'scan')).toThrow("scan: --latent expects an integer, got '2.5'");
    expect(() => parseArgs(['--bfile', 'x', '--gxg', 'some'], spec, 'scan')).toThrow("scan: --gxg must be one of top|among|all, got 'some'");
    expect(() => parseArgs([], spec, 'scan')).toThrow('scan: --bfile is required (PLINK prefix)');
    expect(() => parseArgs(['--bfile'], spec, 'scan')).toThrow('scan: --bfile needs a value (string)');
  });
});

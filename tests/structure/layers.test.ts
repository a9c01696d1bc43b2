// The layering rule (docs/ARCHITECTURE.md, scripts/check-layers.mjs) over the real import graph, and proof
// that the check catches what it is for: an upward import in the core and an import of a platform adapter.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { checkFiles, layerOf, violation } from '../../scripts/check-layers.mjs';

describe('layering rule', () => {
  it('places files in layers', () => {
    expect(layerOf('src/lib/base/errors.ts')).toBe('lib/base');
    expect(layerOf('src/platform/node/nodeKernelPool.ts')).toBe('platform/node');
    expect(layerOf('src/app/analysisSession.ts')).toBe('app');
    expect(layerOf('workers/analysis.worker.ts')).toBe('workers');
    expect(layerOf('src/App.svelte')).toBe('ui');
    expect(layerOf('tests/io/bed.test.ts')).toBeNull();
  });

  it('allows downward imports and refuses upward or sideways ones', () => {
    expect(violation('lib/select', 'lib/assoc')).toBeNull();
    expect(violation('lib/pipeline', 'lib/select')).toBeNull();
    expect(violation('cli', 'platform/node')).toBeNull();
    expect(violation('lib/assoc', 'lib/select')).toMatch(/rank 3\) imports src\/lib\/select \(rank 4\)/);
    expect(violation('lib/pheno', 'lib/assoc')).toMatch(/lower rank only/);
    expect(violation('lib/io', 'platform/node')).toMatch(/never imports an adapter or a shell/);
    expect(violation('app', 'platform/node')).toMatch(/app may import core, platform\/browser only/);
    expect(violation('cli', 'app')).toMatch(/cli may import core, platform\/node only/);
  });

  it('catches a planted upward import (static, dynamic, type-only and worker URL)', () => {
    const planted = [
      { path: 'src/lib/io/x.ts', text: "import { a } from '../pipeline/defaults';\n" },
      { path: 'src/lib/io/y.ts', text: "const m = await import('../../app/analysisSession');\n" },
      { path: 'src/lib/base/z.ts', text: "import type { T } from '../io/Table';\n" },
      { path: 'src/lib/select/w.ts', text: "const u = new URL('../../platform/node/nodeSelectWorker.ts', import.meta.url);\n" },
    ];
    const found: string[] = checkFiles(planted);
    expect(found).toHaveLength(4);
    expect(found[0]).toBe(
      "src/lib/io/x.ts:1: imports '../pipeline/defaults': src/lib/io (rank 2) imports src/lib/pipeline (rank 6): core imports go to a lower rank only",
    );
  });
});

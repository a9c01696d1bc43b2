import { defineConfig } from 'vitest/config';

// Unit and oracle tests (tests/**). The machines have 2 cores: two forks, long timeouts for tfjs and
// reference-tool (plink2, R) tests. e2e/ is run separately by e2e/run.mjs against the built site.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

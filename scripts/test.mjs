// `npm test`: type check, unit/oracle tests (vitest), then the e2e suite against the built site.
// Each step's failure stops the run with its exit code. Set SKIP_E2E=1 to run unit tests only (local use).
import { spawnSync } from 'node:child_process';

function step(label, cmd, args) {
  console.log(`\n== ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: false });
  if (r.status !== 0) {
    console.error(`\n${label} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

step('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
step('unit tests', 'npx', ['vitest', 'run']);
if (process.env.SKIP_E2E !== '1') {
  step('build', 'npx', ['vite', 'build']);
  step('e2e tests', 'node', ['e2e/run.mjs']);
}

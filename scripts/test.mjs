// `npm test`: checks prerequisites, then type check, unit and oracle tests (vitest), build, and the e2e suite
// against the built site. Each step's failure stops the run with its exit code.
// SKIP_E2E=1 runs everything but the build and browser tests (quick local loop).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function step(label, cmd, args) {
  console.log(`\n== ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: false });
  if (r.status !== 0) {
    console.error(`\n${label} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

// The oracle tests compare with reference tools from Debian; the e2e suite needs Chromium with SwiftShader.
const tools = [
  ['plink2', 'plink2'],
  ['plink1.9', 'plink1.9'],
  ['Rscript', 'r-base-core r-cran-glmnet r-cran-survival r-cran-gparotation'],
  ['bcftools', 'bcftools'],
  ['bgzip', 'tabix'],
];
if (process.env.SKIP_E2E !== '1') tools.push(['chromium', 'chromium mesa-vulkan-drivers libvulkan1']);
const missing = tools.filter(([cmd]) => !onPath(cmd)).map(([, pkg]) => pkg);
const rPackages = { glmnet: 'r-cran-glmnet', survival: 'r-cran-survival', GPArotation: 'r-cran-gparotation' };
if (onPath('Rscript')) {
  for (const [name, pkg] of Object.entries(rPackages)) {
    const ok = spawnSync('Rscript', ['-e', `quit(status = if (requireNamespace('${name}', quietly = TRUE)) 0 else 1)`], { stdio: 'ignore' }).status === 0;
    if (!ok) missing.push(pkg);
  }
}
if (missing.length) {
  console.error(`npm test needs reference tools that are not installed. Install them with:\n  sudo apt-get install -y ${missing.join(' ')}`);
  process.exit(1);
}
if (!existsSync('node_modules/.package-lock.json')) step('install', 'npm', ['ci', '--no-audit', '--no-fund']);

step('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
step('unit and oracle tests', 'npx', ['vitest', 'run']);
if (process.env.SKIP_E2E !== '1') {
  step('build', 'npx', ['vite', 'build']);
  step('e2e tests', 'node', ['e2e/run.mjs']);
}

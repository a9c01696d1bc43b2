// `npm test`: checks prerequisites (installing the Debian packages it needs when it can), then the layering
// rule, type check, unit and oracle tests (vitest), build, and the e2e suite against the built site. Each
// step's failure stops the run with its exit code.
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
  ['snakemake', 'snakemake'],
  ['sqlite3', 'sqlite3'],
];
if (process.env.SKIP_E2E !== '1') tools.push(['chromium', 'chromium mesa-vulkan-drivers libvulkan1']);
const rPackages = { glmnet: 'r-cran-glmnet', survival: 'r-cran-survival', GPArotation: 'r-cran-gparotation' };

function missingPackages() {
  const missing = tools.filter(([cmd]) => !onPath(cmd)).flatMap(([, pkg]) => pkg.split(' '));
  if (onPath('Rscript')) {
    for (const [name, pkg] of Object.entries(rPackages)) {
      const ok = spawnSync('Rscript', ['-e', `quit(status = if (requireNamespace('${name}', quietly = TRUE)) 0 else 1)`], { stdio: 'ignore' }).status === 0;
      if (!ok) missing.push(pkg);
    }
  }
  return [...new Set(missing)];
}

/** apt-get as root, or through `sudo -n` when that works without a password; null when neither can. */
function aptRunner() {
  if (!onPath('apt-get')) return null;
  if (process.getuid?.() === 0) return [];
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0 ? ['sudo', '-n'] : null;
}

let missing = missingPackages();
if (missing.length) {
  const sudo = aptRunner();
  if (sudo === null) {
    console.error(`npm test needs reference tools that are not installed. Install them with:\n  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
  const run = (args) => {
    const [cmd, ...rest] = [...sudo, ...args];
    console.log(`npm test: ${[cmd, ...rest].join(' ')}`);
    return spawnSync(cmd, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  };
  console.log(`npm test: installing the Debian packages it needs: ${missing.join(' ')}`);
  if (!run(['apt-get', 'update', '-q']) || !run(['apt-get', 'install', '-y', '-q', ...missing])) {
    console.error(`npm test: the install failed. Install by hand:\n  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
  missing = missingPackages();
  if (missing.length) {
    console.error(`npm test: still missing after the install: ${missing.join(' ')}`);
    process.exit(1);
  }
}
if (!existsSync('node_modules/.package-lock.json')) step('install', 'npm', ['ci', '--no-audit', '--no-fund']);

step('layering rule', 'node', ['scripts/check-layers.mjs']);
step('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
step('unit and oracle tests', 'npx', ['vitest', 'run']);
if (process.env.SKIP_E2E !== '1') {
  step('build', 'npx', ['vite', 'build']);
  step('e2e tests', 'node', ['e2e/run.mjs']);
}

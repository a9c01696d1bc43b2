// `npm start`: installs packages when node_modules is missing (npm ci), builds the app if dist/ is missing or older than the sources, then serves dist/ with
// `vite preview` (cross-origin isolation headers on) and prints the URL. The demo cohort is one click away on
// the page ("Load demo cohort"). Options: --port N (default 4173), --host H (default 127.0.0.1), --rebuild.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const port = opt('port', '4173');
const host = opt('host', '127.0.0.1');

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = 0;
  for (const f of readdirSync(p)) m = Math.max(m, newestMtime(join(p, f)));
  return m;
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`LatentScan needs Node.js 20.19 or newer (this is ${process.versions.node}).`);
  process.exit(1);
}
if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.log('Installing packages (npm ci)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const built = join(root, 'dist', 'index.html');
const sources = Math.max(
  ...['src', 'workers', 'public', 'index.html', 'vite.config.ts'].map((p) => newestMtime(join(root, p))),
);
if (args.includes('--rebuild') || !existsSync(built) || statSync(built).mtimeMs < sources) {
  console.log('Building LatentScan (vite build)…');
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const url = `http://${host}:${port}/`;
const proc = spawn(
  process.execPath,
  [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'preview', '--host', host, '--port', port, '--strictPort'],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);
let announced = false;
proc.stdout.on('data', (d) => {
  if (process.env.START_VERBOSE) process.stdout.write(d);
  if (!announced && /Local|http:\/\//.test(String(d))) {
    announced = true;
    console.log(`\nLatentScan is running at ${url}`);
    console.log('Open it in a browser and press "Load demo cohort" to try it without files. Ctrl+C stops.');
    console.log('Everything runs in the page; no data leaves your machine.\n');
  }
});
proc.on('exit', (code) => process.exit(code ?? 0));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => proc.kill(sig));

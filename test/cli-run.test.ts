// The built command (dist/cli.js) as a user runs it: --version, help everywhere with exit 0,
// usage errors with exit 2 in every subcommand, info within 80 columns and without Dawn's
// limit warnings; and the staleness check behind `npm run demo` and `prepare`.
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist/cli.js');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

function numgrad(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [cli, ...args], { cwd: root, timeout: 60_000 }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

describe('numgrad (dist/cli.js)', () => {
  it('is built (npm test builds it first)', () => {
    expect(existsSync(cli), 'run `npm run build`').toBe(true);
  });

  it('--version and -v print the package version', async () => {
    for (const flag of ['--version', '-v']) expect(await numgrad(flag)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('no arguments, -h, --help and help print the usage and exit 0', async () => {
    for (const args of [[], ['-h'], ['--help'], ['help']]) {
      const r = await numgrad(...args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^usage: numgrad <command> \[options\]/);
      for (const c of ['info', 'demo', 'train', '--version']) expect(r.stdout).toContain(c);
      for (const l of r.stdout.split('\n')) expect(l.length, l).toBeLessThanOrEqual(80);
    }
  });

  it.each(['info', 'demo', 'train'])('%s: -h, --help and `help <command>` print its usage and exit 0', async (cmd) => {
    for (const args of [[cmd, '-h'], [cmd, '--help'], ['help', cmd], [cmd, '--bogus', '-h']]) {
      const r = await numgrad(...args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: numgrad ${cmd}`));
      for (const l of r.stdout.split('\n')) expect(l.length, l).toBeLessThanOrEqual(80);
    }
  });

  const refused: [string[], RegExp][] = [
    [['bogus'], /unknown command 'bogus'/],
    [['--bogus'], /unknown option '--bogus'/],
    [['help', 'bogus'], /unknown command 'bogus'/],
    [['info', '--bogus'], /numgrad info: unknown flag --bogus/],
    [['info', '--backend'], /numgrad info: --backend: missing value/],
    [['info', '--backend', 'metal'], /numgrad info: --backend: expected auto\|webgpu\|cpu, got 'metal'/],
    [['info', 'stray'], /numgrad info: unexpected argument 'stray'/],
    [['demo', '--bogus'], /numgrad demo: unknown flag --bogus/],
    [['demo', '--out'], /numgrad demo: --out: missing value/],
    [['train', '--bogus', '1'], /numgrad train: unknown flag --bogus/],
    [['train', '--iters'], /numgrad train: --iters: missing value/],
    [['train', '--backend='], /numgrad train: --backend: missing value/],
  ];
  it.each(refused)('%j exits 2 and says why on stderr', async (args, message) => {
    const r = await numgrad(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('info --backend cpu: the version, whether Dawn is installed, the backend; 80 columns', async () => {
    const r = await numgrad('info', '--backend', 'cpu');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^numgrad: +${version.replace(/\./g, '\\.')} \\(Node `, 'm'));
    expect(r.stdout).toMatch(/^dawn \(webgpu\): +(\d+\.\d+\.\d+|installed|not installed \(npm i webgpu\))$/m);
    expect(r.stdout).toMatch(/^backend: +cpu$/m);
    for (const l of r.stdout.split('\n')) expect(l.length, l).toBeLessThanOrEqual(80);
  });

  it("info (auto): 80 columns, and Dawn's limit warnings are not shown", async () => {
    const r = await numgrad('info');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^backend: +(webgpu|cpu)$/m);
    expect(r.stderr).not.toMatch(/artificially reduced/);
    for (const l of r.stdout.split('\n')) expect(l.length, l).toBeLessThanOrEqual(80);
  });
});

describe('scripts/build-if-stale.mjs (npm run demo, prepare)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'numgrad-stale-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const outputs = ['dist/node.js', 'dist/browser.js', 'dist/node.d.ts', 'dist/browser.d.ts', 'dist/cli.js'];
  const check = () => spawnSync(process.execPath, [join(dir, 'scripts/build-if-stale.mjs'), '--check'], { encoding: 'utf8' });
  const touch = (f: string, t: number) => utimesSync(join(dir, f), t, t);

  it('is stale when an output is missing or older than a source, fresh otherwise', () => {
    mkdirSync(join(dir, 'scripts'));
    cpSync(join(root, 'scripts/build-if-stale.mjs'), join(dir, 'scripts/build-if-stale.mjs'));
    for (const f of ['src/a.ts', 'apps/cli/main.ts', 'build/p.js', 'rollup.config.js', 'tsconfig.json', ...outputs]) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), '');
    }
    const t0 = Date.now() / 1000 - 1000;
    for (const d of ['src', 'apps', 'apps/cli', 'build']) touch(d, t0);
    for (const f of ['src/a.ts', 'apps/cli/main.ts', 'build/p.js', 'rollup.config.js', 'tsconfig.json']) touch(f, t0);
    for (const f of outputs) touch(f, t0 + 10);
    expect(check()).toMatchObject({ status: 0, stdout: 'fresh\n' });
    touch('apps/cli/main.ts', t0 + 20);
    expect(check()).toMatchObject({ status: 1, stdout: 'stale: apps changed since the last build\n' });
    touch('apps/cli/main.ts', t0);
    rmSync(join(dir, 'dist/node.d.ts'));
    expect(check()).toMatchObject({ status: 1, stdout: 'stale: dist/node.d.ts is missing\n' });
  });
});

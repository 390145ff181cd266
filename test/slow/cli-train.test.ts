// `numgrad train` in-process on a tiny MNIST config, on both backends: exit code, the files
// it writes (well-formed SVG, one path per series), the loss falls, and the numerical and
// backprop runs on the same seed end at the same loss (two independent gradient methods agree).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { webgpuAdapter } from '../helpers/backends';
import { train } from '../../apps/cli/train';
import { Progress, progressLine } from '../../apps/cli/progress';
import { smooth } from '../../apps/cli/train-report';

function sink(isTTY = false) {
  const chunks: string[] = [];
  return { isTTY, columns: 200, write: (s: string) => chunks.push(s), text: () => chunks.join('') };
}

/** Minimal XML well-formedness: tags balance and nest, and the root is <svg>. */
function expectSvg(text: string): void {
  expect(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  const stack: string[] = [];
  for (const m of text.matchAll(/<(\/?)([a-zA-Z][\w:-]*)([^>]*?)(\/?)>/g)) {
    const [, close, name, , self] = m;
    if (self) continue;
    if (close) expect(stack.pop(), `</${name}> closes the open tag`).toBe(name);
    else stack.push(name);
  }
  expect(stack).toEqual([]);
  expect(text.trimEnd().endsWith('</svg>')).toBe(true);
}

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const dirs: string[] = [];
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

const required = process.env.REQUIRE_WEBGPU === '1';
for (const kind of ['cpu', 'webgpu'] as const) {
  const skip = kind === 'webgpu' && !webgpuAdapter && !required;
  describe.skipIf(skip)(`numgrad train --gradient both [${kind}]`, () => {
    it('trains, writes well-formed charts and a summary, and the two gradient methods agree', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'numgrad-train-'));
      dirs.push(dir);
      const out = sink(), err = sink();
      const iters = 60; // past the first plateau of a 0.01-std init at lr 1
      const code = await train(['--gradient', 'both', '--backend', kind, '--train-count', '300', '--test-count', '100',
        '--hidden', '16', '--iters', String(iters), '--lr', '1', '--eval-every', '20', '--seed', '3', '--out', dir], { out, err });
      expect(err.text()).toBe('');
      expect(code).toBe(0);
      const log = out.text();
      expect(log).not.toContain('\r'); // not a TTY: plain lines
      expect(log).toMatch(new RegExp(`numerical +${iters}/${iters} +loss`));
      expect(log).toMatch(/gradient +iters +wall +it\/s/);
      expect(log).toContain(join(dir, 'loss.svg'));

      const loss = await readFile(join(dir, 'loss.svg'), 'utf8');
      const acc = await readFile(join(dir, 'accuracy.svg'), 'utf8');
      expectSvg(loss);
      expectSvg(acc);
      // loss: raw + smoothed per method; accuracy: train + test per method
      expect(loss.match(/<path /g)).toHaveLength(4);
      expect(acc.match(/<path /g)).toHaveLength(4);
      for (const label of ['numerical (smoothed)', 'backprop (batch)']) expect(loss).toContain(label);
      for (const label of ['numerical test', 'backprop train']) expect(acc).toContain(label);

      const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
      const [num, bp] = summary.runs;
      expect([num.gradient, bp.gradient]).toEqual(['numerical', 'backprop']);
      for (const r of [num, bp]) {
        expect(r.loss).toHaveLength(iters);
        expect(r.finalLoss).toBeLessThan(r.initialLoss);
        expect(mean(r.loss.slice(-10))).toBeLessThan(0.85 * mean(r.loss.slice(0, 10)));
        expect(r.finalTestAcc).toBeGreaterThan(r.testAcc[0]);
      }
      // Same seed, same batches: the losses agree to ~3e-10 on the CPU (float64, h = 1e-4) and
      // ~7e-8 on lavapipe (float32); the tolerances leave 300-1000× room for other GPUs.
      const tol = kind === 'cpu' ? 1e-7 : 1e-4;
      expect(Math.abs(num.finalLoss - bp.finalLoss) / bp.finalLoss).toBeLessThan(tol);
      expect(Math.abs(mean(num.loss) - mean(bp.loss)) / mean(bp.loss)).toBeLessThan(tol);
    });
  });
}

describe('numgrad train: flags', () => {
  const cases: [string[], RegExp][] = [
    [['--iters', 'abc'], /--iters: expected an integer ≥ 1, got 'abc'/],
    [['--iters', '0'], /--iters/],
    [['--lr', '-1'], /--lr: expected a number > 0/],
    [['--gradient', 'sgd'], /--gradient: expected numerical\|backprop\|both, got 'sgd'/],
    [['--backend', 'metal'], /--backend/],
    [['--bogus', '1'], /unknown flag --bogus/],
    [['--batch'], /--batch: missing value/],
    [['--iters', '--lr', '1'], /--iters: missing value/],
    [['--train-count', '9000', '--test-count', '2000'], /--train-count 9000 \+ --test-count 2000/],
    [['stray'], /unexpected argument 'stray'/],
  ];
  it.each(cases)('%j → exit 2, names the flag', async (args, message) => {
    const out = sink(), err = sink();
    expect(await train(args, { out, err })).toBe(2);
    expect(err.text()).toMatch(message);
    expect(out.text()).toBe('');
  });

  it('--help prints the options and exits 0', async () => {
    const out = sink();
    expect(await train(['--help'], { out })).toBe(0);
    for (const f of ['--gradient', '--iters', '--batch', '--lr', '--hidden', '--train-count', '--test-count', '--eval-every', '--seed', '--backend', '--out']) {
      expect(out.text()).toContain(f);
    }
  });
});

describe('progress and smoothing', () => {
  const p = { iter: 50, iters: 100, evaluated: true, loss: 0.5, trainAcc: 0.9, testAcc: 0.88, itersPerSec: 10 };
  it('redraws one line on a TTY and ends it; plain lines otherwise', () => {
    const tty = sink(true);
    const bar = new Progress(tty, 'numerical');
    bar.update(p);
    bar.update({ ...p, iter: 100 });
    bar.done();
    const t = tty.text();
    expect(t.split('\r')).toHaveLength(3);
    expect(t.endsWith('\n')).toBe(true);
    expect(t.match(/\n/g)).toHaveLength(1);
    expect(t).toContain('[##########----------]');

    const narrow = { ...sink(true), columns: 90 }; // too narrow for the bar: it goes, the ETA stays
    new Progress(narrow, 'numerical').update(p);
    expect(narrow.text()).not.toContain('[#');
    expect(narrow.text()).toContain('ETA 0:05');
    const tiny = { ...sink(true), columns: 72 }; // 80-column terminals with a long count
    new Progress(tiny, 'numerical').update(p);
    expect(tiny.text()).toMatch(/ETA 0:05\x1b\[K$/);

    const plain = sink(false);
    const bar2 = new Progress(plain, 'numerical');
    bar2.update(p);
    bar2.done();
    expect(plain.text()).toBe(progressLine('numerical', p, false) + '\n');
    expect(plain.text()).toMatch(/50\/100 +loss 0\.5000 +train +90\.0% +test +88\.0% +10\.0 it\/s +ETA 0:05/);
  });

  it('smooths with a centered moving average that keeps length and constants', () => {
    expect(smooth([1, 1, 1, 1, 1], 3)).toEqual([1, 1, 1, 1, 1]);
    expect(smooth([0, 3, 0, 3], 3)).toEqual([1.5, 1, 2, 1.5]);
  });
});

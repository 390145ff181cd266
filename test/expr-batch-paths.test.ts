// The CPU path evaluates an expression's points together on the batched machine (evaluate,
// the fixed-step gradient, the step ladder, the Jacobian/Hessian plans); a JS function that
// calls the closure tree point by point (expr.evalJs) takes the per-point path. Both must give
// the same bits everywhere: values, error estimates, steps, statuses. And the book's printed
// values reproduce with h: 'book'.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createContext } from '../src/entry-node';
import { exprSumsConfig } from '../src/features/sums/config';
import { ExprFunction } from '../src/functions/fn';
import type { EntriesDetail } from '../src/features/jacobian/shape';
import { rng, seedFromEnv } from './helpers/random';

const seed = seedFromEnv('expr-batch-paths');
const cpu = await createContext({ backend: 'cpu' });

type Nested = number | Nested[];
const flat = (v: unknown): number[] => (Array.isArray(v) ? (v as Nested[]).flatMap((u) => flat(u)) : [v as number]);

function same(a: unknown, b: unknown, what: string): void {
  const x = flat(a), y = flat(b);
  expect(x.length, what).toBe(y.length);
  x.forEach((v, k) => expect(Object.is(v, y[k]), `${what}[${k}]: batched ${v}, per point ${y[k]}`).toBe(true));
}

// every test must reach the batched machine (else it compares the per-point path with itself)
let batches: { mock: { calls: unknown[] } };
beforeEach(() => { batches = vi.spyOn(ExprFunction.prototype, 'evalBatch'); });
afterEach(() => {
  expect(batches.mock.calls.length, 'evalBatch calls').toBeGreaterThan(0);
  vi.restoreAllMocks();
  exprSumsConfig.enabled = true;
});

describe('the batched CPU path gives the per-point path\'s bits', () => {
  const r = rng(seed);
  const cases = [
    { src: 'sin(x0)*cos(x1) + tan(x2/3) + exp(-x0^2)', n: 3 },
    { src: 'erf(x0/x1) + atan2(x1, x0)*asinh(x2) + where(x0 < x2, log1p(x1^2), cbrt(x0))', n: 3 },
    { src: '100*(x1 - x0^2)^2 + (1 - x0)^2', n: 2 },
  ];
  const points = (n: number, rows: number) => Array.from({ length: rows }, () => Array.from({ length: n }, () => r() * 3 - 1.5));

  it(`evaluate, fixed steps (3- and 5-point), the ladder with its detail, as batches (seed ${seed})`, async () => {
    for (const c of cases) {
      const f = cpu.fn(c.src);
      const js = (v: number[]) => f.evalJs(v);
      const x = points(c.n, 300);
      same(await cpu.evaluate(f, x, { batch: true }), await cpu.evaluate(js, x, { batch: true }), `${c.src} evaluate`);
      for (const opts of [{ h: 1e-4 }, { h: 'book' as const, stencil: 5 as const }, { h: 3e-3, stencil: 5 as const }]) {
        same(await cpu.numericalGradient(f, x, { batch: true, ...opts }), await cpu.numericalGradient(js, x, { batch: true, ...opts }), `${c.src} ${JSON.stringify(opts)}`);
      }
      const a = await cpu.numericalGradient(f, x.slice(0, 40), { batch: true, detail: true, warn: false });
      const b = await cpu.numericalGradient(js, x.slice(0, 40), { batch: true, detail: true, warn: false });
      for (const k of ['value', 'error', 'step'] as const) same(a[k], b[k], `${c.src} ladder ${k}`);
      expect(a.status).toEqual(b.status);
    }
  });

  it('the ladder next to a domain edge and under bounds (f(x) is needed: one-sided ladders)', async () => {
    const f = cpu.fn('sqrt(x0) + log(x1)*x0');
    const js = (v: number[]) => f.evalJs(v);
    for (const [x, opts] of [[[1e-3, 2], {}], [[0.25, 1], { bounds: [[0.25, 0], [Infinity, 1]] }]] as const) {
      const a = await cpu.numericalGradient(f, x as unknown as number[], { detail: true, warn: false, ...opts });
      const b = await cpu.numericalGradient(js, x as unknown as number[], { detail: true, warn: false, ...opts });
      for (const k of ['value', 'error', 'step'] as const) same(a[k], b[k], `ladder ${k} at ${x}`);
      expect(a.status).toEqual(b.status);
    }
  });

  it('a 2000-D whole-function ladder (the structured path off) and fixed-step gradient', async () => {
    exprSumsConfig.enabled = false;
    const n = 2000;
    const f = cpu.fn('sum(i, 0, n-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)');
    const js = (v: number[]) => f.evalJs(v);
    const x = Array.from({ length: n }, (_, k) => Math.cos(k) * 1.1);
    same(await cpu.numericalGradient(f, x, { h: 1e-5 }), await cpu.numericalGradient(js, x, { h: 1e-5 }), 'fixed');
    const a = await cpu.numericalGradient(f, x, { detail: true, warn: false });
    const b = await cpu.numericalGradient(js, x, { detail: true, warn: false });
    for (const k of ['value', 'error', 'step'] as const) same(a[k], b[k], `ladder ${k}`);
    // and against the exact gradient
    const g = a.value as number[];
    for (const j of [0, 1, 999, n - 1]) {
      const ex = (j > 0 ? 200 * (x[j] - x[j - 1] ** 2) : 0) + (j < n - 1 ? -400 * x[j] * (x[j + 1] - x[j] ** 2) - 2 * (1 - x[j]) : 0);
      expect(Math.abs(g[j] - ex), `component ${j}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(ex)));
    }
  });

  it('Jacobian, jvp and Hessian plans (lanes with one and two coordinates set), with detail', async () => {
    const v = cpu.fn(['x0*x1 - sin(x2)', 'exp(x0/3)*x2', 'atan2(x1, x2) + x0^3']);
    const jsv = (u: number[]) => v.evalOutputs(u);
    const x = [0.4, -1.3, 0.8];
    const a = (await cpu.jacobian(v, x, { detail: true })) as EntriesDetail;
    const b = (await cpu.jacobian(jsv, x, { detail: true })) as EntriesDetail;
    for (const k of ['value', 'error', 'step'] as const) same(a[k], b[k], `jacobian ${k}`);
    same(await cpu.jvp(v, x, [1, 2, -1]), await cpu.jvp(jsv, x, [1, 2, -1]), 'jvp');
    const s = cpu.fn('100*(x1 - x0^2)^2 + (1 - x0)^2 + sin(x0*x2)');
    const jss = (u: number[]) => s.evalJs(u);
    const h = (await cpu.hessian(s, [1, 1, 0.5], { detail: true })) as EntriesDetail;
    const hj = (await cpu.hessian(jss, [1, 1, 0.5], { detail: true })) as EntriesDetail;
    for (const k of ['value', 'error', 'step'] as const) same(h[k], hj[k], `hessian ${k}`);
    // against the analytic Hessian at (1, 1, 0.5)
    const H = h.value as number[][], c = Math.cos(0.5), sn = Math.sin(0.5);
    const exact = [[1200 - 400 + 2 - 0.25 * sn, -400, c - 0.5 * sn], [-400, 200, 0], [c - 0.5 * sn, 0, -sn]];
    exact.forEach((row, i) => row.forEach((e, j) => expect(Math.abs(H[i][j] - e), `H[${i}][${j}]`).toBeLessThan(1e-5 * Math.max(1, Math.abs(e)))));
  });

  it('the book\'s printed values with h: \'book\' (a fixed step batches sums over an index; small f go point by point)', async () => {
    const d = await cpu.numericalDiff('0.01*x^2 + 0.1*x', [5, 10, 5, 10, 5, 10, 5, 10], { h: 'book' });
    expect(d).toEqual([0.1999999999990898, 0.2999999999986347, 0.1999999999990898, 0.2999999999986347, 0.1999999999990898, 0.2999999999986347, 0.1999999999990898, 0.2999999999986347]);
    // the book's function_2 is np.sum(x**2): as a sum over the index it takes the batched machine
    const g = await cpu.numericalGradient(cpu.fn('sum(x^2)', { n: 2 }), [[3, 4], [3, 4], [3, 4], [3, 4]], { h: 'book', batch: true });
    expect(g).toEqual(Array.from({ length: 4 }, () => [6.00000000000378, 7.999999999999119]));
  });
});

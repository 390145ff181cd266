// The block machine (src/expr/vm.ts) that runs sums over an index: bit for bit the closure
// tree's result (an independent implementation of the same semantics), and against values
// written out by hand, on random bodies (seeded), lengths that are not multiples of a block,
// reads past either end (NaN), data, nested sums and the forms it hands back to closures.
import { describe, expect, it } from 'vitest';
import { parse } from '../src/expr/parser';
import { closureScalar, compileScalar } from '../src/expr/eval';
import { substLen } from '../src/expr/derivative';
import { compileExpr } from '../src/expr/index';
import { BLOCK } from '../src/expr/vm-run';
import { rng, seedFromEnv } from './helpers/random';

const seed = seedFromEnv('expr-vm');

function both(src: string, n: number, x: Float64Array, data: Record<string, number[]> = {}): [number, number] {
  const lengths = new Map(Object.entries(data).map(([k, v]) => [k, v.length]));
  const ast = substLen(parse(src, { data: lengths }).ast, n);
  const d = new Map(Object.entries(data).map(([k, v]) => [k, Float64Array.from(v)]));
  return [compileScalar(ast, d, n)(x, 0), closureScalar(ast, d, n)(x, 0)];
}

describe('the block machine for sums over an index', () => {
  const r = rng(seed);
  const xs = (n: number, lo = -2, hi = 2) => Float64Array.from({ length: n }, () => lo + (hi - lo) * r());

  it('agrees with sums written out by hand (lengths around the block size)', () => {
    for (const n of [1, 2, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 7]) {
      const x = xs(n);
      let ros = 0, sq = 0, wave = 0;
      for (let i = 0; i < n; i++) {
        if (i <= n - 2) ros += 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2;
        sq += x[i] * x[i];
        wave += Math.sin(x[i]) * Math.exp(-(x[i] ** 2) / 4);
      }
      const f = (s: string) => compileExpr(s, { n }).evalJs(x);
      expect(f('sum(i, 0, n-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)')).toBeCloseTo(ros, 10);
      expect(f('sum(x^2)')).toBe(sq);
      expect(f('sum(sin(x)*exp(-x^2/4))')).toBeCloseTo(wave, 12);
    }
  });

  it('reads past either end of x or of a data array are NaN; empty ranges are 0 (sum) and 1 (prod)', () => {
    const x = xs(300);
    expect(both('sum(i, 0, n-1, x[i+1])', 300, x)[0]).toBeNaN();
    expect(both('sum(i, 0, n-1, x[i-1])', 300, x)[0]).toBeNaN();
    expect(both('sum(i, -1, n-2, x[i+1])', 300, x)).toEqual(both('sum(x)', 300, x));
    expect(both('sum(i, 5, 2, x[i])', 300, x)[0]).toBe(0);
    expect(both('prod(i, 5, 2, x[i])', 300, x)[0]).toBe(1);
    const t = Array.from({ length: 200 }, (_, k) => k / 7);
    expect(both('sum(i, 0, 200, t[i]*x[i])', 300, x, { t })[0]).toBeNaN();
    const [a, b] = both('sum(i, 0, 199, t[i]*x[i+50])', 300, x, { t });
    expect(a).toBe(b);
    expect(a).toBeCloseTo(t.reduce((s, v, i) => s + v * x[i + 50], 0), 10);
  });

  it(`random bodies give the closure tree's bits exactly (seed ${seed})`, () => {
    const leaves = ['x[i]', 'x[i+1]', 'x[i-1]', 'x[2*i]', 'x[n-1-i]', 'x0', 'x3', 'i', '0.5', '3', 't[i]', 't[i+2]', 'len(t)'];
    const un = ['sin', 'cos', 'exp', 'log', 'sqrt', 'tanh', 'abs', 'sigmoid', 'erf', 'atan', 'log1p', 'cbrt'];
    const gen = (d: number): string => {
      const k = r();
      if (d === 0 || k < 0.25) return leaves[Math.floor(r() * leaves.length)];
      if (k < 0.55) return `(${gen(d - 1)} ${['+', '-', '*', '/'][Math.floor(r() * 4)]} ${gen(d - 1)})`;
      if (k < 0.7) return `${un[Math.floor(r() * un.length)]}(${gen(d - 1)})`;
      if (k < 0.8) return `(${gen(d - 1)})^${['2', '3', '0.5', '-1'][Math.floor(r() * 4)]}`;
      if (k < 0.87) return `${['min', 'max', 'atan2', 'mod'][Math.floor(r() * 4)]}(${gen(d - 1)}, ${gen(d - 1)})`;
      if (k < 0.94) return `where(${gen(d - 1)} ${['<', '>=', '=='][Math.floor(r() * 3)]} ${gen(d - 1)}, ${gen(d - 1)}, ${gen(d - 1)})`;
      // a nested sum: hoisted when it does not use i, a closure when it does
      const body = gen(d - 1);
      return `sum(k${d}, 0, 3, x[k${d}]*${r() < 0.5 ? body.replace(/\bi\b/g, `k${d}`) : body})`;
    };
    const n = 2 * BLOCK + 13;
    const t = Array.from({ length: n + 5 }, () => r() * 4 - 2);
    let finite = 0;
    for (let trial = 0; trial < 150; trial++) {
      const body = gen(4);
      const src = `${r() < 0.5 ? 'sum' : 'prod'}(i, ${r() < 0.3 ? 1 : 0}, n-${1 + Math.floor(r() * 3)}, ${body})`;
      const x = xs(n, -1.5, 1.5);
      if (r() < 0.1) x[Math.floor(r() * n)] = r() < 0.5 ? NaN : Infinity;
      let got: [number, number];
      try {
        got = both(src, n, x, { t });
      } catch (e) {
        throw new Error(`${src}: ${(e as Error).message}`);
      }
      expect(Object.is(got[0], got[1]), `${src}: machine ${got[0]}, closure tree ${got[1]}`).toBe(true);
      if (Number.isFinite(got[0])) finite++;
    }
    expect(finite).toBeGreaterThan(30); // the comparison is not all NaN
  });

  it('forms the machine hands back to closures still evaluate: a skipped index, a sum over i inside one over i', () => {
    const x = xs(40);
    const skip = compileExpr('sum(x^2) + prod(cos(x))', { n: 40 }).gradJs(x);
    expect(skip[3]).toBeCloseTo(2 * x[3] - Math.sin(x[3]) * x.reduce((p, v, k) => (k === 3 ? p : p * Math.cos(v)), 1), 12);
    const [a, b] = both('sum(i, 0, n-1, x[i]*sum(k, 0, i, x[k]))', 40, x);
    let ref = 0;
    for (let i = 0; i < 40; i++) { let s = 0; for (let k = 0; k <= i; k++) s += x[k]; ref += x[i] * s; }
    expect(a).toBe(b);
    expect(a).toBeCloseTo(ref, 12);
  });
});

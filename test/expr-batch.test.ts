// The batched float64 machine (src/expr/batch.ts) gives, at every point of a batch, the bits
// the closure tree gives one point at a time (Object.is, so NaN, ±0 and ±inf count): random
// expressions from the fuzz grammar (seeded, seed printed), both point sources (rows; a base
// row with one or two coordinates replaced), chunk boundaries, data, index sums at n = 1 and
// n = 10⁴, constants and several outputs. Values are also checked against JS written out.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExpr, ExprError, type CompiledExpr } from '../src/expr/index';
import { CHUNK } from '../src/expr/batch-kernels';
import { pointOf, type PointSource } from '../src/expr/batch-source';
import { compileBatch } from '../src/expr/batch';
import { parse } from '../src/expr/parser';
import { derivative, substLen } from '../src/expr/derivative';
import { rng, seedFromEnv } from './helpers/random';

const seed = seedFromEnv('expr-batch');

const UNARY = ['exp', 'log', 'sqrt', 'sin', 'cos', 'tan', 'tanh', 'sigmoid', 'abs', 'sign', 'erf', 'asin', 'acos', 'atan',
  'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'expm1', 'log1p', 'log2', 'log10', 'exp2', 'cbrt', 'floor'];
const BINARY = ['min', 'max', 'atan2', 'mod', 'pow'];
const atom = fc.oneof(
  fc.constantFrom('x0', 'x1', 'x0', 'x1', 'x2', '0.5', '2', '3', 'pi', 'x[1]', '-0', '1e300'),
  fc.double({ min: 0.1, max: 4, noNaN: true }).map((v) => v.toPrecision(3)),
);
// the fuzz grammar of test/slow/expr-fuzz.test.ts, with sums whose bounds and reads vary
const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small' },
    atom,
    fc.tuple(tie('expr'), fc.constantFrom('+', '-', '*', '/'), tie('expr')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(tie('expr'), fc.integer({ min: -3, max: 4 })).map(([a, k]) => `(${a})^${k}`),
    fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `(${a})^(${b})`),
    fc.tuple(fc.constantFrom(...UNARY), tie('expr')).map(([f, a]) => `${f}(${a})`),
    fc.tuple(fc.constantFrom(...BINARY), tie('expr'), tie('expr')).map(([f, a, b]) => `${f}(${a}, ${b})`),
    fc.tuple(tie('expr'), tie('expr'), tie('expr'), tie('expr')).map(([a, b, c, d]) => `where(${a} < ${b}, ${c}, ${d})`),
    fc.tuple(tie('expr'), fc.constantFrom('<', '>=', '!=', '==')).map(([a, op]) => `(${a} ${op} x1)`),
    fc.tuple(fc.constantFrom('i', 'j', 'k', 'm'), tie('expr')).map(([v, a]) => `sum(${v}, 0, 1, x[${v}]*${a})`),
    fc.tuple(fc.constantFrom('i', 'j'), tie('expr'), fc.integer({ min: -1, max: 2 })).map(([v, a, o]) => `prod(${v}, 0, n-1, x[${v}+${o}] + ${a})`),
    tie('expr').map((a) => `-${a}`),
  ),
}));

const SPECIAL = [0, -0, 1, -1, 0.5, Infinity, -Infinity, NaN, 1e200, -1e-310, 3];

/** every point of src: the machine's value and the closure tree's (evalOutput) */
function compare(e: CompiledExpr, src: PointSource, k = 0, what = ''): number {
  const got = e.evalBatch(src, k);
  const x = new Float64Array(src.n);
  let finite = 0;
  for (let p = 0; p < src.points; p++) {
    const want = e.evalOutput(k, pointOf(src, p, x));
    if (!Object.is(got[p], want)) {
      throw new Error(`'${e.source}'${what} at point ${p} [${Array.from(x)}]: batched ${got[p]}, closure tree ${want}`);
    }
    if (Number.isFinite(want)) finite++;
  }
  return finite;
}

function randomValue(r: () => number): number {
  return r() < 0.15 ? SPECIAL[Math.floor(r() * SPECIAL.length)] : (r() - 0.5) * 10 ** Math.floor(r() * 5 - 2);
}

/** rows × n random rows, and `points` points over them, one or two coordinates replaced */
function gradientSource(r: () => number, n: number, rows: number, points: number, two = false, value = randomValue): PointSource {
  const base = Float64Array.from({ length: rows * n }, () => value(r));
  const row = Uint32Array.from({ length: points }, () => Math.floor(r() * rows));
  // some indices out of range: no coordinate replaced
  const j = () => Uint32Array.from({ length: points }, () => (r() < 0.1 ? 0xffffffff : Math.floor(r() * n)));
  const v = () => Float64Array.from({ length: points }, () => value(r));
  return two ? { base, n, points, row, j1: j(), v1: v(), j2: j(), v2: v() } : { base, n, points, row, j1: j(), v1: v() };
}

/** the ladder's shape: per row, runs of `run` points replacing one coordinate (or two, or
 *  none); row by row, or coordinate by coordinate (each chunk then spans rows) */
function runsSource(r: () => number, n: number, rows: number, run: number, byCoordinate = false, value = randomValue): PointSource {
  const base = Float64Array.from({ length: rows * n }, () => value(r));
  const row: number[] = [], j1: number[] = [], j2: number[] = [], v1: number[] = [], v2: number[] = [];
  for (let a = 0; a < (byCoordinate ? n + 1 : rows); a++) {
    for (let b = 0; b < (byCoordinate ? rows : n + 1); b++) {
      const q = byCoordinate ? b : a, j = (byCoordinate ? a : b) - 1;
      const other = r() < 0.3 ? Math.floor(r() * n) : 0xffffffff;
      for (let t = 0; t < run; t++) {
        row.push(q); j1.push(j < 0 ? 0xffffffff : j); j2.push(other);
        v1.push(value(r)); v2.push(value(r));
      }
    }
  }
  const u = (a: number[]) => Uint32Array.from(a), f = (a: number[]) => Float64Array.from(a);
  return { base, n, points: row.length, row: u(row), j1: u(j1), v1: f(v1), j2: u(j2), v2: f(v2) };
}

describe('the batched machine gives the closure tree\'s bits', () => {
  it(`on random expressions of every function, comparisons, where and sums (seed ${seed})`, () => {
    const r = rng(seed);
    const samples = fc.sample(expr, { seed, numRuns: 300 });
    let finite = 0, points = 0;
    for (const src of samples) {
      let e: CompiledExpr;
      try {
        e = compileExpr(src, { n: 3 });
      } catch (err) {
        if (err instanceof ExprError && /already the index/.test(err.message)) continue; // a nested sum reusing its index name
        throw err;
      }
      const rows = 1 + Math.floor(r() * 3);
      const matrix: PointSource = { base: Float64Array.from({ length: 40 * 3 }, () => randomValue(r)), n: 3, points: 40 };
      finite += compare(e, matrix, 0, ' (rows)');
      finite += compare(e, gradientSource(r, 3, rows, 30), 0, ' (one coordinate replaced)');
      finite += compare(e, gradientSource(r, 3, rows, 30, true), 0, ' (two replaced)');
      // one row: registers a chunk shares (parameters no point of it replaces)
      finite += compare(e, gradientSource(r, 3, 1, 20), 0, ' (one row)');
      // runs of points sharing a row and the replaced coordinates: only the cone of x_j runs
      finite += compare(e, runsSource(r, 3, rows, 12), 0, ' (runs of 12)');
      // chunks spanning rows: parameters no point of the chunk replaces are per run
      finite += compare(e, runsSource(r, 3, 4, 1 + Math.floor(r() * 6), true), 0, ' (by coordinate)');
      finite += compare(e, runsSource(r, 3, 4, 12, true), 0, ' (by coordinate, runs of 12)');
      points += 120 + 48 * rows + 192;
    }
    expect(points).toBeGreaterThan(40000);
    expect(finite).toBeGreaterThan(points / 5); // the comparison is not all NaN
  });

  it('at chunk boundaries: 1, CHUNK − 1, CHUNK, CHUNK + 1 and 1000 points, both sources', () => {
    const r = rng(seed + 1);
    const e = compileExpr('sum(i, 0, n-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2) + where(x0 < x1, sin(x2), abs(x3)^0.5)', { n: 6 });
    for (const P of [1, CHUNK - 1, CHUNK, CHUNK + 1, 1000]) {
      const base = Float64Array.from({ length: P * 6 }, () => r() * 4 - 2);
      expect(compare(e, { base, n: 6, points: P }, 0, ` (${P} rows)`)).toBeGreaterThan(0);
      const finite = (q: () => number) => q() * 4 - 2;
      expect(compare(e, gradientSource(r, 6, 1, P, false, finite), 0, ` (${P} points on one row)`)).toBeGreaterThan(0);
      expect(compare(e, gradientSource(r, 6, 4, P, true, finite), 0, ` (${P} points on 4 rows)`)).toBeGreaterThan(0);
    }
  });

  it('NaN, ±inf and −0 propagate as in the closure tree (and as written out)', () => {
    const e = compileExpr('x0*x1 + max(x0, x1) + sign(x1) + where(x0 > 0, 1, 2)', { n: 2 });
    const pts = [[NaN, 1], [1, NaN], [Infinity, 0], [-0, -0], [-Infinity, Infinity], [2, 3]];
    const base = Float64Array.from(pts.flat());
    const got = e.evalBatch({ base, n: 2, points: pts.length });
    const js = (a: number, b: number) => (a !== a || b !== b ? NaN : a * b + Math.max(a, b) + Math.sign(b) + (a > 0 ? 1 : 2));
    pts.forEach(([a, b], p) => expect(Object.is(got[p], js(a, b)), `at (${a}, ${b}): ${got[p]}`).toBe(true));
    expect(Object.is(compileExpr('-x0', { n: 1 }).evalBatch({ base: Float64Array.of(0), n: 1, points: 1 })[0], -0)).toBe(true);
    compare(e, { base, n: 2, points: pts.length });
  });

  it('data arrays: a least-squares loss with named parameters, and one output per data element', () => {
    const r = rng(seed + 2);
    const t = Array.from({ length: 600 }, (_, k) => k / 100), y = t.map((u) => 2 * Math.exp(-0.7 * u) + 0.01 * Math.sin(40 * u));
    const loss = compileExpr('sum(i, 0, len(t)-1, (y[i] - a*exp(-b*t[i]))^2)', { params: ['a', 'b'], data: { t, y } });
    const src = gradientSource(r, 2, 3, 300);
    compare(loss, src);
    // written out, in the same order: the same bits
    const got = loss.evalBatch(src), x = new Float64Array(2);
    for (let p = 0; p < 300; p += 37) {
      const [a, b] = pointOf(src, p, x);
      let s = 0;
      for (let i = 0; i < t.length; i++) { const d = y[i] - a * Math.exp(-b * t[i]); s += d * d; }
      expect(Object.is(got[p], s), `point ${p}`).toBe(true);
    }
    const model = compileExpr('a*exp(-b*t)', { params: ['a', 'b'], data: { t: t.slice(0, 5) } });
    expect(model.outputs).toBe(5);
    const out = new Float64Array(5 * 300);
    for (let k = 0; k < 5; k++) {
      compare(model, src, k, ` (output ${k})`);
      model.evalBatch(src, k, out.subarray(k), 5);
    }
    for (let p = 0; p < 300; p += 41) {
      const [a, b] = pointOf(src, p, x);
      for (let k = 0; k < 5; k++) expect(out[p * 5 + k]).toBe(a * Math.exp(-b * t[k]));
    }
  });

  it('index sums at n = 1 and n = 10⁴ (a gradient\'s 2n points), against JS written out', () => {
    const one = compileExpr('sum(x^2) + sum(i, 0, n-1, cos(x[i]))');
    const src1: PointSource = { base: Float64Array.of(0.3), n: 1, points: 2, row: new Uint32Array(2), j1: new Uint32Array(2), v1: Float64Array.of(0.3001, 0.2999) };
    const g1 = one.evalBatch(src1);
    expect(g1[0]).toBe(0.3001 * 0.3001 + Math.cos(0.3001));
    expect(g1[1]).toBe(0.2999 * 0.2999 + Math.cos(0.2999));
    const n = 10_000;
    const rosen = compileExpr('sum(i, 0, n-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)');
    const base = Float64Array.from({ length: n }, (_, k) => Math.sin(k * 12.9898) * 1.2);
    const points = 2 * n, j1 = new Uint32Array(points), v1 = new Float64Array(points);
    for (let p = 0; p < points; p++) { j1[p] = p >> 1; v1[p] = base[p >> 1] + (p & 1 ? -1e-5 : 1e-5); }
    const src: PointSource = { base, n, points, row: new Uint32Array(points), j1, v1 };
    const got = rosen.evalBatch(src);
    const x = new Float64Array(n);
    for (const p of [0, 1, 2, 255, 256, 257, 9999, 12345, points - 2, points - 1]) {
      pointOf(src, p, x);
      let s = 0;
      for (let i = 0; i < n - 1; i++) { const d = x[i + 1] - x[i] * x[i], e = 1 - x[i]; s += 100 * (d * d) + e * e; }
      expect(got[p], `point ${p}`).toBe(s);
      expect(Object.is(got[p], rosen.evalJs(x))).toBe(true);
    }
  });

  it('constant expressions and expressions that read no perturbed coordinate', () => {
    const src: PointSource = { base: Float64Array.of(1, 2, 3, 4), n: 2, points: 3, row: Uint32Array.of(0, 1, 0), j1: Uint32Array.of(0, 1, 0xffffffff), v1: Float64Array.of(9, 8, 7) };
    expect(Array.from(compileExpr('2.5', { n: 2 }).evalBatch(src))).toEqual([2.5, 2.5, 2.5]);
    expect(Array.from(compileExpr('tanh(9)', { n: 2 }).evalBatch(src))).toEqual([Math.tanh(9), Math.tanh(9), Math.tanh(9)]);
    expect(Array.from(compileExpr('sum(i, 0, 3, i^2)', { n: 2 }).evalBatch(src))).toEqual([14, 14, 14]);
    expect(Array.from(compileExpr('x1*10', { n: 2 }).evalBatch(src))).toEqual([20, 80, 20]);
  });

  it('several outputs, each into a strided slice', () => {
    const e = compileExpr(['x0*x1', 'sin(x0) - x1^3', 'sum(x)']);
    const r = rng(seed + 3);
    const src = gradientSource(r, 2, 2, 50, true);
    const out = new Float64Array(3 * 50).fill(-1);
    for (let k = 0; k < 3; k++) {
      compare(e, src, k, ` (output ${k})`);
      e.evalBatch(src, k, out.subarray(k), 3);
    }
    const x = new Float64Array(2);
    for (let p = 0; p < 50; p++) {
      const [a, b] = pointOf(src, p, x);
      expect(Object.is(out[3 * p], a * b) && Object.is(out[3 * p + 1], Math.sin(a) - Math.pow(b, 3)) && Object.is(out[3 * p + 2], 0 + a + b)).toBe(true);
    }
  });

  it('bad arguments are ArgumentErrors naming them', () => {
    const e = compileExpr('x0 + x1');
    expect(() => e.evalBatch({ base: new Float64Array(3), n: 3, points: 1 })).toThrow(/n = 2 parameters/);
    expect(() => e.evalBatch(null as unknown as PointSource)).toThrow(/src/);
    expect(() => e.evalBatch({ base: new Float64Array(2), n: 2, points: 1 }, 1)).toThrow(/output index/);
    expect(() => e.evalBatch({ base: new Float64Array(2), n: 2, points: 2 })).toThrow(/past the 1 that base holds/);
    expect(() => e.evalBatch({ base: new Float64Array(2), n: 2, points: 2, row: new Uint32Array(2), j1: new Uint32Array(1), v1: new Float64Array(2) })).toThrow(/an entry per point/);
    expect(() => e.evalBatch({ base: new Float64Array(4), n: 2, points: 2 }, 0, new Float64Array(1))).toThrow(/an entry per point/);
  });

  it('derivative-only nodes are not for the machine (the caller evaluates point by point)', () => {
    const d = derivative(substLen(parse('sum(i, 0, n-2, x[i+1]*x[i]^2)').ast, 6), 'I');
    expect(compileBatch(d)).toBeNull();
    expect(compileBatch(substLen(parse('sum(i, 0, n-2, x[i+1]*x[i]^2)').ast, 6))).not.toBeNull();
  });
});

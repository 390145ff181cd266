// ctx.jacobian, jvp and vjp on both backends against analytic Jacobians written here:
// scipy.differentiate's Jacobian examples (Wikipedia's x²y / 5x + sin y, polar and spherical
// coordinates, a 3→4 and a 3→3 map, the Rosenbrock gradient), a spherical map at large and
// small arguments, WGSL bodies with several outputs, JS functions (CPU) and evaluation counts.
import { expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';
import { rng, seedFromEnv, uniform } from './helpers/random';
import type { EntriesDetail } from '../src/features/jacobian/shape';

const seed = seedFromEnv('jacobian');
const { sin, cos } = Math;
type M = number[][];

/** ‖A − B‖∞ / ‖B‖∞ over every element (max-abs norms). */
function relInf(a: unknown, b: unknown): number {
  const fa = [a].flat(Infinity) as number[], fb = [b].flat(Infinity) as number[];
  expect(fa.length).toBe(fb.length);
  let d = 0, s = 0;
  fa.forEach((v, i) => {
    d = Math.max(d, Math.abs(v - fb[i]));
    s = Math.max(s, Math.abs(fb[i]));
  });
  return d / s;
}

interface Case { name: string; n: number; src: string[]; ref: (x: number[]) => M }
const rosenSrc = 'sum(i, 0, n-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)';
const CASES: Case[] = [
  { name: 'f1 (x²y, 5x + sin y)', n: 2, src: ['x0^2 * x1', '5*x0 + sin(x1)'], ref: ([x, y]) => [[2 * x * y, x * x], [5, cos(y)]] },
  { name: 'f2 polar', n: 2, src: ['x0*cos(x1)', 'x0*sin(x1)'], ref: ([r, p]) => [[cos(p), -r * sin(p)], [sin(p), r * cos(p)]] },
  {
    name: 'f3 spherical', n: 3, src: ['x0*sin(x1)*cos(x2)', 'x0*sin(x1)*sin(x2)', 'x0*cos(x1)'],
    ref: ([r, p, t]) => [[sin(p) * cos(t), r * cos(p) * cos(t), -r * sin(p) * sin(t)], [sin(p) * sin(t), r * cos(p) * sin(t), r * sin(p) * cos(t)], [cos(p), -r * sin(p), 0]],
  },
  { name: 'f4 (3 → 4)', n: 3, src: ['x0', '5*x2', '4*x1^2 - 2*x2', 'x2*sin(x0)'], ref: ([a, b, c]) => [[1, 0, 0], [0, 0, 5], [0, 8 * b, -2], [c * cos(a), 0, sin(a)]] },
  {
    name: 'f5', n: 3, src: ['5*x1', '4*x0^2 - 2*sin(x1*x2)', 'x1*x2'],
    ref: ([a, b, c]) => [[0, 5, 0], [8 * a, -2 * c * cos(b * c), -2 * b * cos(b * c)], [0, c, b]],
  },
  {
    name: 'rosen (5 → 1)', n: 5, src: [rosenSrc],
    ref: (x) => [x.map((_, i) => (i > 0 ? 200 * (x[i] - x[i - 1] ** 2) : 0) + (i < x.length - 1 ? -400 * x[i] * (x[i + 1] - x[i] ** 2) - 2 * (1 - x[i]) : 0))],
  },
];

describeBackends('jacobian', (ctx, kind) => {
  const tol = kind === 'cpu' ? 1e-9 : 1e-5;

  it("scipy.differentiate's examples at seeded random points, one at a time and as a batch", async () => {
    const r = rng(seed);
    for (const c of CASES) {
      const f = ctx().fn(c.src, { n: c.n });
      const pts = Array.from({ length: 6 }, () => uniform(r, c.n, 0, 1));
      let worst = 0;
      for (const x of pts) worst = Math.max(worst, relInf(await ctx().jacobian(f, x), c.ref(x)));
      const batch = (await ctx().jacobian(f, pts, { batch: true })) as M[];
      expect(batch.length).toBe(6);
      const bw = Math.max(...pts.map((x, k) => relInf(batch[k], c.ref(x))));
      console.log(`[jacobian] ${kind} ${c.name}: worst rel ∞-norm ${worst.toExponential(2)} (batch ${bw.toExponential(2)})`);
      expect(worst).toBeLessThanOrEqual(tol);
      expect(bw).toBeLessThanOrEqual(tol);
    }
  });

  it('a spherical-coordinates map at large radius, near the pole and at negative angles', async () => {
    const f = ctx().fn(CASES[2].src);
    for (const x of [[1e3, 0.7, -2.5], [2.5, 1e-3, 3.1], [0.01, 2.9, 0.3], [40, -1.2, 6]]) {
      const e = relInf(await ctx().jacobian(f, x), CASES[2].ref(x));
      console.log(`[jacobian] ${kind} spherical at [${x}]: ${e.toExponential(2)}`);
      expect(e).toBeLessThanOrEqual(tol);
    }
  });

  it('detail: per-entry error estimates covering the true error, steps, statuses, evaluation count', async () => {
    const x = [0.8, 1.3, 0.4];
    const d = (await ctx().jacobian(ctx().fn(CASES[4].src), x, { detail: true })) as EntriesDetail;
    const ref = CASES[4].ref(x);
    const v = d.value as M, err = d.error as M;
    expect((d.status as string[][]).flat().every((s) => s === 'ok')).toBe(true);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(Math.abs(v[i][j] - ref[i][j])).toBeLessThanOrEqual(Math.max(err[i][j], kind === 'cpu' ? 1e-14 : 1e-6));
    expect((d.step as M).every((row) => row.every((h, j) => h > 0 && h <= 0.5 * Math.max(Math.abs(x[j]), 1) * (1 + 1e-6)))).toBe(true);
    expect(d.evaluations).toBe(1 + 3 * 16); // f(x) and 8 steps × 2 sides per column, each giving all outputs
    expect(d.backend).toBe(kind);
  });

  it('a WGSL body with several outputs (and its float64 twin on the CPU)', async () => {
    const f = ctx().wgsl({
      n: 2, outputs: 3,
      body: 'switch k { case 0u: { return p(0u) * p(1u); } case 1u: { return exp(p(0u)); } default: { return sin(p(1u)); } }',
      cpu: (x) => [x[0] * x[1], Math.exp(x[0]), Math.sin(x[1])],
    });
    const x = [0.5, -1.25];
    const J = await ctx().jacobian(f, x);
    expect(relInf(J, [[x[1], x[0]], [Math.exp(x[0]), 0], [0, cos(x[1])]])).toBeLessThanOrEqual(tol);
  });

  it('jvp: J·v for one direction and for a list, against the analytic Jacobian', async () => {
    const f = ctx().fn(CASES[2].src);
    const x = [1.7, 0.9, -0.4];
    const J = CASES[2].ref(x);
    const vs = [[1, 0, 0], [0.3, -2, 5], [1e-3, 1e-3, 0]];
    const ref = vs.map((v) => J.map((row) => row.reduce((s, a, j) => s + a * v[j], 0)));
    expect(relInf(await ctx().jvp(f, x, vs[1]), ref[1])).toBeLessThanOrEqual(tol);
    const all = (await ctx().jvp(f, x, vs)) as M;
    all.forEach((r, k) => expect(relInf(r, ref[k])).toBeLessThanOrEqual(tol));
    // a scalar f: ∇f·v, a number
    const g = await ctx().jvp('x0^2 + 3*x1', [1, 2], [1, 1]);
    expect(Math.abs((g as number) - 5)).toBeLessThanOrEqual(5 * tol);
  });

  it('vjp: uᵀ·J against the analytic Jacobian', async () => {
    const f = ctx().fn(CASES[3].src);
    const x = [0.3, -0.7, 1.1];
    const J = CASES[3].ref(x);
    const u = [1, -2, 0.5, 3];
    const ref = [0, 1, 2].map((j) => J.reduce((s, row, i) => s + u[i] * row[j], 0));
    expect(relInf(await ctx().vjp(f, x, u), ref)).toBeLessThanOrEqual(tol);
  });
});

describeBackends('jacobian: hard cases', (ctx, kind) => {
  const tol = kind === 'cpu' ? 1e-9 : 1e-5;
  /** per-row ∞-norm relative error (rows of very different scale) */
  const rowRel = (J: M, ref: M) => Math.max(...ref.map((row, i) => relInf(J[i], row)));

  it('large and tiny arguments, rows of very different scale', async () => {
    const f = ctx().fn(['exp(x0/10)', 'x0*x1', 'x1^3 * 1e-12', 'sin(x2)']);
    const x = [60, 1e4, 1e-3];
    const ref = [[Math.exp(6) / 10, 0, 0], [1e4, 60, 0], [0, 3e-12 * 1e8, 0], [0, 0, Math.cos(1e-3)]];
    const e = rowRel((await ctx().jacobian(f, x)) as M, ref);
    console.log(`[jacobian] ${kind} large/tiny: per-row rel ${e.toExponential(2)}`);
    expect(e).toBeLessThanOrEqual(tol);
  });

  it('a domain edge (sqrt and log near 0): one-sided differences, flagged as such, still accurate', async () => {
    const f = ctx().fn(['sqrt(x0) * x1', 'log(x0) + x1']);
    const x = [0.2, 3];
    const d = (await ctx().jacobian(f, x, { detail: true })) as EntriesDetail;
    const ref = [[3 / (2 * Math.sqrt(0.2)), Math.sqrt(0.2)], [5, 1]];
    const e = rowRel(d.value as M, ref);
    console.log(`[jacobian] ${kind} domain edge: per-row rel ${e.toExponential(2)}, status ${JSON.stringify(d.status)}`);
    expect((d.status as string[][])[0][0]).toMatch(/^(ok|one-sided)$/);
    expect(e).toBeLessThanOrEqual(kind === 'cpu' ? 1e-8 : 1e-4);
  });

  it('big sums: two outputs of 400-term sums', async () => {
    const n = 400;
    const x = uniform(rng(seed + 9), n, -3, 3);
    const J = (await ctx().jacobian(ctx().fn(['sum(sin(x))', 'sum(x^2)/2'], { n }), x)) as M;
    const e = rowRel(J, [x.map(Math.cos), x]);
    console.log(`[jacobian] ${kind} 400-term sums: per-row rel ${e.toExponential(2)}`);
    // float32: each f carries the rounding of a 400-term sum (~ε·√400·Σ|terms|), the GPU flag level
    expect(e).toBeLessThanOrEqual(kind === 'cpu' ? 1e-9 : 1e-3);
  });

  it('saturation (tanh at 20): ≈ 0 in float64 (true 1.7e-17); flagged in float32, where tanh is 1 at every step', async () => {
    const d = (await ctx().jacobian(ctx().fn(['tanh(x0)', 'x0']), [20], { detail: true, warn: false })) as EntriesDetail;
    const st = (d.status as string[][])[0][0];
    if (kind === 'cpu') {
      expect(Math.abs((d.value as M)[0][0])).toBeLessThanOrEqual(1e-8);
      expect(st).toBe('ok');
    } else {
      expect(st).toBe('saturated');
      expect(d.issues.count).toBe(1);
    }
    expect((d.value as M)[1][0]).toBeCloseTo(1, kind === 'cpu' ? 12 : 5);
  });
});

describeBackends('jacobian of JS functions', (ctx) => {
  it('a JS function returning an array, its point nested as a 2×2 matrix', async () => {
    const f = (w: number[][]) => [w[0][0] * w[1][1] - w[0][1] * w[1][0], Math.exp(w[0][1])];
    const w = [[1.5, 0.2], [-0.3, 2]];
    const J = (await ctx().jacobian(f, w)) as number[][][];
    expect(J.length).toBe(2);
    expect(relInf(J, [[[2, 0.3], [-0.2, 1.5]], [[0, Math.exp(0.2)], [0, 0]]])).toBeLessThanOrEqual(1e-9);
  });

  it('jvp costs 2·8 evaluations per direction plus f(x), whatever n (counted)', async () => {
    for (const n of [4, 64]) {
      let calls = 0;
      const f = (x: number[]) => {
        calls++;
        return x.reduce((s, v, i) => s + (i + 1) * v * v, 0);
      };
      const x = Array.from({ length: n }, (_, i) => 0.1 * (i + 1));
      const v = Array.from({ length: n }, (_, i) => (i % 3) - 1);
      const ref = x.reduce((s, xi, i) => s + 2 * (i + 1) * xi * v[i], 0);
      const d = (await ctx().jvp(f, x, v, { detail: true })) as EntriesDetail;
      expect(calls).toBe(17);
      expect(d.evaluations).toBe(17);
      expect(Math.abs((d.value as number) - ref) / Math.abs(ref)).toBeLessThan(1e-9);
      calls = 0;
      await ctx().jvp(f, x, [v, v, v]);
      expect(calls).toBe(1 + 3 * 16);
    }
  });
}, ['cpu']);

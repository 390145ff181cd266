// The chapter's computations, run on two contexts side by side: `cpu` (the float64
// reference) and `gpu` (an 'auto' context: WebGPU in float32 when an adapter is found).
// Only numbers here; report.ts prints them and figures.ts draws them.
import type { Context } from 'numgrad';
import type { DescentResult } from 'numgrad';
import { makeLinearRegression, regressionGradient, regressionLoss } from 'numgrad';
import {
  linearRegressionDescent, manualGradient, manualGradientDescent, manualLossExpr, normalEquations, regressionCost,
  type LinearRegressionResult, type ManualDescentResult,
} from 'numgrad';
import { arange, BOOK, F1, F2 } from './book';

/** One quantity on both contexts. */
export interface Side<T> {
  cpu: T;
  gpu: T;
}

export interface BackendInfo {
  backend: 'webgpu' | 'cpu';
  adapter: string | null;
  fallbackReason: string | null;
}

export interface RegressionSetup {
  m: number;
  trueTheta: number[];
  noiseStd: number;
  seed: number;
  bgd: { lr: number; epochs: number };
  sgd: { lr: number; epochs: number; seed: number };
}

/**
 * A small problem on which, per epoch, SGD (32 updates) falls faster at first and then jitters
 * around θ* while BGD (one update, lr 1.5 < 2/λmax(XᵀX/m) ≈ 1.8) converges steadily past it.
 */
export const REGRESSION: RegressionSetup = {
  m: 32,
  trueTheta: [0.5, 2, -1],
  noiseStd: 0.1,
  seed: 4,
  bgd: { lr: 1.5, epochs: 40 },
  sgd: { lr: 0.1, epochs: 40, seed: 1 },
};

export interface ChapterResults {
  auto: BackendInfo;
  derivative: { x: number; value: Side<number>; book: number; exact: number }[];
  tangent: { x: number; line: Side<{ slope: number; intercept: number }> }[];
  partial: { name: string; f: string; x: number; value: Side<number>; book: number; exact: number }[];
  gradient: { x: number[]; value: Side<number[]>; book: number[] }[];
  quiver: { points: [number, number][]; grad: Side<number[][]> };
  descent: { lr: number; run: Side<DescentResult<number[]>>; book: number[] }[];
  simpleNet: {
    predict: Side<number[]>;
    loss: Side<number>;
    dW: Side<number[][]>;
    gradCheck: Side<string>;
  };
  regression: {
    setup: RegressionSetup;
    thetaStar: number[];
    /** J(θ*) in float64: the least loss any θ reaches */
    lossStar: number;
    /** numerical ∇J at θ = 0 on both contexts vs the analytic float64 regressionGradient */
    gradAtZero: Side<number[]>;
    analyticGradAtZero: number[];
    bgd: Side<LinearRegressionResult>;
    sgd: Side<LinearRegressionResult>;
    manual: ManualDescentResult & { x: number[]; y: number[]; gradAtStart: Side<number>; manualGradAtStart: number };
  };
  directional: { x: number[]; items: { label: string; v: number[]; value: Side<number>; exact: number }[] };
  /** wall time of each section, ms */
  timings: Record<string, number>;
}

async function both<T>(cpu: Context, gpu: Context, op: (ctx: Context) => Promise<T>): Promise<Side<T>> {
  const [a, b] = await Promise.all([op(cpu), op(gpu)]);
  return { cpu: a, gpu: b };
}

export function backendInfo(ctx: Context): BackendInfo {
  const a = ctx.adapterInfo;
  return {
    backend: ctx.backend,
    adapter: a ? [a.vendor || '?', a.architecture || '?', a.description || a.device || '?'].join(' / ') : null,
    fallbackReason: ctx.fallbackReason,
  };
}

/** The quiver grid: x0, x1 ∈ arange(−2, 2.5, 0.25), as the book's meshgrid flattened (x0 fastest). */
export function quiverGrid(): [number, number][] {
  const r = arange(-2, 2.5, 0.25);
  return r.flatMap((x1) => r.map((x0) => [x0, x1] as [number, number]));
}

/** Runs every section of the chapter on both contexts. */
export async function runChapter(cpu: Context, gpu: Context): Promise<ChapterResults> {
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, op: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await op();
    } finally {
      timings[name] = performance.now() - t0;
    }
  };
  const on = <T>(op: (ctx: Context) => Promise<T>) => both(cpu, gpu, op);
  const f1 = cpu.fn(F1);
  const f2 = cpu.fn(F2);

  const derivative = await timed('derivative', async () => {
    const v = await on((c) => c.numericalDiff(f1, BOOK.diff.map((d) => d.x))); // both points in one call
    return BOOK.diff.map((d, i) => ({ x: d.x, value: { cpu: v.cpu[i], gpu: v.gpu[i] }, book: d.value, exact: d.exact }));
  });
  const tangent = await timed('tangent', () =>
    Promise.all(BOOK.diff.map(async (d) => ({ x: d.x, line: await on((c) => c.tangentLine(f1, d.x)) }))));
  const partial = await timed('partial', () =>
    Promise.all(BOOK.partial.map(async (p) => ({
      name: p.name, f: p.f, x: p.x, book: p.value, exact: p.exact,
      value: await on((c) => c.numericalDiff(p.f, p.x)),
    }))));
  const gradient = await timed('gradient', () =>
    Promise.all(BOOK.gradient.map(async (g) => ({
      x: [...g.x], book: [...g.value],
      value: await on((c) => c.numericalGradient(f2, [...g.x])),
    }))));
  const quiver = await timed('quiver', async () => {
    const points = quiverGrid();
    return { points, grad: await on((c) => c.numericalGradient(f2, points, { batch: true }) as Promise<number[][]>) };
  });
  const descent = await timed('descent', () =>
    Promise.all(BOOK.descent.map(async (d) => ({
      lr: d.lr, book: [...d.value],
      run: await on((c) => c.gradientDescent(f2, [...BOOK.descentStart], { lr: d.lr, steps: BOOK.descentSteps, history: true })),
    }))));
  const simpleNet = await timed('simpleNet', () => simpleNetSection(cpu, gpu));
  const regression = await timed('regression', () => regressionSection(cpu, gpu));
  const directional = await timed('directional', () => directionalSection(cpu, gpu));
  return { auto: backendInfo(gpu), derivative, tangent, partial, gradient, quiver, descent, simpleNet, regression, directional, timings };
}

async function simpleNetSection(cpu: Context, gpu: Context): Promise<ChapterResults['simpleNet']> {
  const { W, x, t } = BOOK.simpleNet;
  const nets = { cpu: cpu.simpleNet({ W }), gpu: gpu.simpleNet({ W }) };
  const each = async <T>(op: (ctx: Context, net: typeof nets.cpu) => Promise<T>): Promise<Side<T>> => {
    const [a, b] = await Promise.all([op(cpu, nets.cpu), op(gpu, nets.gpu)]);
    return { cpu: a, gpu: b };
  };
  return {
    predict: await each((_, n) => n.predict([...x]) as Promise<number[]>),
    loss: await each((_, n) => n.loss([...x], [...t])),
    dW: await each((_, n) => n.numericalGradient([...x], [...t])),
    gradCheck: await each(async (c, n) => (await c.gradCheck(n, [...x], [...t])).toString()),
  };
}

async function regressionSection(cpu: Context, gpu: Context): Promise<ChapterResults['regression']> {
  const s = REGRESSION;
  const data = makeLinearRegression({ n: s.m, theta: s.trueTheta, noiseStd: s.noiseStd, seed: s.seed });
  const zero = new Array<number>(data.X.cols).fill(0);
  const gradAtZero = await both(cpu, gpu, (c) => c.numericalGradient(regressionCost(c, data.X, data.y), zero) as Promise<number[]>);
  const bgd = await both(cpu, gpu, (c) => linearRegressionDescent(c, { X: data.X, y: data.y, mode: 'batch', ...s.bgd }));
  const sgd = await both(cpu, gpu, (c) => linearRegressionDescent(c, { X: data.X, y: data.y, mode: 'stochastic', ...s.sgd }));
  const x = [1, 2, 3];
  const y = [2, 4, 6];
  const man = manualGradientDescent({ x, y, w0: 1, lr: 0.01, epochs: 100 });
  const expr = manualLossExpr(x, y);
  const thetaStar = normalEquations(data.X, data.y);
  return {
    setup: s,
    thetaStar,
    lossStar: regressionLoss(data.X, data.y, thetaStar),
    gradAtZero,
    analyticGradAtZero: Array.from(regressionGradient(data.X, data.y, zero)),
    bgd,
    sgd,
    manual: { ...man, x, y, manualGradAtStart: manualGradient(x, y, 1), gradAtStart: await both(cpu, gpu, (c) => c.numericalDiff(expr, 1)) },
  };
}

async function directionalSection(cpu: Context, gpu: Context): Promise<ChapterResults['directional']> {
  // at (3, 4) ∇f = (6, 8): the slope is largest along ∇f itself (= ‖∇f‖ = 10), zero across it
  const x = [3, 4];
  const dirs = [
    { label: 'along (1, 1)', v: [1, 1], exact: 14 / Math.SQRT2 },
    { label: 'along ∇f = (6, 8)', v: [6, 8], exact: 10 },
    { label: 'across ∇f: (−4, 3)', v: [-4, 3], exact: 0 },
  ];
  const items = await Promise.all(dirs.map(async (d) => ({
    ...d, value: await both(cpu, gpu, (c) => c.directionalDerivative(F2, x, d.v) as Promise<number>),
  })));
  return { x, items };
}

// The chapter's sections, each a function of the two contexts it runs on that returns plain
// data (numbers, strings, booleans): the CLI report prints it, the web page renders it, the
// figures draw it. Browser-safe: nothing here imports node:.
import type { DescentResult } from 'numgrad';
import { arange, BOOK, F1, F2 } from './book';
import { both, type Contexts, type Side } from './sides';
import type { Context } from 'numgrad';

/** The book's fixed h = 1e-4 on the float64 side, so its printed values reproduce bit for bit;
 *  the GPU side uses numgrad's default (the step ladder). */
const bookOnCpu = (ctx: Context) => (ctx.backend === 'cpu' ? { h: 'book' as const } : {});

export type Line = { slope: number; intercept: number };
export type DerivativeResult = { x: number; value: Side<number>; book: number; exact: number }[];
export type TangentResult = { x: number; line: Side<Line> }[];
export type PartialResult = { name: string; f: string; x: number; value: Side<number>; book: number; exact: number }[];
export type GradientResult = { x: number[]; value: Side<number[]>; book: number[] }[];
export interface QuiverResult {
  points: [number, number][];
  grad: Side<number[][]>;
}
export type DescentSectionResult = { lr: number; run: Side<DescentResult<number[]>>; book: number[] }[];
export interface SimpleNetResult {
  predict: Side<number[]>;
  loss: Side<number>;
  dW: Side<number[][]>;
  gradCheck: Side<{ ok: boolean; text: string }>;
}
export interface DirectionalResult {
  x: number[];
  items: { label: string; v: number[]; value: Side<number>; exact: number }[];
}

/** numerical_diff of the book's function_1 at 5 and 10, both points in one call. */
export async function derivativeSection(c: Contexts): Promise<DerivativeResult> {
  const f1 = c.cpu.fn(F1);
  const v = await both(c, (ctx) => ctx.numericalDiff(f1, BOOK.diff.map((d) => d.x), bookOnCpu(ctx)) as Promise<number[]>);
  return BOOK.diff.map((d, i) => ({ x: d.x, value: { cpu: v.cpu[i], gpu: v.gpu[i] }, book: d.value, exact: d.exact }));
}

/** tangent_line of function_1 at 5 and 10. */
export function tangentSection(c: Contexts): Promise<TangentResult> {
  const f1 = c.cpu.fn(F1);
  return Promise.all(BOOK.diff.map(async (d) => ({ x: d.x, line: await both(c, (ctx) => ctx.tangentLine(f1, d.x, bookOnCpu(ctx))) })));
}

/** function_tmp1 and function_tmp2: x0² + x1² with one variable fixed. */
export function partialSection(c: Contexts): Promise<PartialResult> {
  return Promise.all(BOOK.partial.map(async (p) => ({
    name: p.name, f: p.f, x: p.x, book: p.value, exact: p.exact,
    value: await both(c, (ctx) => ctx.numericalDiff(p.f, p.x, bookOnCpu(ctx)) as Promise<number>),
  })));
}

/** numerical_gradient of x0² + x1² at the book's three points. */
export function gradientSection(c: Contexts): Promise<GradientResult> {
  const f2 = c.cpu.fn(F2);
  return Promise.all(BOOK.gradient.map(async (g) => ({
    x: [...g.x], book: [...g.value],
    value: await both(c, (ctx) => ctx.numericalGradient(f2, [...g.x], bookOnCpu(ctx)) as Promise<number[]>),
  })));
}

/** The quiver grid: x0, x1 ∈ arange(−2, 2.5, 0.25), as the book's meshgrid flattened (x0 fastest). */
export function quiverGrid(): [number, number][] {
  const r = arange(-2, 2.5, 0.25);
  return r.flatMap((x1) => r.map((x0) => [x0, x1] as [number, number]));
}

/** ∇(x0² + x1²) over the quiver grid, one batched call per context. */
export async function quiverSection(c: Contexts): Promise<QuiverResult> {
  const points = quiverGrid();
  const f2 = c.cpu.fn(F2);
  return { points, grad: await both(c, (ctx) => ctx.numericalGradient(f2, points, { batch: true }) as Promise<number[][]>) };
}

/** gradient_descent from (−3, 4), 100 steps, for each of the book's learning rates (fresh init_x each). */
export function descentSection(c: Contexts): Promise<DescentSectionResult> {
  const f2 = c.cpu.fn(F2);
  return Promise.all(BOOK.descent.map(async (d) => ({
    lr: d.lr, book: [...d.value],
    run: await both(c, (ctx) => ctx.gradientDescent(f2, [...BOOK.descentStart], { lr: d.lr, steps: BOOK.descentSteps, history: true }) as Promise<DescentResult<number[]>>),
  })));
}

/** The book's simpleNet with its printed W: predict, loss, numerical dW, and gradCheck against backprop. */
export async function simpleNetSection(c: Contexts): Promise<SimpleNetResult> {
  const { W, x, t } = BOOK.simpleNet;
  const s = await both(c, async (ctx) => {
    const net = ctx.simpleNet({ W });
    const predict = await net.predict([...x]) as number[];
    const loss = await net.loss([...x], [...t]);
    const dW = await net.numericalGradient([...x], [...t]);
    const check = await ctx.gradCheck(net, [...x], [...t]);
    return { predict, loss, dW, gradCheck: { ok: check.ok, text: check.toString() } };
  });
  const pick = <K extends keyof typeof s.cpu>(k: K): Side<(typeof s.cpu)[K]> => ({ cpu: s.cpu[k], gpu: s.gpu[k] });
  return { predict: pick('predict'), loss: pick('loss'), dW: pick('dW'), gradCheck: pick('gradCheck') };
}

/** Directional derivatives of x0² + x1² at (3, 4): the slope is largest along ∇f = (6, 8), zero across it. */
export async function directionalSection(c: Contexts): Promise<DirectionalResult> {
  const x = [3, 4];
  const dirs = [
    { label: 'along (1, 1)', v: [1, 1], exact: 14 / Math.SQRT2 },
    { label: 'along ∇f = (6, 8)', v: [6, 8], exact: 10 },
    { label: 'across ∇f: (−4, 3)', v: [-4, 3], exact: 0 },
  ];
  const items = await Promise.all(dirs.map(async (d) => ({
    ...d, value: await both(c, (ctx) => ctx.directionalDerivative(F2, x, d.v) as Promise<number>),
  })));
  return { x, items };
}

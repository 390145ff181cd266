import type { Runner } from '../../core/backend';
import { ArgumentError } from '../../core/errors';
import { arity, toFunction } from '../../functions/fn';
import { describeValue, nest, readOptions, readPoints, readTensor, type NestedOut } from '../../core/input';
import type { FunctionInput } from '../diff/api';
import type { Stencil, Step } from '../../core/steps';
import { descentOp } from './ops';
import { checkGpuRange, checkStencil, checkStep } from '../../core/steps';

export interface DescentOptions {
  /** learning rate (default 0.01, the book's) */
  lr?: number;
  /** number of updates (default 100, the book's step_num) */
  steps?: number;
  /** also return every x visited: steps + 1 points, the first being initX */
  history?: boolean;
  h?: Step;
  stencil?: Stencil;
  /** the shape of a typed-array initX */
  shape?: number[];
}

export interface DescentResult<T = NestedOut> {
  /** the final x, in initX's nesting (the last finite x when the run stopped early) */
  x: T;
  /** each x visited, in initX's nesting: stepsDone + 1 entries */
  history?: T[];
  /** true when x became non-finite, |xᵢ| > 1e30, or ‖x‖ > 1e6·max(1, ‖x₀‖) at some step */
  diverged: boolean;
  /** the first step (1-based) meeting that rule, or null */
  divergedAt: number | null;
  /** true when the run stopped early (non-finite or |xᵢ| > 1e30): the last step was not applied */
  stopped: boolean;
  /** updates applied */
  steps: number;
  /** steps in which some gradient component vanished because x ± h rounded to x */
  vanishedSteps: number;
  firstVanishedAt: number | null;
  backend: 'cpu' | 'webgpu';
}

// Every accepted key, checked against DescentOptions both ways by the compiler.
const DESCENT_KEYS: Record<keyof DescentOptions, true> = { lr: true, steps: true, history: true, h: true, stencil: true, shape: true };

/**
 * The book's gradient_descent, on a fresh copy of initX (the caller's array is never
 * changed). Divergence is reported, not hidden (see DescentResult).
 */
export async function gradientDescent(ctx: Runner, f: FunctionInput, initX: unknown, options?: DescentOptions): Promise<DescentResult> {
  const opts = readOptions<DescentOptions>(options, Object.keys(DESCENT_KEYS), 'gradientDescent', ['history']);
  const fn = toFunction(f);
  const t = readTensor(initX, 'initX', opts.shape);
  const pts = readPoints(t, arity(fn), false, 'initX');
  const lr = opts.lr ?? 0.01;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) throw new ArgumentError('lr', `expected a positive finite learning rate, got ${describeValue(lr)}`);
  const steps = opts.steps ?? 100;
  if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 0) throw new ArgumentError('steps', `expected a non-negative integer, got ${describeValue(steps)}`);
  const job = {
    f: fn, x0: pts.data, pointShape: pts.pointShape, lr, steps, history: opts.history === true,
    h: checkStep(opts.h), stencil: checkStencil(opts.stencil),
  };
  if (ctx.backend === 'webgpu') {
    // the device holds x, h and lr in float32 (descent_step.wgsl forms x ± h there)
    if (!Number.isFinite(Math.fround(lr))) {
      throw new ArgumentError('lr', `${lr} is beyond float32's range (±3.4028235e38) on the webgpu backend; use the cpu backend (float64) for it`);
    }
    checkGpuRange(pts.data, pts.shape, 'initX', job.h, job.stencil);
  }
  const out = await ctx.exec(descentOp, job);
  const n = pts.n;
  const res: DescentResult = {
    x: nest(out.x, pts.shape),
    diverged: out.divergedAt !== null,
    divergedAt: out.divergedAt,
    stopped: out.stopped,
    steps: out.stepsDone,
    vanishedSteps: out.vanishedSteps,
    firstVanishedAt: out.firstVanishedAt,
    backend: ctx.backend,
  };
  if (out.history) {
    res.history = [];
    for (let k = 0; k * n < out.history.length; k++) res.history.push(nest(out.history, pts.shape, k * n));
  }
  return res;
}

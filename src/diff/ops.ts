import type { DiffFunction } from '../fn';

/** A step: a number (every parameter) or 'auto' (the backend's policy, see steps.ts). */
export type Step = number | 'auto';
export type Stencil = 3 | 5;

/** rows points of n parameters each, row-major in `x`. */
export interface PointsJob {
  f: DiffFunction;
  x: Float64Array;
  rows: number;
  n: number;
  /** the shape of one point, for JS functions (which see their argument nested) */
  pointShape: number[];
}

export interface GradientJob extends PointsJob {
  h: Step;
  stencil: Stencil;
}

export interface GradientOut {
  /** rows·n partial derivatives, row-major */
  grad: Float64Array;
  /** flat indices (r·n + j) of components whose step vanished (x ± h rounded to x), first 100 */
  vanished: number[];
  vanishedCount: number;
}

export interface DescentJob {
  f: DiffFunction;
  x0: Float64Array;
  pointShape: number[];
  lr: number;
  steps: number;
  history: boolean;
  h: Step;
  stencil: Stencil;
}

export interface DescentOut {
  /** the final x; when the run stopped on a non-finite or |x| > 1e30 value, the last x before it */
  x: Float64Array;
  /** (stepsDone + 1) · n values when asked for */
  history: Float64Array | null;
  /** updates applied */
  stepsDone: number;
  /** first step (1-based) after which x was non-finite, beyond 1e30, or ‖x‖ > 1e6·max(1, ‖x₀‖) */
  divergedAt: number | null;
  /** true when the run stopped early (non-finite or |x| > 1e30) */
  stopped: boolean;
  /** steps in which at least one gradient component vanished (x ± h rounded to x) */
  vanishedSteps: number;
  firstVanishedAt: number | null;
}

/** What the differentiation module needs from a backend. */
export interface DiffOps {
  /** f at each point */
  evaluate(job: PointsJob): Promise<Float64Array>;
  /** central-difference gradient at each point */
  gradient(job: GradientJob): Promise<GradientOut>;
  /** plain gradient descent x ← x − lr·∇f(x) */
  descent(job: DescentJob): Promise<DescentOut>;
}

/** Divergence thresholds shared by both paths (documented in the README of optim). */
export const HARD_LIMIT = 1e30;
export const EXPLODE_FACTOR = 1e6;
export const MAX_VANISHED_LISTED = 100;

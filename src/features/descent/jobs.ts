import type { DiffFunction } from '../../functions/fn';
import type { Stencil, Step } from '../../core/steps';

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

/** Divergence thresholds shared by both paths (see docs/design.md, descent). */
export const HARD_LIMIT = 1e30;
export const EXPLODE_FACTOR = 1e6;

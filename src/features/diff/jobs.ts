import type { DiffFunction } from '../../functions/fn';

import type { Stencil, Step } from '../../core/steps';

export type { Stencil, Step };

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
  /** with the ladder ('auto'): estimated absolute error, the step used and a status code per component */
  error?: Float64Array;
  step?: Float64Array;
  status?: Uint32Array;
}

/** Vanished components listed individually (the count is always exact). */
export const MAX_VANISHED_LISTED = 100;

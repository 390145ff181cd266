// ctx.gradCheck: a numerical gradient against an analytic one, worst element named.
import type { Runner } from '../../core/backend';
import type { NumericInput } from '../../core/input';
import type { FunctionInput } from '../diff/api';
import type { Net } from '../nn/net';
import { gradCheck, type GradCheckOptions, type GradCheckReport } from './gradcheck';

export interface CheckMethods {
  /**
   * Numerical vs analytic gradient, element by element: gradCheck(net, x, t, opts) or
   * gradCheck(f, x, opts). The analytic default is the net's backprop (exact, the 1e-7 in the
   * log included) or the expression's symbolic gradient.
   */
  gradCheck(net: Net, x: unknown, t: unknown, opts?: GradCheckOptions): Promise<GradCheckReport>;
  gradCheck(f: FunctionInput, x: NumericInput, opts?: GradCheckOptions): Promise<GradCheckReport>;
}

export const checkMethods = {
  gradCheck(this: Runner, target: unknown, x: unknown, tOrOpts?: unknown, opts?: GradCheckOptions) {
    return gradCheck(this, target, x, tOrOpts, opts);
  },
};

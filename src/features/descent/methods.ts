// ctx.gradientDescent: the book's gradient_descent on either path.
import type { Runner } from '../../core/backend';
import type { NumericInput } from '../../core/input';
import type { FunctionInput, Like } from '../diff/api';
import { gradientDescent, type DescentOptions, type DescentResult } from './api';

export interface DescentMethods {
  /** The book's gradient descent on a fresh copy of initX; divergence and vanished steps reported. */
  gradientDescent<X extends NumericInput>(f: FunctionInput, initX: X, opts?: DescentOptions): Promise<DescentResult<Like<X>>>;
}

export const descentMethods = {
  gradientDescent(this: Runner, f: FunctionInput, initX: NumericInput, opts?: DescentOptions) {
    return gradientDescent(this, f, initX, opts);
  },
};

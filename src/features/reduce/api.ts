// ctx.sum: a deterministic pairwise sum on either path (the GPU kernel is also used by nn).
import type { Op, Runner } from '../../core/backend';
import { pairwiseSum } from './cpu';
import { gpuSum } from './gpu';

export const sumOp: Op<Float64Array, number> = {
  name: 'sum',
  cpu: (values) => pairwiseSum(values),
  webgpu: gpuSum,
};

export interface ReduceMethods {
  /** Sum with a deterministic pairwise order on either backend. */
  sum(values: ArrayLike<number>): Promise<number>;
}

export const reduceMethods = {
  sum(this: Runner, values: ArrayLike<number>) {
    return this.exec(sumOp, Float64Array.from(values));
  },
};

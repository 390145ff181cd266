import type { Backend } from '../backend';
import { pairwiseSum } from './sum';

/** The float64 reference path: plain JavaScript, no device. */
export class CpuBackend implements Backend {
  readonly kind = 'cpu' as const;
  readonly adapterInfo = null;
  readonly limits = {};

  async sum(values: Float64Array): Promise<number> {
    return pairwiseSum(values);
  }

  async dispose(): Promise<void> {}
}

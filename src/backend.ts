import type { DiffOps } from './diff/ops';
import type { NnOps } from './nn/ops';
import type { AdapterInfo } from './webgpu/device';

/**
 * What both execution paths implement. The CPU backend (float64) is the reference; the
 * WebGPU backend (float32) must agree with it within the numerics policy of DESIGN.md.
 * Concern folders add their operations by extending this interface (see diff/, nn/).
 */
export interface CoreOps {
  /** Deterministic pairwise sum. */
  sum(values: Float64Array): Promise<number>;
}

export interface Backend extends CoreOps, DiffOps, NnOps {
  readonly kind: 'cpu' | 'webgpu';
  readonly adapterInfo: AdapterInfo | null;
  readonly limits: Readonly<Record<string, number>>;
  dispose(): Promise<void>;
}

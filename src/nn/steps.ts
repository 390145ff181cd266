// Step policy of the nets' numerical gradients (see DESIGN.md, numerics policy).
import { ArgumentError } from '../errors';
import type { GradMethod } from './ops';

/** The book's h, used by the float64 CPU path for 'auto'. */
export const CPU_NET_AUTO_H = 1e-4;
/**
 * 'auto' for the structured GPU path. Its differences are formed without cancellation, so
 * float32 rounding no longer grows as h shrinks and only the truncation error (∝ h²) is
 * left: a small step is best. Measured on random 784-50-10 nets (see the report in
 * test/nn-gpu-accuracy.test.ts): 1e-4 and 1e-5 both reach the float32 floor.
 */
export const GPU_STRUCTURED_AUTO_H = 1e-4;
/** 'auto' for the generic (naive float32) path: ∛ε, the best step for central differences in float32. */
export const GPU_GENERIC_AUTO_H = Math.cbrt(2 ** -23);

export type NetStep = number | 'auto';

export function checkNetStep(h: unknown): NetStep {
  if (h === undefined || h === 'auto') return 'auto';
  if (typeof h !== 'number' || !Number.isFinite(h) || h <= 0) {
    throw new ArgumentError('h', `expected 'auto' or a finite step > 0, got ${String(h)}`);
  }
  if (!(Math.fround(h) > 0)) throw new ArgumentError('h', `${h} underflows to 0 in float32`);
  return h;
}

export function checkMethod(m: unknown): GradMethod {
  if (m === undefined || m === 'structured') return 'structured';
  if (m === 'generic') return 'generic';
  throw new ArgumentError('method', `expected 'structured' or 'generic', got ${JSON.stringify(m)}`);
}

/** The step a backend uses for `h` with `method`. */
export function resolveNetStep(h: NetStep, backend: 'cpu' | 'webgpu', method: GradMethod): number {
  if (h !== 'auto') return h;
  if (backend === 'cpu') return CPU_NET_AUTO_H;
  return method === 'structured' ? GPU_STRUCTURED_AUTO_H : GPU_GENERIC_AUTO_H;
}

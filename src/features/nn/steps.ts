// Validation of the nets' step and method options; the constants live in core/steps.ts.
import { ArgumentError } from '../../core/errors';
import { describeValue } from '../../core/input';
import { CPU_NET_AUTO_H, GPU_GENERIC_AUTO_H, GPU_STRUCTURED_AUTO_H } from '../../core/steps';
import type { GradMethod } from './ops';

export type NetStep = number | 'auto';

export function checkNetStep(h: unknown): NetStep {
  if (h === undefined || h === 'auto') return 'auto';
  if (typeof h !== 'number' || !Number.isFinite(h) || h <= 0) {
    throw new ArgumentError('h', `expected 'auto' or a finite step > 0, got ${describeValue(h)}`);
  }
  if (!(Math.fround(h) > 0)) throw new ArgumentError('h', `${h} underflows to 0 in float32`);
  return h;
}

export function checkMethod(m: unknown): GradMethod {
  if (m === undefined || m === 'structured') return 'structured';
  if (m === 'generic') return 'generic';
  throw new ArgumentError('method', `expected 'structured' or 'generic', got ${describeValue(m)}`);
}

/** The step a backend uses for `h` with `method`. */
export function resolveNetStep(h: NetStep, backend: 'cpu' | 'webgpu', method: GradMethod): number {
  if (h !== 'auto') return h;
  if (backend === 'cpu') return CPU_NET_AUTO_H;
  return method === 'structured' ? GPU_STRUCTURED_AUTO_H : GPU_GENERIC_AUTO_H;
}

import { ArgumentError } from './errors';
import { describeValue, elementName } from './input';

/** A step: a number (every parameter) or 'auto' (the backend's policy, below). */
export type Step = number | 'auto' | 'book';
export type Stencil = 3 | 5;

/** float32 machine epsilon (2⁻²³). */
export const EPS_F32 = 2 ** -23;

/**
 * 'auto' step on the GPU (float32), per parameter: hᵢ = c·max(|xᵢ|, 1).
 * 3-point: c = ∛ε ≈ 4.92e-3 balances the truncation error h²|f‴|/6 against the rounding
 * error ≈ ε|f|/h. 5-point: the truncation error is h⁴|f⁽⁵⁾|/30, so the balance moves to
 * c ≈ 1.1·ε^(1/5) ≈ 0.045; it was measured on exp, tanh and sigmoid (test/diff.test.ts, "accuracy").
 */
export const GPU_C3 = Math.cbrt(EPS_F32);
export const GPU_C5 = 0.045;

/** The book's step, h = 1e-4: float64 central differences, so its printed values reproduce. */
export const BOOK_H = 1e-4;
/** 'auto' step on the CPU (float64) for black-box functions: the book's. */
export const CPU_AUTO_H = BOOK_H;

// --- networks (src/features/nn) ---
/** 'auto' for the nets on the float64 CPU path: the book's h. */
export const CPU_NET_AUTO_H = BOOK_H;
/**
 * 'auto' for the structured GPU path. Its differences are formed without cancellation, so
 * float32 rounding no longer grows as h shrinks and only the truncation error (∝ h²) is
 * left: a small step is best. Measured on random 784-50-10 nets (test/nn-gpu-accuracy.test.ts):
 * 1e-4 and 1e-5 both reach the float32 floor, so the book's value is kept.
 */
export const GPU_STRUCTURED_AUTO_H = BOOK_H;
/** 'auto' for the generic (naive float32) net path: ∛ε, as for black-box 3-point differences. */
export const GPU_GENERIC_AUTO_H = GPU_C3;

export function gpuAutoStep(x: number, stencil: Stencil): number {
  return (stencil === 5 ? GPU_C5 : GPU_C3) * Math.max(Math.abs(x), 1);
}

export function checkStep(h: unknown): Step {
  if (h === undefined || h === 'auto') return 'auto';
  if (h === 'book') return 'book';
  if (typeof h !== 'number' || !Number.isFinite(h) || h <= 0) {
    throw new ArgumentError('h', `expected 'auto' (the step ladder), 'book' (h = 1e-4) or a positive finite step, got ${describeValue(h)}`);
  }
  return h;
}

export function checkStencil(s: unknown): Stencil {
  if (s === undefined) return 3;
  if (s !== 3 && s !== 5) throw new ArgumentError('stencil', `expected 3 or 5 (points of the central difference), got ${describeValue(s)}`);
  return s;
}

/** The largest finite float32, 2¹²⁸ − 2¹⁰⁴ ≈ 3.4028235e38. */
export const F32_MAX = 3.4028234663852886e38;
const F32_RANGE = "float32's range (±3.4028235e38)";
const USE_CPU = 'use the cpu backend (float64) for it';

/**
 * The GPU path rounds x (and x ± h, x ± 2h) to float32, where a finite float64 beyond
 * ±3.4028235e38 becomes ±Infinity and the result a silent NaN. Refuses, naming the element:
 * x itself out of range, or (h given) a perturbed point that would be. `h: null` checks x
 * only (evaluate). Call only for the webgpu backend: the CPU path takes any finite float64.
 */
export function checkGpuRange(data: ArrayLike<number>, shape: readonly number[], name: string, h: Step | null, stencil: Stencil, maxAbs?: number): void {
  if (typeof h === 'number' && !Number.isFinite(Math.fround(h))) {
    throw new ArgumentError('h', `${h} is beyond ${F32_RANGE}, which the webgpu backend computes in; ${USE_CPU}`);
  }
  const reach = stencil === 5 ? 2 : 1;
  // the common case in one plain pass: every |x| (and |x| + reach·h) far inside float32's range
  let big = maxAbs ?? 0;
  if (maxAbs === undefined) {
    for (let i = 0; i < data.length; i++) {
      const a = Math.abs(data[i]);
      if (a > big) big = a;
    }
  }
  const hMax = h === null ? 0 : h === 'auto' ? Math.max(GPU_C3, GPU_C5) * Math.max(big, 1) : h === 'book' ? BOOK_H : h;
  if (big + reach * hMax < F32_MAX / 2) return;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    const x32 = Math.fround(v);
    if (!Number.isFinite(x32)) {
      throw new ArgumentError(name, `${elementName(name, i, shape)} is ${v}, beyond ${F32_RANGE} on the webgpu backend; ${USE_CPU}`);
    }
    if (h === null) continue;
    const hi = h === 'auto' ? gpuAutoStep(x32, stencil) : h === 'book' ? BOOK_H : h;
    const d = reach * hi;
    if (!Number.isFinite(Math.fround(x32 + d)) || !Number.isFinite(Math.fround(x32 - d))) {
      const sign = x32 > 0 ? '+' : '−';
      throw new ArgumentError(name, `${elementName(name, i, shape)} is ${v}: x ${sign} ${reach === 2 ? '2h' : 'h'} (h = ${hi.toPrecision(5)}${h === 'auto' ? `, 'auto'` : ''}) ` +
        `is beyond ${F32_RANGE} on the webgpu backend; ${USE_CPU}${h === 'auto' ? '' : ' or a smaller h'}`);
    }
  }
}

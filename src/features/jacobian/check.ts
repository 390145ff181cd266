// jacobianCheck / hessianCheck: a user's analytic matrix against numgrad's, element by
// element, with each element's tolerance from its error estimate; the worst one named.
import type { Runner } from '../../core/backend';
import { ArgumentError } from '../../core/errors';
import { readOptions, readTensor, unravel, type NumericInput } from '../../core/input';
import type { FunctionInput } from '../diff/api';
import { hessian, jacobian, type VectorFunctionInput } from './api';
import type { EntriesDetail } from './shape';

export interface MatrixCheckOptions {
  /** relative tolerance on top of the error estimate (default 1e-6 CPU, 1e-3 GPU) */
  rtol?: number;
  /** absolute tolerance, times max |numerical| (default 1e-9 CPU, 1e-5 GPU) */
  atol?: number;
}

export interface MatrixCheckElement {
  index: number[];
  numerical: number;
  analytic: number;
  /** |numerical − analytic| */
  difference: number;
  /** 4·(estimated error) + rtol·|numerical| + atol·max|numerical| */
  tolerance: number;
}

export interface MatrixCheckReport {
  ok: boolean;
  /** the element with the largest difference / tolerance */
  worst: MatrixCheckElement;
  /** elements over their tolerance: how many, and the first 10 */
  failures: { count: number; first: MatrixCheckElement[] };
  backend: 'cpu' | 'webgpu';
}

const flat = (v: unknown): number[] => (typeof v === 'number' ? [v] : (v as unknown[]).flatMap(flat));

export async function matrixCheck(ctx: Runner, kind: 'jacobian' | 'hessian', f: VectorFunctionInput, x: NumericInput, analytic: NumericInput, options?: MatrixCheckOptions): Promise<MatrixCheckReport> {
  const opts = readOptions<MatrixCheckOptions>(options, ['rtol', 'atol'], `${kind}Check`);
  for (const k of ['rtol', 'atol'] as const) {
    const v = opts[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) throw new ArgumentError(k, `expected a finite number ≥ 0, got ${String(v)}`);
  }
  const a = readTensor(analytic, 'analytic');
  const d = (await (kind === 'jacobian' ? jacobian : hessian)(ctx, f as FunctionInput, x, { detail: true })) as EntriesDetail;
  const num = flat(d.value), err = flat(d.error);
  const shape: number[] = [];
  for (let v: unknown = d.value; Array.isArray(v); v = v[0]) shape.push(v.length);
  if (a.data.length !== num.length) {
    throw new ArgumentError('analytic', `has shape [${a.shape.join(', ')}] (${a.data.length} numbers) but the ${kind} has shape [${shape.join(', ')}]`);
  }
  const gpu = ctx.backend === 'webgpu';
  const rtol = opts.rtol ?? (gpu ? 1e-3 : 1e-6);
  let big = 0;
  for (const v of num) if (Number.isFinite(v)) big = Math.max(big, Math.abs(v));
  const atol = (opts.atol ?? (gpu ? 1e-5 : 1e-9)) * big;
  let worst: MatrixCheckElement | null = null, worstRatio = -1;
  const failures: MatrixCheckReport['failures'] = { count: 0, first: [] };
  for (let k = 0; k < num.length; k++) {
    const e: MatrixCheckElement = {
      index: unravel(k, shape), numerical: num[k], analytic: a.data[k], difference: Math.abs(num[k] - a.data[k]),
      tolerance: 4 * (Number.isFinite(err[k]) ? err[k] : 0) + rtol * Math.abs(num[k]) + atol,
    };
    const ratio = Number.isNaN(e.difference) ? Infinity : e.difference / (e.tolerance || Number.MIN_VALUE);
    if (!(e.difference <= e.tolerance) && failures.count++ < 10) failures.first.push(e);
    if (ratio > worstRatio) {
      worst = e;
      worstRatio = ratio;
    }
  }
  return { ok: failures.count === 0, worst: worst!, failures, backend: ctx.backend };
}

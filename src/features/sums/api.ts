// Which gradients take the structured path: the step ladder ('auto') of an expression whose
// terms' reads are known (src/expr/local.ts), large enough to gain, or with data arrays.
import { ExprFunction } from '../../functions/fn';
import type { GradientJob } from '../diff/jobs';
import { exprSumsConfig } from './config';

export function structuredApplies(job: GradientJob): boolean {
  const f = job.f;
  if (!exprSumsConfig.enabled || job.h !== 'auto' || !(f instanceof ExprFunction) || f.outputs !== 1) return false;
  // bounds on the steps: the diff ladder's own path, which takes them
  if (job.bounds) return false;
  if (job.n < exprSumsConfig.minN && f.data.length === 0) return false;
  return f.expr.localSum() !== null;
}

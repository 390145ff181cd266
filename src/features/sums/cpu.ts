// The structured ladder in float64: per component j, the ladder of L(x, j) (the terms that
// read x_j) instead of f, so the gradient of a sum of n terms costs O(n) term evaluations.
// The loop is the diff ladder's own (ladderLoop), with g = L.
import type { ExprFunction } from '../../functions/fn';
import { ladderLoop } from '../diff/cpu';
import type { GradientJob, GradientOut } from '../diff/jobs';

export function cpuSumsGradient(job: GradientJob): GradientOut {
  const expr = (job.f as ExprFunction).expr;
  return ladderLoop(job, (x, j) => expr.evalLocal(x, j), true);
}

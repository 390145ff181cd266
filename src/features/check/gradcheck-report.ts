// The gradCheck report: per-element |a − n| ≤ atol + rtol·|n| (numpy allclose with the
// numerical gradient as reference), the worst element by name and multi-index, norms,
// and where NaN/Inf appeared (those always fail: a non-finite gradient is the bug to report).
// toString() prints it.
import { unravel } from '../../core/input';
import { closeExcess, fmtTol, isClose } from './allclose';

export interface GradPart {
  name: string;
  shape: number[];
  numerical: ArrayLike<number>;
  analytic: ArrayLike<number>;
}

export interface GradCheckElement {
  /** parameter name (W, W1, b1, W2, b2; x for a function) */
  param: string;
  /** multi-index inside the parameter */
  index: number[];
  analytic: number;
  numerical: number;
  absError: number;
  /** |a − n| / |n| */
  relError: number;
}

export interface NonFiniteElement {
  param: string;
  index: number[];
  analytic: number;
  numerical: number;
}

export interface GradCheckReport {
  ok: boolean;
  /** elements with |a − n| > atol + rtol·|n| (non-finite ones included) */
  failing: number;
  count: number;
  /** the element exceeding its tolerance the most (or the largest error when none fails) */
  worst: GradCheckElement | null;
  maxAbs: number;
  meanAbs: number;
  /** ‖a − n‖ / ‖n‖ over the finite elements */
  normRel: number;
  /** the step of the numerical gradient ('auto': the backend's per-element policy) */
  h: number | 'auto' | 'book';
  rtol: number;
  atol: number;
  /** NaN/±Inf in either gradient (first 100) */
  nonFinite: NonFiniteElement[];
  /** failing elements per parameter */
  failingByParam: Record<string, number>;
  toString(): string;
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toPrecision(6) : String(v));
const idx = (e: { param: string; index: number[] }) => `${e.param}${e.index.map((i) => `[${i}]`).join('')}`;

export function buildReport(parts: GradPart[], h: number | 'auto' | 'book', tol: { rtol: number; atol: number }): GradCheckReport {
  const { rtol, atol } = tol;
  let failing = 0, count = 0, sumAbs = 0, maxAbs = 0, num = 0, den = 0, finite = 0;
  let worst: GradCheckElement | null = null;
  let worstExcess = -Infinity;
  const nonFinite: NonFiniteElement[] = [];
  const failingByParam: Record<string, number> = {};
  for (const p of parts) {
    failingByParam[p.name] = 0;
    for (let i = 0; i < p.numerical.length; i++) {
      count++;
      const a = p.analytic[i], n = p.numerical[i];
      if (!Number.isFinite(a) || !Number.isFinite(n)) {
        failing++;
        failingByParam[p.name]++;
        if (nonFinite.length < 100) nonFinite.push({ param: p.name, index: unravel(i, p.shape), analytic: a, numerical: n });
        continue;
      }
      const d = Math.abs(a - n);
      finite++;
      sumAbs += d;
      maxAbs = Math.max(maxAbs, d);
      num += d * d;
      den += n * n;
      // the one comparison (allclose's); the non-finite elements above fail regardless, even Inf vs Inf
      if (!isClose(a, n, rtol, atol)) { failing++; failingByParam[p.name]++; }
      const excess = closeExcess(a, n, rtol, atol);
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = { param: p.name, index: unravel(i, p.shape), analytic: a, numerical: n, absError: d, relError: d / Math.abs(n) };
      }
    }
  }
  const report: GradCheckReport = {
    ok: failing === 0, failing, count, worst, maxAbs, meanAbs: finite ? sumAbs / finite : NaN,
    normRel: den > 0 ? Math.sqrt(num / den) : num > 0 ? Infinity : 0, h, rtol, atol, nonFinite, failingByParam,
    toString() {
      const lines = [
        `gradCheck ${report.ok ? 'OK' : 'FAILED'}: ${failing} of ${count} elements outside |a − n| ≤ atol + rtol·|n| (rtol ${fmtTol(rtol)}, atol ${fmtTol(atol)}, h ${typeof h === 'number' ? fmtTol(h) : h})`,
        `  max |a − n| ${maxAbs.toExponential(3)}, mean ${report.meanAbs.toExponential(3)}, ‖a − n‖/‖n‖ ${report.normRel.toExponential(3)}`,
      ];
      if (worst) {
        lines.push(`  worst ${idx(worst)}: analytic ${fmt(worst.analytic)}, numerical ${fmt(worst.numerical)} (abs ${worst.absError.toExponential(3)}, rel ${worst.relError.toExponential(3)})`);
      }
      const per = Object.entries(failingByParam).filter(([, v]) => v > 0);
      if (per.length > 1 || (per.length === 1 && parts.length > 1)) lines.push(`  failing by parameter: ${per.map(([k, v]) => `${k} ${v}`).join(', ')}`);
      if (nonFinite.length) {
        if (nonFinite.some((e) => !Number.isFinite(e.numerical))) lines.push('  the numerical gradient is not finite: f is NaN or infinite at or near x (outside its domain?)');
        lines.push(`  non-finite: ${nonFinite.slice(0, 5).map((e) => `${idx(e)} (analytic ${e.analytic}, numerical ${e.numerical})`).join(', ')}${nonFinite.length > 5 ? ', …' : ''}`);
      }
      return lines.join('\n');
    },
  };
  return report;
}

// Second derivatives from function values: the mixed stencil, three step sizes and two
// Richardson levels. Every entry (a Hessian element, or a row of H·u) at each scale a ∈ {1,
// 2, 4} is a weighted sum of four samples: off the diagonal the corners
// (f₊₊ − f₊₋ − f₋₊ + f₋₋)/(d_i·d_j), on it the second divided difference on the realised
// steps (f(x) in place of the corners that coincide). See docs/design.md for the step rule.
import { STATUS } from '../diff/ladder';
import type { EntriesOut } from './jobs';
import type { Samples } from './plan';
import type { Precision } from './ladder-jac';

/** Scales of the three stencils: h, 2h, 4h. */
export const MIXED_SCALES = [1, 2, 4] as const;
/**
 * The finest step per unit of max(|x|, 1): c = 2⁻⁷ (float64) and 2⁻⁴ (float32). After two
 * Richardson levels the truncation is O(h⁶) and rounding ~ε|f|/h², balanced at h ~ ε^(1/8)
 * (0.011 in float64, 0.137 in float32); the three steps c, 2c, 4c bracket that optimum.
 */
export const MIXED_C = { cpu: 2 ** -7, webgpu: 2 ** -3 } as const;
/** Relative error estimate above which a second derivative is flagged. */
export const MIXED_REL_TOL = { cpu: 1e-7, webgpu: 1e-3 } as const;

/** The terms of `count` entries: per entry and scale, 4 (lane, weight) pairs; -1: no lane. */
export class MixedTerms {
  readonly lanes: Int32Array;
  readonly weights: Float64Array;
  /** per entry: the scale to judge it by (max(|x_i|,1)·max(|x_j|,1)) and the nominal finest step */
  readonly unit: Float64Array;
  readonly step: Float64Array;
  constructor(readonly count: number) {
    this.lanes = new Int32Array(count * 12).fill(-1);
    this.weights = new Float64Array(count * 12);
    this.unit = new Float64Array(count).fill(1);
    this.step = new Float64Array(count);
  }

  set(e: number, scale: number, q: number, lane: number, w: number): void {
    this.lanes[e * 12 + scale * 4 + q] = lane;
    this.weights[e * 12 + scale * 4 + q] = w;
  }

  /** Values, error estimates and statuses of every entry; f0: f at the entry's point (for scale). */
  reduce(s: Samples, f0Of: (e: number) => number, pr: Precision, relTol: number, evaluations: number): EntriesOut {
    const out: EntriesOut = {
      value: new Float64Array(this.count), error: new Float64Array(this.count), step: new Float64Array(this.count),
      status: new Uint32Array(this.count), evaluations,
    };
    const v = s.values, m = s.m;
    const D = [0, 0, 0], R = [0, 0, 0];
    for (let e = 0; e < this.count; e++) {
      let finite = true;
      for (let a = 0; a < 3; a++) {
        let d = 0, r = 0;
        for (let q = 0; q < 4; q++) {
          const at = e * 12 + a * 4 + q;
          const l = this.lanes[at];
          if (l < 0) continue;
          const y = v[l * m];
          if (!Number.isFinite(y)) finite = false;
          d += this.weights[at] * y;
          r += Math.abs(this.weights[at] * y);
        }
        D[a] = d;
        R[a] = 2 * pr.ulps * pr.eps * r;
      }
      out.step[e] = this.step[e];
      if (!finite) {
        out.value[e] = NaN;
        out.error[e] = Infinity;
        out.status[e] = STATUS.nonFinite;
        continue;
      }
      // Richardson on h, 2h, 4h: eliminate h², then h⁴; the error is the last level's change
      const r1 = D[0] + (D[0] - D[1]) / 3, r2 = D[1] + (D[1] - D[2]) / 3;
      const s2 = r1 + (r1 - r2) / 15;
      const rr1 = (4 * R[0] + R[1]) / 3, rr2 = (4 * R[1] + R[2]) / 3;
      const rnd = (16 * rr1 + rr2) / 15;
      const err = Math.abs(s2 - r1) + rnd;
      out.value[e] = s2;
      out.error[e] = err;
      const scale = Math.max(Math.abs(s2), Math.abs(f0Of(e)) / this.unit[e]);
      out.status[e] = err <= relTol * scale ? STATUS.ok : err <= 4 * rnd ? STATUS.roundingLimited : STATUS.notConverged;
    }
    return out;
  }
}

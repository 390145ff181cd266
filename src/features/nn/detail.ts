// Per-parameter error estimates of a net's numerical gradient ({ detail: true }), from the
// structured path's own two error sources:
// - truncation: the central difference's O(h²) term, estimated Richardson-style from a
//   second pass at 2h (g(2h) − g(h) = 3ch² + O(h⁴)); the estimate is taken twice over,
//   because the difference itself is a noisy estimate (about half of the true errors sit
//   above (g(2h) − g(h))/3 when truncation dominates, as it does in float64);
// - rounding: the working precision u (2^-24 on the GPU, 2^-53 on the CPU) times the
//   gradient's own size and the largest entry of its parameter tensor. The structured path
//   forms each sample's loss change directly (no L(w+h) − L(w−h) cancellation), so what is
//   left is the rounding of the forward pass (activations off by a few u, the same at
//   either step, so the Richardson pair cannot see it), which moves every entry of a
//   tensor by a few u of the tensor's scale: measured up to ~9u·max|g| on MNIST batches and
//   ~23u·max|g| with weights of std 2 (large logits amplify the rounding of a2).
import type { FlatParams } from './ops';

/** Rounding multiples of u: of |g| itself and of its tensor's max |g| (see above). */
export const NET_ROUNDING_REL = 8;
export const NET_ROUNDING_SCALE = 32;
/** The Richardson difference's safety factor (see above). */
export const NET_TRUNCATION_FACTOR = 2;

export interface FlatNetDetail {
  value: FlatParams;
  error: FlatParams;
  truncation: FlatParams;
  rounding: FlatParams;
}

/** Error estimates of g (at h) from g2 (at 2h) and the working precision u. */
export function netErrorEstimates(g: FlatParams, g2: FlatParams, u: number): FlatNetDetail {
  const truncation: FlatParams = [], rounding: FlatParams = [], error: FlatParams = [];
  g.forEach((gp, p) => {
    let scale = 0;
    for (const v of gp) scale = Math.max(scale, Math.abs(v));
    const t = new Float64Array(gp.length), r = new Float64Array(gp.length), e = new Float64Array(gp.length);
    for (let i = 0; i < gp.length; i++) {
      t[i] = (NET_TRUNCATION_FACTOR * Math.abs(g2[p][i] - gp[i])) / 3;
      r[i] = u * (NET_ROUNDING_REL * Math.abs(gp[i]) + NET_ROUNDING_SCALE * scale);
      e[i] = t[i] + r[i];
    }
    truncation.push(t);
    rounding.push(r);
    error.push(e);
  });
  return { value: g, error, truncation, rounding };
}

// Structured float64 numerical gradient: each perturbed loss *difference* ΔL(±h) is formed
// directly from the cached forward pass (no two nearly equal losses are subtracted), then
// g = (ΔL(+h) − ΔL(−h)) / (2h). This is the reference design for the float32 GPU kernel;
// its only error is the central-difference truncation h²·f'''/6.
import { type Mat } from './tensor';
import { type Target } from './targets';
import { sigmoid, treeSum, nextPow2 } from './ops';
import { sampleLossChange, sampleLossChange1 } from './output-layer';

/** ΔL(+h) − ΔL(−h) over 2h, with ΔL(s) = treeSum_b(change_b(s)) / B. */
function centralFromChanges(
  h: number, B: number, ch: Float64Array, scratch: Float64Array,
  fill: (s: number, ch: Float64Array) => void,
): number {
  fill(h, ch);
  const up = treeSum(ch, B, scratch) / B;
  fill(-h, ch);
  const down = treeSum(ch, B, scratch) / B;
  return (up - down) / (2 * h);
}

/**
 * Output-layer parameters (a = z·W + b): W[j][k] ± h moves logit k of sample b by ±h·z[b][j];
 * b[k] ± h moves it by ±h. Writes dW (z.cols×K) and, when given, db (K).
 */
export function structuredOutputGrad(
  z: Mat, y: Mat, t: Target, h: number, dW: Mat, db: Float64Array | null,
): void {
  const B = z.rows, J = z.cols, K = y.cols;
  const ch = new Float64Array(B), scratch = new Float64Array(nextPow2(B));
  for (let j = 0; j < J; j++) {
    for (let k = 0; k < K; k++) {
      dW.data[j * K + k] = centralFromChanges(h, B, ch, scratch, (s, out) => {
        for (let b = 0; b < B; b++) {
          const d = s * z.data[b * J + j];
          out[b] = d === 0 ? 0 : sampleLossChange1(y.data, b, K, t, k, d);
        }
      });
    }
  }
  if (db) {
    for (let k = 0; k < K; k++) {
      db[k] = centralFromChanges(h, B, ch, scratch, (s, out) => {
        for (let b = 0; b < B; b++) out[b] = sampleLossChange1(y.data, b, K, t, k, s);
      });
    }
  }
}

/**
 * Hidden-layer parameters (a1 = x·W1 + b1, z1 = σ(a1), a2 = z1·W2 + b2): W1[i][j] ± h moves
 * a1[b][j] by d = ±h·x[b][i] (b1[j]: d = ±h), so z1[b][j] moves by
 *   δz = σ(a+d) − σ(a) = σ(−a)·σ(a+d)·(−expm1(−d))   (no cancellation)
 * and every logit k of sample b by δz·W2[j][k]. `s1m` holds σ(−a1).
 */
export function structuredHiddenGrad(
  x: Mat, a1: Mat, s1m: Mat, W2: Mat, y: Mat, t: Target, h: number, dW1: Mat, db1: Float64Array,
): void {
  const B = x.rows, I = x.cols, J = a1.cols, K = y.cols;
  const ch = new Float64Array(B), scratch = new Float64Array(nextPow2(B));
  const delta = new Float64Array(K), em = new Float64Array(K);
  const change = (b: number, j: number, d: number): number => {
    if (d === 0) return 0;
    const a = a1.data[b * J + j];
    const dz = s1m.data[b * J + j] * sigmoid(a + d) * -Math.expm1(-d);
    for (let k = 0; k < K; k++) delta[k] = dz * W2.data[j * K + k];
    return sampleLossChange(y.data, b, K, t, delta, em);
  };
  for (let i = 0; i < I; i++) {
    for (let j = 0; j < J; j++) {
      dW1.data[i * J + j] = centralFromChanges(h, B, ch, scratch, (s, out) => {
        for (let b = 0; b < B; b++) out[b] = change(b, j, s * x.data[b * I + i]);
      });
    }
  }
  for (let j = 0; j < J; j++) {
    db1[j] = centralFromChanges(h, B, ch, scratch, (s, out) => {
      for (let b = 0; b < B; b++) out[b] = change(b, j, s);
    });
  }
}

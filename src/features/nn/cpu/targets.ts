// Targets come as label indices or one-hot rows; both are normalised here once, so the
// loss, gradient and accuracy code never re-decides which it got.
import { ArgumentError } from '../../../core/errors';
import { readMatrix, readTensor } from '../../../core/input';
import { type Mat, isMat, shapeOf } from './tensor';

export type TargetInput = Mat | Int32Array | Float64Array | number[] | number[][];

export type Target =
  | { kind: 'labels'; labels: Int32Array }
  | { kind: 'onehot'; t: Mat };

/**
 * Reads `t` for a batch of `batch` samples and `classes` outputs.
 * - Int32Array: labels (length batch).
 * - Mat / number[][]: one-hot rows, batch×classes (soft rows are accepted too).
 * - number[] / Float64Array: labels when its length is `batch`; otherwise, for a single
 *   sample, one one-hot row of length `classes` (the book's t = [0, 0, 1]).
 */
export function toTarget(t: TargetInput, batch: number, classes: number, name = 't'): Target {
  if (t instanceof Int32Array) return labelsTarget(t, batch, classes, name);
  if (!isMat(t) && !Array.isArray(t) && !(t instanceof Float64Array) && !((t as unknown) instanceof Float32Array)) {
    throw new ArgumentError(name, 'expected labels (Int32Array | number[]) or one-hot rows (Mat | number[][])');
  }
  if (isMat(t) || Array.isArray(t[0])) {
    const m = readMatrix(t, name, { vector: false });
    if (m.rows !== batch || m.cols !== classes) {
      throw new ArgumentError(name, `one-hot targets must be ${batch}×${classes} to match y, got ${shapeOf(m)}`);
    }
    return { kind: 'onehot', t: m };
  }
  const v = readTensor(t, name).data; // 1-D here: deeper nesting starts with an array
  if (v.length === batch) return labelsTarget(v, batch, classes, name);
  if (batch === 1 && v.length === classes) return { kind: 'onehot', t: { rows: 1, cols: classes, data: v } };
  throw new ArgumentError(
    name,
    `expected ${batch} labels or one-hot ${batch}×${classes}, got a vector of length ${v.length}`,
  );
}

function labelsTarget(v: ArrayLike<number>, batch: number, classes: number, name: string): Target {
  if (v.length !== batch) throw new ArgumentError(name, `expected ${batch} labels, got ${v.length}`);
  const labels = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const l = v[b];
    if (!Number.isInteger(l) || l < 0 || l >= classes) {
      throw new ArgumentError(name, `label ${l} at [${b}] is not an integer in [0, ${classes})`);
    }
    labels[b] = l;
  }
  return { kind: 'labels', labels };
}

/** Label per sample: the label itself, or argmax of the one-hot row (ties → first). */
export function targetLabels(t: Target): Int32Array {
  if (t.kind === 'labels') return t.labels;
  const { rows, cols, data } = t.t;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = argmaxRow(data, r * cols, cols);
  return out;
}

export function argmaxRow(data: ArrayLike<number>, off: number, n: number): number {
  let best = 0;
  for (let c = 1; c < n; c++) if (data[off + c] > data[off + best]) best = c;
  return best;
}

// Reads the nets' inputs as users write them (numpy-like nesting) into a validated Batch.
// Every problem is an ArgumentError naming the argument (x, t, ...) and both shapes, and
// is raised before any device work, so a bad call leaves nothing half-done.
import { ArgumentError } from '../../core/errors';
import { readTensor, type NumericInput } from '../../core/input';
import type { Target } from './cpu/targets';
import type { Batch } from './ops';

/** Labels as integers (Int32Array, number[], one number for one sample) or one-hot rows. */
export type TargetArg = NumericInput | Int32Array;

export interface ReadX {
  data: Float64Array;
  rows: number;
  /** x was one sample (a vector): results come back as vectors */
  single: boolean;
  shape: number[];
}

const shapeStr = (s: readonly number[]) => `[${s.join(', ')}]`;

/** x: one sample (I numbers) or a batch (rows of I); typed arrays are flat rows of I. */
export function readX(x: unknown, I: number, name = 'x'): ReadX {
  if (x instanceof Float32Array || x instanceof Float64Array) {
    if (x.length === 0 || x.length % I !== 0) {
      throw new ArgumentError(name, `a flat typed array must hold whole samples of ${I} numbers, got length ${x.length}`);
    }
    const t = readTensor(x, name); // finite check
    const rows = x.length / I;
    return { data: t.data, rows, single: false, shape: [rows, I] };
  }
  const t = readTensor(x, name);
  if (t.shape.length === 1 && t.shape[0] === I) return { data: t.data, rows: 1, single: true, shape: t.shape };
  if (t.shape.length === 2 && t.shape[1] === I) return { data: t.data, rows: t.shape[0], single: false, shape: t.shape };
  throw new ArgumentError(name, `expected one sample of ${I} numbers (shape [${I}]) or a batch (shape [batch, ${I}]), got shape ${shapeStr(t.shape)}`);
}

/**
 * t for `rows` samples and K classes: labels (length rows, integers in [0, K)) or one-hot
 * rows (rows×K; a single sample may give one row of K, the book's t = [0, 0, 1]).
 */
export function readTarget(t: unknown, x: ReadX, K: number, name = 't'): Target {
  const rows = x.rows;
  const both = (ts: readonly number[]) => `x has shape ${shapeStr(x.shape)} (${rows} sample${rows === 1 ? '' : 's'}), t has shape ${shapeStr(ts)}`;
  if (t instanceof Int32Array) {
    if (t.length !== rows) throw new ArgumentError(name, `expected ${rows} labels; ${both([t.length])}`);
    return labels(Array.from(t), K, name);
  }
  if (typeof t === 'number') {
    if (rows !== 1) throw new ArgumentError(name, `one label for a batch; ${both([])}`);
    return labels([t], K, name);
  }
  const tt = readTensor(t, name);
  const s = tt.shape;
  // a flat typed array of rows·K numbers: one-hot rows
  if ((t instanceof Float32Array || t instanceof Float64Array) && K > 1 && t.length === rows * K && rows > 1) {
    return { kind: 'onehot', t: { rows, cols: K, data: tt.data } };
  }
  // one sample: a vector of K is its one-hot row (the book's t = [0, 0, 1]), [l] its label
  if (x.single && s.length === 1 && s[0] === K) return { kind: 'onehot', t: { rows, cols: K, data: tt.data } };
  if (s.length === 1 && s[0] === rows) return labels(Array.from(tt.data), K, name);
  if (s.length === 2 && s[0] === rows && s[1] === K) return { kind: 'onehot', t: { rows, cols: K, data: tt.data } };
  throw new ArgumentError(
    name,
    `expected ${rows} labels (shape [${rows}]) or one-hot rows (shape [${rows}, ${K}]); ${both(s)}`,
  );
}

function labels(v: number[], K: number, name: string): Target {
  const out = new Int32Array(v.length);
  v.forEach((l, i) => {
    if (!Number.isInteger(l) || l < 0 || l >= K) {
      throw new ArgumentError(name, `label ${l} at ${name}[${i}] is not an integer in [0, ${K})`);
    }
    out[i] = l;
  });
  return { kind: 'labels', labels: out };
}

export function readBatch(x: unknown, t: unknown, I: number, K: number): { batch: Batch; x: ReadX } {
  const X = readX(x, I);
  return { batch: { x: X.data, rows: X.rows, t: readTarget(t, X, K) }, x: X };
}

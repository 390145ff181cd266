// A tiny row-major float64 matrix and the input conversions/validation the nets share.
// Everything here is deliberately plain: this is the reference the GPU path is judged by.
// Reading and validating input is core/input's job (one reader for the whole library).
import { ArgumentError } from '../../../core/errors';
import { checkFinite, readMatrix } from '../../../core/input';

export interface Mat {
  rows: number;
  cols: number;
  /** Row-major: element (r, c) lives at data[r * cols + c]. */
  data: Float64Array;
}

/** What callers may pass as a matrix: a 1-D array is one row (a single sample). */
export type MatInput = Mat | number[] | number[][] | Float64Array;

export function zeros(rows: number, cols: number): Mat {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function shapeOf(m: { rows: number; cols: number }): string {
  return `${m.rows}×${m.cols}`;
}

export function isMat(v: unknown): v is Mat {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) &&
    (v as Mat).data instanceof Float64Array
  );
}

/** Copy of a Mat (the nets never alias caller memory). */
export function cloneMat(m: Mat): Mat {
  return { rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) };
}

/** Throws an ArgumentError naming `name` and the first non-finite element. */
export function assertFinite(data: ArrayLike<number>, name: string, cols = 0): void {
  checkFinite(data, cols > 0 ? [Math.ceil(data.length / cols), cols] : [data.length], name);
}

/**
 * Converts and validates a matrix input (copying it) through core's readMatrix. `cols`,
 * when given, is the width the caller needs; a mismatch names the argument and both shapes.
 */
export function toMat(v: MatInput, name: string, cols?: number): Mat {
  return readMatrix(v, name, { cols });
}

/** Nested rows, for printing and for tests against hand-written values. */
export function toRows(m: Mat): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < m.rows; r++) out.push(Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
  return out;
}

/** A finite difference step must be a finite positive number. */
export function assertStep(h: number, name = 'h'): void {
  if (typeof h !== 'number' || !Number.isFinite(h) || h <= 0) {
    throw new ArgumentError(name, `expected a finite step > 0, got ${h}`);
  }
}

// A tiny row-major float64 matrix and the input conversions/validation the nets share.
// Everything here is deliberately plain: this is the reference the GPU path is judged by.

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

/** Throws naming `name` and the first non-finite element. */
export function assertFinite(data: ArrayLike<number>, name: string, cols = 0): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) {
      const where = cols > 0 ? `[${Math.floor(i / cols)}][${i % cols}]` : `[${i}]`;
      throw new RangeError(`${name}: expected finite numbers, got ${v} at ${where}`);
    }
  }
}

/**
 * Converts and validates a matrix input (copying it). `cols`, when given, is the width the
 * caller needs; a mismatch names the argument and both shapes.
 */
export function toMat(v: MatInput, name: string, cols?: number): Mat {
  let m: Mat;
  if (isMat(v)) {
    if (v.data.length !== v.rows * v.cols) {
      throw new RangeError(`${name}: data length ${v.data.length} does not match shape ${shapeOf(v)}`);
    }
    m = cloneMat(v);
  } else if (v instanceof Float64Array) {
    m = { rows: 1, cols: v.length, data: Float64Array.from(v) };
  } else if (Array.isArray(v) && v.length > 0 && Array.isArray(v[0])) {
    const rows = v as number[][];
    const w = rows[0].length;
    const data = new Float64Array(rows.length * w);
    rows.forEach((row, r) => {
      if (!Array.isArray(row) || row.length !== w) {
        throw new RangeError(`${name}: ragged rows: row 0 has ${w} numbers, row ${r} has ${Array.isArray(row) ? row.length : 'no array'}`);
      }
      for (let c = 0; c < w; c++) data[r * w + c] = row[c];
    });
    m = { rows: rows.length, cols: w, data };
  } else if (Array.isArray(v)) {
    m = { rows: 1, cols: v.length, data: Float64Array.from(v as number[]) };
  } else {
    throw new TypeError(`${name}: expected a Mat, number[], number[][] or Float64Array`);
  }
  if (m.rows === 0 || m.cols === 0) throw new RangeError(`${name}: empty (${shapeOf(m)})`);
  if (cols !== undefined && m.cols !== cols) {
    throw new RangeError(`${name}: expected N×${cols}, got ${shapeOf(m)}`);
  }
  assertFinite(m.data, name, m.cols);
  return m;
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
    throw new RangeError(`${name}: expected a finite step > 0, got ${h}`);
  }
}

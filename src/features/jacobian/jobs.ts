// The plain-data jobs and results of the Jacobian family (see docs/design.md, the seam).
import type { DiffFunction } from '../../functions/fn';

/** rows points of n parameters, row-major in x; f has m outputs. */
export interface PointsJob {
  f: DiffFunction;
  x: Float64Array;
  rows: number;
  n: number;
  m: number;
  /** the shape of one point, for JS functions (which see their argument nested) */
  pointShape: number[];
}

/** Dense Jacobian, or a sparse one by colouring when `colours` is given. */
export interface JacobianJob extends PointsJob {
  /** the column groups (colour c: its columns), with the pattern as CSR rows of output indices per column */
  colouring?: Colouring;
}

/** Directional derivatives: J·v for each of `dirs` (count × n). */
export interface JvpJob extends PointsJob {
  dirs: Float64Array;
  count: number;
}

/** Dense Hessian (m = 1), or a sparse one by colouring (packed entries, see sparse-hessian.ts). */
export interface HessianJob extends PointsJob {
  colouring?: Colouring;
  /** sparse, for expressions: H·u_c as a difference of symbolic gradients */
  byGradient?: boolean;
}

export interface HvpJob extends PointsJob {
  dirs: Float64Array;
  count: number;
}

/** A sparsity pattern with a column colouring: entries (row, col), and colour[col]. */
export interface Colouring {
  /** pattern rows (outputs, or Hessian rows) */
  rowsOfPattern: number;
  /** for each column, the rows with an entry (sorted) */
  cols: Uint32Array[];
  colour: Uint32Array;
  colours: number;
}

/** Entries with a value, an error estimate, the step and a status per entry (diff/ladder.ts codes). */
export interface EntriesOut {
  value: Float64Array;
  error: Float64Array;
  step: Float64Array;
  status: Uint32Array;
  /** evaluations of f (each gives all m outputs) */
  evaluations: number;
  /** sparse only: entries outside the pattern that the function showed (output, colour's columns) */
  outside?: { row: number; columns: number[]; point: number }[];
}

// Sparsity patterns and their column colourings. Jacobians: greedy distance-1 colouring of
// the column intersection graph (columns sharing a row get different colours), in column
// order, so a band of half-width w takes 2w + 1 colours. Hessians: the same colouring of the
// symmetrised pattern (diagonal included): a valid symmetric scheme, simpler than star
// colouring (which can need fewer colours), and each off-diagonal entry is computed twice.
import { ArgumentError } from '../../core/errors';
import type { Colouring } from './jobs';

/** A pattern as the user gives it: an m×n nested 0/1 (or boolean) mask, or a list of [i, j] pairs. */
export type SparsityPattern = ReadonlyArray<ReadonlyArray<number | boolean>> | { rows: ArrayLike<number>; cols: ArrayLike<number> };

/** Reads a pattern of an m×n matrix into per-column row lists; shape errors name 'sparsity'. */
export function readPattern(p: unknown, m: number, n: number): Uint32Array[] {
  const cols: number[][] = Array.from({ length: n }, () => []);
  const add = (i: number, j: number, where: string) => {
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || i >= m || j < 0 || j >= n) {
      throw new ArgumentError('sparsity', `${where}: entry (${i}, ${j}) is outside the ${m}×${n} matrix`);
    }
    cols[j].push(i);
  };
  if (p && typeof p === 'object' && !Array.isArray(p) && 'rows' in p && 'cols' in p) {
    const q = p as { rows: ArrayLike<number>; cols: ArrayLike<number> };
    if (q.rows?.length !== q.cols?.length) throw new ArgumentError('sparsity', `rows and cols differ in length (${q.rows?.length} and ${q.cols?.length})`);
    for (let k = 0; k < q.rows.length; k++) add(Number(q.rows[k]), Number(q.cols[k]), `entry ${k}`);
  } else if (Array.isArray(p)) {
    if (p.length !== m) throw new ArgumentError('sparsity', `expected ${m} rows (one per ${m === n ? 'row' : 'output'}) of ${n} entries, got ${p.length} rows`);
    p.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== n) {
        throw new ArgumentError('sparsity', `row ${i} must hold ${n} entries (0/1 or booleans), got ${Array.isArray(row) ? row.length : typeof row}`);
      }
      row.forEach((v, j) => {
        if (v !== 0 && v !== 1 && v !== true && v !== false) throw new ArgumentError('sparsity', `sparsity[${i}][${j}] is ${String(v)}; expected 0, 1, true or false`);
        if (v) add(i, j, `sparsity[${i}][${j}]`);
      });
    });
  } else {
    throw new ArgumentError('sparsity', "expected 'detect', an m×n 0/1 mask or { rows, cols } of the nonzero entries");
  }
  return cols.map((c) => Uint32Array.from(new Set(c)).sort());
}

/** Greedy distance-1 colouring of the columns (in order): columns that share a row differ. */
export function colourColumns(cols: Uint32Array[], m: number): Colouring {
  const n = cols.length;
  const inRow: number[][] = Array.from({ length: m }, () => []);
  cols.forEach((rs, j) => rs.forEach((i) => inRow[i].push(j)));
  const colour = new Uint32Array(n).fill(0xffffffff);
  const mark = new Int32Array(n + 1).fill(-1);
  let colours = 0;
  for (let j = 0; j < n; j++) {
    for (const i of cols[j]) for (const q of inRow[i]) if (colour[q] !== 0xffffffff) mark[colour[q]] = j;
    let c = 0;
    while (mark[c] === j) c++;
    colour[j] = c;
    colours = Math.max(colours, c + 1);
  }
  return { rowsOfPattern: m, cols, colour, colours: Math.max(colours, 1) };
}

/** The symmetrised pattern of an n×n Hessian, diagonal included. */
export function symmetric(cols: Uint32Array[]): Uint32Array[] {
  const n = cols.length;
  const out: Set<number>[] = Array.from({ length: n }, (_, j) => new Set([j]));
  cols.forEach((rs, j) => rs.forEach((i) => {
    out[j].add(i);
    out[i].add(j);
  }));
  return out.map((s) => Uint32Array.from(s).sort());
}

/** Pattern from probes: entry (i, j) where some probe's |J_ij| exceeds 4× its error estimate. */
export function patternFrom(values: Float64Array[], errors: Float64Array[], m: number, n: number): Uint32Array[] {
  const cols: number[][] = Array.from({ length: n }, () => []);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) {
      const o = i * n + j;
      if (values.some((v, p) => !(Math.abs(v[o]) <= 4 * errors[p][o]) )) cols[j].push(i);
    }
  }
  return cols.map((c) => Uint32Array.from(c));
}

// Result shaping for the Jacobian family: values, error estimates, steps and statuses in the
// value's nesting, issues listed, one warning line when something is flagged.
import type { BackendKind } from '../../core/backend';
import { nest, unravel, type NestedOut } from '../../core/input';
import { explain, flagged, statusName, type DerivativeStatus } from '../diff/status';
import type { EntriesOut } from './jobs';

/** Values of type V nested like a result. */
export type Nest<V> = V | Nest<V>[];

/** What `{ detail: true }` returns. */
export interface EntriesDetail {
  value: NestedOut;
  /** estimated absolute error per entry, in the value's nesting */
  error: NestedOut;
  /** the (finest) step each entry came from */
  step: NestedOut;
  /** 'ok' or why not, per entry (see docs/design.md, "The step ladder") */
  status: Nest<DerivativeStatus>;
  /** flagged entries: how many, the first few with an explanation */
  issues: { count: number; first: { index: number[]; status: DerivativeStatus; message: string }[] };
  /** evaluations of f (each one gives all outputs) */
  evaluations: number;
  /** sparse: the colours used and the pattern's number of nonzeros */
  colours?: number;
  nonzeros?: number;
  backend: BackendKind;
}

function nestNames(codes: Uint32Array, shape: readonly number[]): Nest<DerivativeStatus> {
  const names = Array.from(codes, statusName);
  const build = (off: number, dims: readonly number[]): Nest<DerivativeStatus> => {
    if (dims.length === 0) return names[off];
    const step = dims.slice(1).reduce((a, b) => a * b, 1);
    return Array.from({ length: dims[0] }, (_, i) => build(off + i * step, dims.slice(1)));
  };
  return build(0, shape);
}

/** The detail object of `out` in `shape`; warns once (unless quiet) when an entry is flagged. */
export function shapeEntries(out: EntriesOut, shape: readonly number[], backend: BackendKind, what: string, quiet: boolean): EntriesDetail {
  const issues: EntriesDetail['issues'] = { count: 0, first: [] };
  for (let i = 0; i < out.status.length; i++) {
    if (!flagged(out.status[i])) continue;
    if (issues.count++ < 10) issues.first.push({ index: unravel(i, shape), status: statusName(out.status[i]), message: explain(out.status[i], backend) });
  }
  if (!quiet && issues.count > 0) {
    const f = issues.first[0];
    const flat = out.status.findIndex((c) => flagged(c));
    console.warn(`numgrad: ${issues.count} of ${out.status.length} ${what} entries flagged; first at [${f.index.join(', ')}]: ${f.status} ` +
      `(value ${out.value[flat]}, estimated error ${out.error[flat].toPrecision(2)}): ${f.message}. Pass { detail: true } for every error and status.`);
  }
  return {
    value: nest(out.value, shape),
    error: nest(out.error, shape),
    step: nest(out.step, shape),
    status: nestNames(out.status, shape),
    issues,
    evaluations: out.evaluations,
    backend,
  };
}

/** A sparse result in coordinate form: the pattern's entries only, row-major. */
export interface CooMatrix {
  shape: [number, number];
  rows: number[];
  cols: number[];
  values: number[];
}

/** The pattern's entries of an m×n block (offset `at` in `value`) as COO, sorted by row then
 *  column; `packed`: value holds the entries column by column (the sparse Jacobian's order). */
export function toCoo(value: Float64Array, at: number, m: number, n: number, cols: Uint32Array[], packed = false): CooMatrix {
  const entries: [number, number, number][] = [];
  let k = 0;
  cols.forEach((rs, j) => rs.forEach((i) => entries.push([i, j, packed ? at + k++ : at + i * n + j])));
  entries.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { shape: [m, n], rows: entries.map((e) => e[0]), cols: entries.map((e) => e[1]), values: entries.map((e) => value[e[2]]) };
}

/** Packed sparse entries (column by column, per point) into dense rows × m × n. */
export function unpack(p: EntriesOut, rows: number, m: number, n: number, cols: Uint32Array[]): EntriesOut {
  const size = rows * m * n;
  const out: EntriesOut = { value: new Float64Array(size), error: new Float64Array(size), step: new Float64Array(size), status: new Uint32Array(size), evaluations: p.evaluations };
  let k = 0;
  for (let r = 0; r < rows; r++) {
    cols.forEach((rs, j) => rs.forEach((i) => {
      const o = (r * m + i) * n + j;
      out.value[o] = p.value[k];
      out.error[o] = p.error[k];
      out.step[o] = p.step[k];
      out.status[o] = p.status[k++];
    }));
  }
  return out;
}

/** Packed entries reordered to the COO order (row, then column), per point: for detail with format 'coo'. */
export function cooOrder(p: EntriesOut, rows: number, cols: Uint32Array[]): EntriesOut {
  const idx: [number, number, number][] = [];
  let k = 0;
  cols.forEach((rs, j) => rs.forEach((i) => idx.push([i, j, k++])));
  idx.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const nnz = idx.length;
  const pick = <T extends Float64Array | Uint32Array>(a: T, make: (len: number) => T): T => {
    const o = make(a.length);
    for (let r = 0; r < rows; r++) idx.forEach((e, q) => { o[r * nnz + q] = a[r * nnz + e[2]]; });
    return o;
  };
  return {
    value: pick(p.value, (l) => new Float64Array(l)), error: pick(p.error, (l) => new Float64Array(l)),
    step: pick(p.step, (l) => new Float64Array(l)), status: pick(p.status, (l) => new Uint32Array(l)), evaluations: p.evaluations,
  };
}

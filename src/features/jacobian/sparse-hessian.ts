// Sparse Hessians by colouring: H·u_c along each colour's direction u_c, decompressed. Row
// i's product with u_c holds H_ij for the one column j of colour c in row i's pattern (the
// colouring of colouring.ts guarantees at most one). For expressions, H·u_c is a difference
// of symbolic gradients (4 gradient evaluations per colour, hvp-gradient.ts); otherwise the
// mixed stencil on f for each (row, colour) with an entry (12 evaluations each). Both H_ij
// and H_ji are computed: the result is their mean, half their difference added to the
// error. Results are packed: the pattern's entries column by column, per point.
import type { Colouring, EntriesOut, HessianJob } from './jobs';
import type { Precision } from './ladder-jac';
import { alongDirections } from './hessian-plan';
import { gradientHvpPlan } from './hvp-gradient';
import type { Samples } from './plan';

type Path = 'cpu' | 'webgpu';

/** For each row i and colour c, the column j of colour c in row i's pattern, or -1. */
function columnOf(col: Colouring, n: number): Int32Array {
  const C = col.colours;
  const colOf = new Int32Array(n * C).fill(-1);
  for (let j = 0; j < n; j++) for (const i of col.cols[j]) colOf[i * C + col.colour[j]] = j;
  return colOf;
}

function packedOut(rows: number, nnz: number): EntriesOut {
  const size = rows * nnz;
  return { value: new Float64Array(size), error: new Float64Array(size), step: new Float64Array(size), status: new Uint32Array(size), evaluations: 0 };
}

/** Packed index of entry (i, j): cols[j] holds i. */
function packedIndex(col: Colouring): Map<number, number> {
  const n = col.cols.length, idx = new Map<number, number>();
  let k = 0;
  col.cols.forEach((rs, j) => rs.forEach((i) => idx.set(i * n + j, k++)));
  return idx;
}

/** Writes entry (i, j) of point r from the product value/err, then symmetrises every pair. */
function decompress(out: EntriesOut, r: number, nnz: number, idx: Map<number, number>, n: number, put: (k: number, i: number, j: number) => void, col: Colouring) {
  col.cols.forEach((rs, j) => rs.forEach((i) => put(r * nnz + idx.get(i * n + j)!, i, j)));
  col.cols.forEach((rs, j) => rs.forEach((i) => {
    if (i >= j) return;
    const a = r * nnz + idx.get(i * n + j)!, b = r * nnz + idx.get(j * n + i)!;
    const mean = (out.value[a] + out.value[b]) / 2, err = Math.max(out.error[a], out.error[b]) + Math.abs(out.value[a] - out.value[b]) / 2;
    out.value[a] = out.value[b] = mean;
    out.error[a] = out.error[b] = err;
    out.status[a] = out.status[b] = Math.max(out.status[a], out.status[b]);
  }));
}

/** From f alone: u_c = Σ_{j∈c} max(|x_j|, 1)·e_j, the mixed stencil per (row, colour) with an entry; one plan per point. */
export function sparseHessianPlan(job: HessianJob, col: Colouring, pr: Precision, path: Path, relTol: number) {
  const { rows, n } = job;
  const C = col.colours, colOf = columnOf(col, n), idx = packedIndex(col), nnz = idx.size;
  const out = packedOut(rows, nnz);
  const dirsPerRow: Float64Array[] = [];
  const plans: ReturnType<typeof alongDirections>[] = [];
  for (let r = 0; r < rows; r++) {
    const x = job.x.subarray(r * n, (r + 1) * n);
    const dirs = new Float64Array(C * n);
    for (let j = 0; j < n; j++) dirs[col.colour[j] * n + j] = Math.max(Math.abs(pr.round(x[j])), 1);
    dirsPerRow.push(dirs);
    const rowsWith = (d: number) => { const l: number[] = []; for (let i = 0; i < n; i++) if (colOf[i * C + d] >= 0) l.push(i); return l; };
    plans.push(alongDirections({ x, rows: 1, n }, dirs, C, (_r, d) => rowsWith(d), pr, path, relTol));
  }
  const finish = (samples: Samples[]): EntriesOut => {
    samples.forEach((s, r) => {
      const p = plans[r], e = p.reduce(s);
      out.evaluations += e.evaluations;
      const at = new Map<number, number>();
      p.keys.forEach(({ d, i }, k) => at.set(i * C + d, k));
      decompress(out, r, nnz, idx, n, (o, i, j) => {
        const k = at.get(i * C + col.colour[j])!, sj = dirsPerRow[r][col.colour[j] * n + j];
        out.value[o] = e.value[k] / sj;
        out.error[o] = e.error[k] / sj;
        out.step[o] = e.step[k];
        out.status[o] = e.status[k];
      }, col);
    });
    return out;
  };
  return { plans, finish };
}

/** For expressions: H·u_c with u_c = Σ_{j∈c} e_j as a difference of gradients, 4 gradient evaluations per colour and point. */
export function sparseHessianGradientPlan(job: HessianJob, col: Colouring, pr: Precision, path: Path, relTol: number) {
  const { rows, n } = job;
  const C = col.colours, idx = packedIndex(col), nnz = idx.size;
  const dirs = new Float64Array(C * n);
  for (let j = 0; j < n; j++) dirs[col.colour[j] * n + j] = 1;
  const inner = gradientHvpPlan({ ...job, dirs, count: C }, pr, path, relTol);
  const reduce = (s: Samples): EntriesOut => {
    const e = inner.reduce(s); // rows × C × n
    const out = packedOut(rows, nnz);
    out.evaluations = e.evaluations;
    for (let r = 0; r < rows; r++) {
      decompress(out, r, nnz, idx, n, (o, i, j) => {
        const k = (r * C + col.colour[j]) * n + i;
        out.value[o] = e.value[k];
        out.error[o] = e.error[k];
        out.step[o] = e.step[k];
        out.status[o] = e.status[k];
      }, col);
    }
    return out;
  };
  return { plan: inner.plan, reduce };
}

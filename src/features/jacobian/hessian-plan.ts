// Plans for the Hessian (dense: pairs i ≤ j × corners × scales) and H·v (directions × rows ×
// corners × scales); sparse Hessians are in sparse-hessian.ts.
import type { EntriesOut, HessianJob, HvpJob } from './jobs';
import type { Precision } from './ladder-jac';
import { MIXED_C, MIXED_SCALES, MixedTerms } from './mixed';
import { Plan, type Samples } from './plan';

type Path = 'cpu' | 'webgpu';

/** Dense: per point, f(x), the diagonal (x_i ± a·h_i) and the pairs i < j (four corners). */
export function hessianPlan(job: HessianJob, pr: Precision, path: Path, relTol: number) {
  const { rows, n } = job;
  const plan = new Plan(n, pr.round);
  const pairs = (n * (n + 1)) / 2;
  const terms = new MixedTerms(rows * pairs);
  const f0 = new Int32Array(rows);
  const c = MIXED_C[path];
  const entryPoint = new Int32Array(rows * pairs);
  for (let r = 0; r < rows; r++) {
    const b = plan.addRow(job.x.subarray(r * n, (r + 1) * n));
    f0[r] = plan.lane(b);
    const x = (i: number) => plan.at(b, i);
    const h = (i: number) => pr.round(c * Math.max(Math.abs(x(i)), 1));
    let e = r * pairs;
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++, e++) {
        entryPoint[e] = r;
        terms.unit[e] = Math.max(Math.abs(x(i)), 1) * Math.max(Math.abs(x(j)), 1);
        terms.step[e] = h(i);
        MIXED_SCALES.forEach((a, s) => {
          if (i === j) diagonal(plan, terms, e, s, b, i, a * h(i), f0[r], pr);
          else offDiagonal(plan, terms, e, s, b, i, j, a * h(i), a * h(j), pr);
        });
      }
    }
  }
  const reduce = (s: Samples): EntriesOut => {
    const flat = terms.reduce(s, (e) => s.values[f0[entryPoint[e]] * s.m], pr, relTol, plan.lanes);
    return unpackPairs(flat, rows, n);
  };
  return { plan, reduce };
}

function diagonal(plan: Plan, t: MixedTerms, e: number, s: number, b: number, i: number, h: number, f0: number, pr: Precision) {
  const x = plan.at(b, i);
  const vp = pr.round(x + h), vm = pr.round(x - h);
  const dp = vp - x, dm = x - vm;
  t.set(e, s, 0, plan.lane(b, i, vp), 2 / (dp * (dp + dm)));
  t.set(e, s, 1, f0, -2 / (dp * dm));
  t.set(e, s, 2, plan.lane(b, i, vm), 2 / (dm * (dp + dm)));
}

function offDiagonal(plan: Plan, t: MixedTerms, e: number, s: number, b: number, i: number, j: number, hi: number, hj: number, pr: Precision) {
  const xi = plan.at(b, i), xj = plan.at(b, j);
  const ip = pr.round(xi + hi), im = pr.round(xi - hi), jp = pr.round(xj + hj), jm = pr.round(xj - hj);
  const w = 1 / ((ip - im) * (jp - jm));
  t.set(e, s, 0, plan.lane(b, i, ip, j, jp), w);
  t.set(e, s, 1, plan.lane(b, i, ip, j, jm), -w);
  t.set(e, s, 2, plan.lane(b, i, im, j, jp), -w);
  t.set(e, s, 3, plan.lane(b, i, im, j, jm), w);
}

/** Upper-triangle entries (rows × pairs) to full symmetric rows × n × n. */
function unpackPairs(p: EntriesOut, rows: number, n: number): EntriesOut {
  const size = rows * n * n;
  const out: EntriesOut = { value: new Float64Array(size), error: new Float64Array(size), step: new Float64Array(size), status: new Uint32Array(size), evaluations: p.evaluations };
  const pairs = (n * (n + 1)) / 2;
  for (let r = 0; r < rows; r++) {
    let e = r * pairs;
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++, e++) {
        for (const o of [(r * n + i) * n + j, (r * n + j) * n + i]) {
          out.value[o] = p.value[e];
          out.error[o] = p.error[e];
          out.step[o] = p.step[e];
          out.status[o] = p.status[e];
        }
      }
    }
  }
  return out;
}

/**
 * Mixed derivatives along e_i and a direction u, for the listed (row i, direction d) pairs:
 * base rows x ± a·t·u (t = c per unit of u, u pre-scaled by the caller) and coordinate i
 * moved by ±a·h_i from them. Returns the plan and per listed pair ∂²f/∂x_i∂u.
 */
export function alongDirections(job: { x: Float64Array; rows: number; n: number }, dirs: Float64Array, count: number, list: (r: number, d: number) => Iterable<number>, pr: Precision, path: Path, relTol: number) {
  const { rows, n } = job;
  const plan = new Plan(n, pr.round);
  const c = MIXED_C[path];
  const keys: { r: number; d: number; i: number }[] = [];
  const f0 = new Int32Array(rows);
  const rowsOf: number[][] = [];
  const pt = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const x = job.x.subarray(r * n, (r + 1) * n);
    const b = plan.addRow(x);
    f0[r] = plan.lane(b);
    for (let d = 0; d < count; d++) {
      const moved: number[] = [];
      for (const a of MIXED_SCALES) {
        for (const sign of [1, -1]) {
          for (let i = 0; i < n; i++) pt[i] = plan.at(b, i) + sign * a * c * dirs[d * n + i];
          moved.push(plan.addRow(pt));
        }
      }
      rowsOf[r * count + d] = moved;
      for (const i of list(r, d)) keys.push({ r, d, i });
    }
  }
  const terms = new MixedTerms(keys.length);
  keys.forEach(({ r, d, i }, e) => {
    const xi = plan.at(f0[r] >= 0 ? plan.row[f0[r]] : 0, i);
    const h = pr.round(c * Math.max(Math.abs(xi), 1));
    terms.unit[e] = Math.max(Math.abs(xi), 1);
    terms.step[e] = h;
    const rs = rowsOf[r * count + d];
    MIXED_SCALES.forEach((a, s) => {
      const up = rs[2 * s], um = rs[2 * s + 1];
      const ip = (row: number) => pr.round(plan.at(row, i) + a * h), im = (row: number) => pr.round(plan.at(row, i) - a * h);
      const di = (ip(up) - im(up) + ip(um) - im(um)) / 2;
      const w = 1 / (di * 2 * a * c);
      t4(terms, e, s, plan.lane(up, i, ip(up)), w, plan.lane(up, i, im(up)), -w, plan.lane(um, i, ip(um)), -w, plan.lane(um, i, im(um)), w);
    });
  });
  const reduce = (s: Samples) => terms.reduce(s, (e) => s.values[f0[keys[e].r] * s.m], pr, relTol, plan.lanes);
  return { plan, keys, reduce };
}

function t4(t: MixedTerms, e: number, s: number, l0: number, w0: number, l1: number, w1: number, l2: number, w2: number, l3: number, w3: number) {
  t.set(e, s, 0, l0, w0);
  t.set(e, s, 1, l1, w1);
  t.set(e, s, 2, l2, w2);
  t.set(e, s, 3, l3, w3);
}

/** H·v for each direction: rows × count × n, from the mixed stencil along (e_i, v/‖v‖∞). */
export function hvpPlan(job: HvpJob, pr: Precision, path: Path, relTol: number) {
  const { n, count } = job;
  const norms = new Float64Array(count);
  for (let d = 0; d < count; d++) for (let i = 0; i < n; i++) norms[d] = Math.max(norms[d], Math.abs(job.dirs[d * n + i]));
  const unit = Float64Array.from(job.dirs, (v, k) => (norms[Math.floor(k / n)] > 0 ? v / norms[Math.floor(k / n)] : 0));
  const all = Array.from({ length: n }, (_, i) => i);
  const inner = alongDirections(job, unit, count, (_r, d) => (norms[d] > 0 ? all : []), pr, path, relTol);
  const reduce = (s: Samples): EntriesOut => {
    const e = inner.reduce(s);
    const size = job.rows * count * n;
    const out: EntriesOut = { value: new Float64Array(size), error: new Float64Array(size), step: new Float64Array(size), status: new Uint32Array(size), evaluations: e.evaluations };
    inner.keys.forEach(({ r, d, i }, k) => {
      const o = (r * count + d) * n + i;
      out.value[o] = e.value[k] * norms[d];
      out.error[o] = e.error[k] * norms[d];
      out.step[o] = e.step[k];
      out.status[o] = e.status[k];
    });
    return out;
  };
  return { plan: inner.plan, reduce };
}

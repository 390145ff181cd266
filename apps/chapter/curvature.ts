// The chapter's curvature picture: the Hessian of x0² + x1² (2I: the same curvature in every
// direction, which is why the gradient field of the book's figure points straight at the
// origin) and of Rosenbrock's valley at its minimum (1, 1), [[802, −400], [−400, 200]]: steep
// across the valley, flat along it. Computed on both contexts through the public API;
// returns plain data and text lines (the CLI demo, the web page and the README show them).
import type { Context } from 'numgrad';
import { both, type Contexts, type Side } from './sides';

export interface HessianCase {
  name: string;
  source: string;
  x: number[];
  /** the analytic Hessian, written here */
  exact: number[][];
  value: Side<number[][]>;
  /** per-entry error estimates */
  error: Side<number[][]>;
  /** ‖H − exact‖∞ / ‖exact‖∞ */
  relError: Side<number>;
  /** eigenvalues of the 2×2 exact Hessian (curvatures along its principal axes) */
  eigen: [number, number];
}

export interface CurvatureResult {
  cases: HessianCase[];
  lines: string[];
}

const CASES = [
  { name: 'x0² + x1²', source: 'x0^2 + x1^2', x: [-2, 1.5], exact: [[2, 0], [0, 2]] },
  { name: 'Rosenbrock', source: '100*(x1 - x0^2)^2 + (1 - x0)^2', x: [1, 1], exact: [[802, -400], [-400, 200]] },
];

function eigen2(h: number[][]): [number, number] {
  const t = h[0][0] + h[1][1], d = h[0][0] * h[1][1] - h[0][1] * h[1][0];
  const r = Math.sqrt(Math.max(0, (t * t) / 4 - d));
  return [t / 2 + r, t / 2 - r];
}

function relInf(a: number[][], b: number[][]): number {
  let d = 0, s = 0;
  a.forEach((row, i) => row.forEach((v, j) => {
    d = Math.max(d, Math.abs(v - b[i][j]));
    s = Math.max(s, Math.abs(b[i][j]));
  }));
  return d / s;
}

const fmt = (v: number) => (Math.abs(v - Math.round(v)) < 5e-7 * Math.max(1, Math.abs(v)) ? String(Math.round(v)) : v.toPrecision(7));
const mat = (h: number[][]) => `[${h.map((r) => `[${r.map(fmt).join(', ')}]`).join(', ')}]`;

/** Both Hessians on both contexts, with their errors and the text the demo prints. */
export async function curvature(c: Contexts): Promise<CurvatureResult> {
  const cases: HessianCase[] = [];
  for (const k of CASES) {
    const d = await both(c, (ctx: Context) => ctx.hessian(k.source, k.x, { detail: true }));
    const value = { cpu: d.cpu.value as number[][], gpu: d.gpu.value as number[][] };
    cases.push({
      ...k,
      value,
      error: { cpu: d.cpu.error as number[][], gpu: d.gpu.error as number[][] },
      relError: { cpu: relInf(value.cpu, k.exact), gpu: relInf(value.gpu, k.exact) },
      eigen: eigen2(k.exact),
    });
  }
  const lines = ['Curvature: the Hessian (ctx.hessian, mixed stencil, two Richardson levels)'];
  for (const h of cases) {
    lines.push(`  ${h.name} at (${h.x.join(', ')}): cpu ${mat(h.value.cpu)}  gpu ${mat(h.value.gpu)}  (exact ${mat(h.exact)})`);
    lines.push(`    relative error cpu ${h.relError.cpu.toExponential(1)}, gpu ${h.relError.gpu.toExponential(1)}; ` +
      `curvatures ${h.eigen.map((e) => e.toFixed(1)).join(' and ')}` + (h.eigen[0] / h.eigen[1] > 10 ? ` (ratio ${(h.eigen[0] / h.eigen[1]).toFixed(0)}: a narrow valley)` : ' (equal: a round bowl)'));
  }
  return { cases, lines };
}

// The demo's pictures, drawn with the library's own plotters (src/plot/svg.ts). Each figure
// is a pure function of the results so tests can inspect the SVG without touching disk.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { linePlot, quiverPlot, type Series } from 'numgrad';
import type { ChapterResults } from './chapter';

const BLUE = '#1f77b4';
const RED = '#d62728';
const GREEN = '#2ca02c';
const ORANGE = '#ff7f0e';
const GREY = '#cccccc';

const autoName = (r: ChapterResults) => (r.auto.backend === 'webgpu' ? 'webgpu' : 'auto');
/**
 * A whole-decade y range for a log plot. Passed explicitly because linePlot pads its automatic
 * range linearly, which goes below zero (NaN pixels) for data spanning many decades.
 */
function decades(values: number[]): [number, number] {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  if (!pos.length) return [0.1, 10];
  const lo = Math.floor(Math.log10(Math.min(...pos)));
  const hi = Math.ceil(Math.log10(Math.max(...pos)));
  return [10 ** lo, 10 ** Math.max(hi, lo + 1)];
}

const range = (a: number, b: number, n: number) => Array.from({ length: n + 1 }, (_, i) => a + ((b - a) * i) / n);

/** f(x) = 0.01x² + 0.1x on [0, 20] with its tangents at 5 and 10 (CPU slopes). */
export function tangentSvg(r: ChapterResults): string {
  const xs = range(0, 20, 200);
  const series: Series[] = [{ x: xs, y: xs.map((x) => 0.01 * x * x + 0.1 * x), label: 'f(x) = 0.01x² + 0.1x', color: BLUE }];
  r.tangent.forEach((t, i) => {
    const { slope, intercept } = t.line.cpu;
    const color = i ? GREEN : RED;
    series.push({ x: xs, y: xs.map((x) => slope * x + intercept), label: `tangent at x = ${t.x}`, color, dashed: true });
    series.push({ x: [t.x], y: [slope * t.x + intercept], color, markers: true }); // the point of contact
  });
  return linePlot(series, { title: 'Tangent lines from numerical_diff (cpu)', xLabel: 'x', yLabel: 'f(x)', xRange: [0, 20], yRange: [-1, 6] });
}

/** −∇f of x0² + x1² over the book's grid, from the auto context's batched gradient. */
export function quiverSvg(r: ChapterResults): string {
  const g = r.quiver.grad.gpu;
  return quiverPlot(r.quiver.points, g.map(([a, b]) => [-a, -b] as [number, number]), {
    title: `−∇f for f = x0² + x1² (${autoName(r)}, one batched call)`, xLabel: 'x0', yLabel: 'x1', width: 480, height: 482,
  });
}

/** Level sets f = r² as a light background, with the lr 0.1 descent path from (−3, 4). */
export function descentSvg(r: ChapterResults): string {
  const d = r.descent.find((e) => e.lr === 0.1)!;
  const t = range(0, 2 * Math.PI, 96);
  const series: Series[] = [1, 2, 3, 4, 5].map((rad) => ({ x: t.map((a) => rad * Math.cos(a)), y: t.map((a) => rad * Math.sin(a)), color: GREY }));
  const path = (h: number[][]) => ({ x: h.map((p) => p[0]), y: h.map((p) => p[1]) });
  series.push({ ...path(d.run.cpu.history!), label: 'lr 0.1, cpu', color: RED, markers: true });
  series.push({ ...path(d.run.gpu.history!), label: `lr 0.1, ${autoName(r)} (dashed)`, color: BLUE, dashed: true });
  return linePlot(series, {
    title: 'Gradient descent on x0² + x1² from (−3, 4)', xLabel: 'x0', yLabel: 'x1',
    xRange: [-4.5, 4.5], yRange: [-4.5, 4.5], width: 480, height: 482,
  });
}

/** ‖x‖ (distance to the minimum) per step for each learning rate, both backends, log y. */
export function learningRatesSvg(r: ChapterResults): string {
  const colors = [BLUE, RED, GREEN];
  const series: Series[] = [];
  r.descent.forEach((d, i) => {
    for (const side of ['cpu', 'gpu'] as const) {
      const h = d.run[side].history!;
      series.push({
        x: h.map((_, k) => k), y: h.map((p) => Math.hypot(p[0], p[1])),
        label: `lr ${d.lr}, ${side === 'cpu' ? 'cpu' : `${autoName(r)} (dashed)`}`, color: colors[i % colors.length], dashed: side === 'gpu',
      });
    }
  });
  // tall: ~30 decades, one tick each; the lr 10 plateau then sits below the legend
  return linePlot(series, {
    title: 'Distance to the minimum per step, by learning rate', xLabel: 'step', yLabel: '‖x‖ (log)',
    logY: true, xRange: [0, 100], yRange: decades(series.flatMap((s) => s.y)), height: 560,
  });
}

/** J(θ) − J(θ*) per epoch for BGD and SGD on both backends, log y: how fast each nears θ*. */
export function bgdSgdSvg(r: ChapterResults): string {
  const g = r.regression;
  const excess = (l: number[]) => ({ x: l.map((_, k) => k), y: l.map((v) => v - g.lossStar) });
  const series: Series[] = [
    { ...excess(g.bgd.cpu.lossHistory), label: `BGD lr ${g.setup.bgd.lr}, cpu`, color: BLUE },
    { ...excess(g.bgd.gpu.lossHistory), label: `BGD lr ${g.setup.bgd.lr}, ${autoName(r)} (dashed)`, color: BLUE, dashed: true },
    { ...excess(g.sgd.cpu.lossHistory), label: `SGD lr ${g.setup.sgd.lr}, cpu`, color: ORANGE },
    { ...excess(g.sgd.gpu.lossHistory), label: `SGD lr ${g.setup.sgd.lr}, ${autoName(r)} (dashed)`, color: ORANGE, dashed: true },
  ];
  return linePlot(series, {
    title: `Linear regression: J(θ) − J(θ*) per epoch (J(θ*) = ${g.lossStar.toPrecision(4)})`,
    xLabel: 'epoch', yLabel: 'J(θ) − J(θ*)  (log)', logY: true, yRange: decades(series.flatMap((s) => s.y)), height: 440,
  });
}

export const FIGURES: Record<string, (r: ChapterResults) => string> = {
  'tangent.svg': tangentSvg,
  'quiver.svg': quiverSvg,
  'descent.svg': descentSvg,
  'learning-rates.svg': learningRatesSvg,
  'bgd-sgd.svg': bgdSgdSvg,
};

/** Writes every figure into dir (created if needed); returns the absolute paths. */
export async function writeFigures(r: ChapterResults, dir: string): Promise<string[]> {
  const out = resolve(dir);
  await mkdir(out, { recursive: true });
  return Promise.all(Object.entries(FIGURES).map(async ([name, draw]) => {
    const p = join(out, name);
    await writeFile(p, draw(r));
    return p;
  }));
}

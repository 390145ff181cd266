// The chapter's pictures, drawn with the library's own plotters (src/plot/svg.ts): SVG
// strings from section results, shared by the CLI demo (write-figures.ts puts them on disk)
// and the web page (which shows them as images). Browser-safe: no node: imports here.
import { linePlot, quiverPlot, type Series } from 'numgrad';
import type { ChapterResults } from './chapter';
import type { RegressionResult } from './regression';
import type { DescentSectionResult, QuiverResult, TangentResult } from './sections';
import type { BackendInfo } from './sides';

const BLUE = '#1f77b4';
const RED = '#d62728';
const GREEN = '#2ca02c';
const ORANGE = '#ff7f0e';
const GREY = '#cccccc';

export interface FigureOptions {
  /** the gpu side's name in titles and legends: 'webgpu', or e.g. 'auto' when that context is on the CPU */
  gpu: string;
  /** both sides are one context (the web page on ?backend=cpu): draw its series once */
  single?: boolean;
  /** which side a one-sided figure (the tangents) draws; default cpu */
  side?: 'cpu' | 'gpu';
  /** override the figure's own size (the page shows them smaller) */
  width?: number;
  height?: number;
}

/** The CLI's options: the auto context's side is 'webgpu', or 'auto' when it fell back to the CPU. */
export function figureOptions(auto: BackendInfo): FigureOptions {
  return { gpu: auto.backend === 'webgpu' ? 'webgpu' : 'auto' };
}

const size = (o: FigureOptions, width?: number, height?: number) => ({ width: o.width ?? width, height: o.height ?? height });
const sides = (o: FigureOptions) => (o.single ? (['cpu'] as const) : (['cpu', 'gpu'] as const));
/** A series label for a side; the gpu side is dashed, and says so, unless it is drawn alone. */
const sideLabel = (o: FigureOptions, side: 'cpu' | 'gpu') => (side === 'cpu' ? 'cpu' : `${o.gpu} (dashed)`);

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

/** f(x) = 0.01x² + 0.1x on [0, 20] with its tangents at 5 and 10 (one side's slopes). */
export function tangentSvg(tangent: TangentResult, o: FigureOptions): string {
  const side = o.side ?? 'cpu';
  const xs = range(0, 20, 200);
  const series: Series[] = [{ x: xs, y: xs.map((x) => 0.01 * x * x + 0.1 * x), label: 'f(x) = 0.01x² + 0.1x', color: BLUE }];
  tangent.forEach((t, i) => {
    const { slope, intercept } = t.line[side];
    const color = i ? GREEN : RED;
    series.push({ x: xs, y: xs.map((x) => slope * x + intercept), label: `tangent at x = ${t.x}`, color, dashed: true });
    series.push({ x: [t.x], y: [slope * t.x + intercept], color, markers: true }); // the point of contact
  });
  return linePlot(series, {
    title: `Tangent lines from numerical_diff (${side === 'cpu' ? 'cpu' : o.gpu})`, xLabel: 'x', yLabel: 'f(x)', xRange: [0, 20], yRange: [-1, 6], ...size(o),
  });
}

/** −∇f of x0² + x1² over the book's grid, from the gpu side's batched gradient. */
export function quiverSvg(q: QuiverResult, o: FigureOptions): string {
  return quiverPlot(q.points, q.grad.gpu.map(([a, b]) => [-a, -b] as [number, number]), {
    title: `−∇f for f = x0² + x1² (${o.gpu}, one batched call)`, xLabel: 'x0', yLabel: 'x1', ...size(o, 480, 482),
  });
}

/** Level sets f = r² as a light background, with the lr 0.1 descent path from (−3, 4). */
export function descentSvg(descent: DescentSectionResult, o: FigureOptions): string {
  const d = descent.find((e) => e.lr === 0.1)!;
  const t = range(0, 2 * Math.PI, 96);
  const series: Series[] = [1, 2, 3, 4, 5].map((rad) => ({ x: t.map((a) => rad * Math.cos(a)), y: t.map((a) => rad * Math.sin(a)), color: GREY }));
  const path = (h: number[][]) => ({ x: h.map((p) => p[0]), y: h.map((p) => p[1]) });
  for (const side of sides(o)) {
    series.push(side === 'cpu'
      ? { ...path(d.run.cpu.history!), label: 'lr 0.1, cpu', color: RED, markers: true }
      : { ...path(d.run.gpu.history!), label: `lr 0.1, ${sideLabel(o, side)}`, color: BLUE, dashed: true });
  }
  return linePlot(series, {
    title: 'Gradient descent on x0² + x1² from (−3, 4)', xLabel: 'x0', yLabel: 'x1', xRange: [-4.5, 4.5], yRange: [-4.5, 4.5], ...size(o, 480, 482),
  });
}

/** ‖x‖ (distance to the minimum) per step for each learning rate, both sides, log y. */
export function learningRatesSvg(descent: DescentSectionResult, o: FigureOptions): string {
  const colors = [BLUE, RED, GREEN];
  const series: Series[] = [];
  descent.forEach((d, i) => {
    for (const side of sides(o)) {
      const h = d.run[side].history!;
      series.push({
        x: h.map((_, k) => k), y: h.map((p) => Math.hypot(p[0], p[1])),
        label: `lr ${d.lr}, ${sideLabel(o, side)}`, color: colors[i % colors.length], dashed: side === 'gpu',
      });
    }
  });
  // tall: ~30 decades, one tick each; the lr 10 plateau then sits below the legend
  return linePlot(series, {
    title: 'Distance to the minimum per step, by learning rate', xLabel: 'step', yLabel: '‖x‖ (log)',
    logY: true, xRange: [0, 100], yRange: decades(series.flatMap((s) => s.y)), ...size(o, undefined, 560),
  });
}

/** J(θ) − J(θ*) per epoch for BGD and SGD on both sides, log y: how fast each nears θ*. */
export function bgdSgdSvg(g: RegressionResult, o: FigureOptions): string {
  const excess = (l: number[]) => ({ x: l.map((_, k) => k), y: l.map((v) => v - g.lossStar) });
  const series: Series[] = [];
  for (const [name, run, lr, color] of [['BGD', g.bgd, g.setup.bgd.lr, BLUE], ['SGD', g.sgd, g.setup.sgd.lr, ORANGE]] as const) {
    for (const side of sides(o)) {
      series.push({ ...excess(run[side].lossHistory), label: `${name} lr ${lr}, ${sideLabel(o, side)}`, color, dashed: side === 'gpu' });
    }
  }
  return linePlot(series, {
    title: `Linear regression: J(θ) − J(θ*) per epoch (J(θ*) = ${g.lossStar.toPrecision(4)})`,
    xLabel: 'epoch', yLabel: 'J(θ) − J(θ*)  (log)', logY: true, yRange: decades(series.flatMap((s) => s.y)), ...size(o, undefined, 440),
  });
}

/** The CLI demo's files, each drawn from the whole chapter's results. */
export const FIGURES: Record<string, (r: ChapterResults) => string> = {
  'tangent.svg': (r) => tangentSvg(r.tangent, figureOptions(r.auto)),
  'quiver.svg': (r) => quiverSvg(r.quiver, figureOptions(r.auto)),
  'descent.svg': (r) => descentSvg(r.descent, figureOptions(r.auto)),
  'learning-rates.svg': (r) => learningRatesSvg(r.descent, figureOptions(r.auto)),
  'bgd-sgd.svg': (r) => bgdSgdSvg(r.regression, figureOptions(r.auto)),
};

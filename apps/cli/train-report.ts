// What `numgrad train` leaves behind: a summary table for the terminal, two SVG learning
// curves (both gradient methods on the same axes, so they can be compared by eye) and JSON.
import type { TrainResult } from 'numgrad';
import { linePlot, type Series } from 'numgrad';

export type Method = 'numerical' | 'backprop';

export interface Run {
  gradient: Method;
  result: TrainResult;
}

// Numerical blue, backprop red; the raw batch losses in a pale shade of the same hue.
const COLOR: Record<Method, { main: string; pale: string }> = {
  numerical: { main: '#1f77b4', pale: '#b9d3ea' },
  backprop: { main: '#d62728', pale: '#f2b8b8' },
};

/** Centered moving average: batch losses are noisy, the trend is what one reads. */
export function smooth(y: number[], window = Math.max(1, Math.round(y.length / 40))): number[] {
  const half = Math.floor(window / 2);
  const out: number[] = [];
  let sum = 0, lo = 0, hi = 0; // running sum of y[lo, hi)
  for (let i = 0; i < y.length; i++) {
    const a = Math.max(0, i - half), b = Math.min(y.length, i + half + 1);
    while (hi < b) sum += y[hi++];
    while (lo < a) sum -= y[lo++];
    out.push(sum / (b - a));
  }
  return out;
}

/** First evaluation at which test accuracy reached `level` (iteration), or null. */
export function itersTo(r: TrainResult, level: number): number | null {
  const i = r.testAcc.findIndex((a) => a >= level);
  return i < 0 ? null : r.evalIters[i];
}

const last = <T>(a: T[]): T | undefined => a[a.length - 1];

export function summaryRows(runs: Run[]) {
  return runs.map(({ gradient, result: r }) => ({
    gradient,
    iterations: r.lossHistory.length,
    seconds: r.seconds,
    itersPerSec: r.lossHistory.length / r.seconds,
    initialLoss: r.lossHistory[0],
    finalLoss: last(r.lossHistory)!,
    trainAcc: last(r.trainAcc) ?? null,
    testAcc: last(r.testAcc) ?? null,
    itersTo90: itersTo(r, 0.9),
  }));
}

export function summaryTable(runs: Run[]): string {
  const head = ['gradient', 'iters', 'wall', 'it/s', 'final loss', 'train acc', 'test acc', 'test ≥ 90%'];
  const p = (v: number | null) => (v === null ? '-' : `${(100 * v).toFixed(2)}%`);
  const body = summaryRows(runs).map((s) => [
    s.gradient, String(s.iterations), `${(s.seconds / 60).toFixed(2)} min`, s.itersPerSec.toFixed(1),
    s.finalLoss.toFixed(4), p(s.trainAcc), p(s.testAcc), s.itersTo90 === null ? 'not reached' : `iter ${s.itersTo90}`,
  ]);
  const w = head.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((v, c) => (c === 0 ? v.padEnd(w[c]) : v.padStart(w[c]))).join('  ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...body.map(line)].join('\n');
}

/** At most ~2000 points per raw series: enough for the eye, keeps the SVG small on long runs. */
function thin(y: number[]): { x: number[]; y: number[] } {
  const k = Math.max(1, Math.ceil(y.length / 2000));
  const x: number[] = [], v: number[] = [];
  for (let i = 0; i < y.length; i += k) { x.push(i + 1); v.push(y[i]); }
  return { x, y: v };
}

/** Raw batch loss (pale) under its moving average, per method: one path each. */
export function lossSvg(runs: Run[], title: string): string {
  // With the same seed the two methods' curves coincide; backprop is drawn last and dashed so
  // the numerical curve shows through its gaps rather than being hidden.
  const order = [...runs].sort((a, b) => (a.gradient === 'backprop' ? -1 : 1) - (b.gradient === 'backprop' ? -1 : 1));
  const series: Series[] = [];
  for (const { gradient, result } of order) series.push({ ...thin(result.lossHistory), color: COLOR[gradient].pale, label: `${gradient} (batch)` });
  for (const { gradient, result } of runs) {
    series.push({ ...thin(smooth(result.lossHistory)), color: COLOR[gradient].main, label: `${gradient} (smoothed)`, dashed: gradient === 'backprop' });
  }
  return linePlot(series, { title, xLabel: 'iteration', yLabel: 'cross-entropy loss', width: 720, height: 420 });
}

const ACC_COLOR: Record<Method, { train: string; test: string }> = {
  numerical: { train: '#1f77b4', test: '#2ca02c' },
  backprop: { train: '#d62728', test: '#ff7f0e' },
};

/** Train and test accuracy at each evaluation, per method: one path each; backprop dashed on top. */
export function accuracySvg(runs: Run[], title: string): string {
  const series: Series[] = [];
  const items: { label: string; color: string; dashed: boolean }[] = [];
  for (const { gradient, result: r } of runs) {
    const dashed = gradient === 'backprop', markers = !dashed && r.evalIters.length <= 60;
    const sets: ['train' | 'test', number[]][] = [['train', r.trainAcc], ['test', r.testAcc]];
    for (const [which, acc] of sets) {
      if (!acc.length) continue;
      const color = ACC_COLOR[gradient][which], label = `${gradient} ${which}`;
      series.push({ x: r.evalIters, y: acc.map((a) => 100 * a), color, dashed, markers });
      items.push({ label, color, dashed });
    }
  }
  // The curves climb into the top-right corner where linePlot puts its legend; ours goes bottom right.
  const W = 720, H = 420;
  const svg = linePlot(series, { title, xLabel: 'iteration', yLabel: 'accuracy (%)', width: W, height: H });
  const legend = items.map((it, i) => {
    const y = H - 46 - 10 - (items.length - i) * 16;
    return `<g transform="translate(${W - 16 - 160} ${y})"><line x1="0" x2="22" stroke="${it.color}" stroke-width="2"${it.dashed ? ' stroke-dasharray="5 4"' : ''}/><text x="28" dominant-baseline="middle">${it.label}</text></g>`;
  }).join('');
  return svg.replace(/<\/svg>\n?$/, `${legend}</svg>\n`);
}

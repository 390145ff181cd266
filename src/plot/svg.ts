import { extent, fmt, scale, type Scale } from './scale';

// Small dependency-free SVG charts for the demo, the benchmarks and the web page: people
// would rather look at a descent path or a learning curve than read a column of numbers.

/** One line of {@link linePlot}: points (x[i], y[i]); non-finite y values break the line. */
export interface Series {
  /** x coordinates */
  x: number[];
  /** y coordinates, as many as x */
  y: number[];
  /** legend text (no legend entry without it) */
  label?: string;
  /** any SVG colour (default: the next of a fixed palette) */
  color?: string;
  /** draw dashed */
  dashed?: boolean;
  /** a dot at every point */
  markers?: boolean;
}

/** The frame of a chart: titles, size in pixels and axis ranges (default: fitted to the data). */
export interface Frame {
  /** text above the plot */
  title?: string;
  /** x axis label */
  xLabel?: string;
  /** y axis label */
  yLabel?: string;
  /** SVG width in pixels */
  width?: number;
  /** SVG height in pixels */
  height?: number;
  /** logarithmic y axis */
  logY?: boolean;
  /** [min, max] of the x axis */
  xRange?: [number, number];
  /** [min, max] of the y axis */
  yRange?: [number, number];
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const M = { l: 64, r: 16, t: 36, b: 46 };

let clipCounter = 0;

/** Whole decades around the positive values (log axes pad in log space, never below 0). */
function logExtent(values: number[]): [number, number] {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  if (!pos.length) return [1, 10];
  const lo = 10 ** Math.floor(Math.log10(Math.min(...pos)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...pos)));
  return [lo, hi > lo ? hi : lo * 10];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function axes(f: Frame, sx: Scale, sy: Scale, w: number, h: number): string {
  const parts: string[] = [];
  for (const t of sx.ticks) {
    const x = sx(t).toFixed(1);
    parts.push(`<line x1="${x}" y1="${M.t}" x2="${x}" y2="${h - M.b}" stroke="#eee"/>`,
      `<text x="${x}" y="${h - M.b + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  for (const t of sy.ticks) {
    const y = sy(t).toFixed(1);
    parts.push(`<line x1="${M.l}" y1="${y}" x2="${w - M.r}" y2="${y}" stroke="#eee"/>`,
      `<text x="${M.l - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${fmt(t)}</text>`);
  }
  parts.push(`<rect x="${M.l}" y="${M.t}" width="${w - M.l - M.r}" height="${h - M.t - M.b}" fill="none" stroke="#888"/>`);
  if (f.title) parts.push(`<text x="${w / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(f.title)}</text>`);
  if (f.xLabel) parts.push(`<text x="${(M.l + w - M.r) / 2}" y="${h - 8}" text-anchor="middle">${esc(f.xLabel)}</text>`);
  if (f.yLabel) parts.push(`<text transform="translate(14 ${(M.t + h - M.b) / 2}) rotate(-90)" text-anchor="middle">${esc(f.yLabel)}</text>`);
  return parts.join('');
}

function wrap(w: number, h: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="11"><rect width="${w}" height="${h}" fill="white"/>${body}</svg>\n`;
}

function legend(items: { label?: string; color: string; dashed?: boolean }[], w: number): string {
  const shown = items.filter((s) => s.label);
  if (!shown.length) return '';
  const x = w - M.r - 174;
  const bg = `<rect x="${x - 4}" y="${M.t + 2}" width="172" height="${shown.length * 15 + 6}" fill="white" fill-opacity="0.85"/>`;
  return bg + shown
    .map((s, i) => `<g transform="translate(${x} ${M.t + 10 + i * 15})"><line x2="12" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="4 2"' : ''}/><text x="16" dominant-baseline="middle">${esc(s.label!)}</text></g>`)
    .join('');
}

/** Lines (optionally with point markers) in one frame; non-finite points break the line. */
export function linePlot(series: Series[], f: Frame = {}): string {
  const w = f.width ?? 560;
  const h = f.height ?? 380;
  const xs = f.xRange ?? extent(series.flatMap((s) => s.x));
  const ys = f.yRange ?? (f.logY ? logExtent(series.flatMap((s) => s.y)) : extent(series.flatMap((s) => s.y), 0.05));
  const sx = scale(xs[0], xs[1], M.l, w - M.r);
  const sy = scale(ys[0], ys[1], h - M.b, M.t, f.logY);
  const clip = `ng-clip-${++clipCounter}`; // unique, so several inline charts on one page don't share a clip
  const body: string[] = [axes(f, sx, sy, w, h), `<clipPath id="${clip}"><rect x="${M.l}" y="${M.t}" width="${w - M.l - M.r}" height="${h - M.t - M.b}"/></clipPath><g clip-path="url(#${clip})">`];
  const colored = series.map((s, i) => ({ ...s, color: s.color ?? PALETTE[i % PALETTE.length] }));
  for (const s of colored) {
    let d = '';
    let pen = false;
    for (let i = 0; i < s.x.length; i++) {
      const ok = Number.isFinite(s.x[i]) && Number.isFinite(s.y[i]) && (!f.logY || s.y[i] > 0);
      if (!ok) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${sx(s.x[i]).toFixed(2)},${sy(s.y[i]).toFixed(2)}`;
      pen = true;
    }
    body.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`);
    if (s.markers) {
      for (let i = 0; i < s.x.length; i++) {
        if (Number.isFinite(s.x[i]) && Number.isFinite(s.y[i])) body.push(`<circle cx="${sx(s.x[i]).toFixed(2)}" cy="${sy(s.y[i]).toFixed(2)}" r="2.5" fill="${s.color}"/>`);
      }
    }
  }
  body.push('</g>', legend(colored, w));
  return wrap(w, h, body.join(''));
}

/** Arrows (u, v) at points (x, y), scaled so the longest spans ~0.9 grid cells. */
export function quiverPlot(points: [number, number][], vectors: [number, number][], f: Frame = {}): string {
  const w = f.width ?? 480;
  const h = f.height ?? 480;
  const xs = f.xRange ?? extent(points.map((p) => p[0]), 0.08);
  const ys = f.yRange ?? extent(points.map((p) => p[1]), 0.08);
  const sx = scale(xs[0], xs[1], M.l, w - M.r);
  const sy = scale(ys[0], ys[1], h - M.b, M.t);
  const cells = Math.max(2, Math.sqrt(points.length));
  const cellPx = Math.min(w - M.l - M.r, h - M.t - M.b) / cells;
  const longest = Math.max(1e-300, ...vectors.map(([u, v]) => Math.hypot(u, v)).filter(Number.isFinite));
  const k = (0.9 * cellPx) / longest;
  const body = [axes(f, sx, sy, w, h)];
  points.forEach(([x, y], i) => {
    const [u, v] = vectors[i];
    if (!Number.isFinite(u) || !Number.isFinite(v)) return;
    const x0 = sx(x);
    const y0 = sy(y);
    const x1 = x0 + u * k;
    const y1 = y0 - v * k;
    const a = Math.atan2(y1 - y0, x1 - x0);
    const hl = Math.min(5, Math.hypot(x1 - x0, y1 - y0) * 0.4);
    const hx = (s: number) => (x1 - hl * Math.cos(a + s)).toFixed(1);
    const hy = (s: number) => (y1 - hl * Math.sin(a + s)).toFixed(1);
    body.push(`<path d="M${x0.toFixed(1)},${y0.toFixed(1)}L${x1.toFixed(1)},${y1.toFixed(1)}M${hx(0.45)},${hy(0.45)}L${x1.toFixed(1)},${y1.toFixed(1)}L${hx(-0.45)},${hy(-0.45)}" stroke="#1f77b4" fill="none"/>`);
  });
  return wrap(w, h, body.join(''));
}

/** One bar of {@link barChart}. */
export interface Bar {
  /** text left of the bar */
  label: string;
  /** length of the bar, in the chart's unit */
  value: number;
  /** any SVG colour */
  color?: string;
  /** text right of the bar (default: the value with the unit) */
  note?: string;
}

/** Horizontal bars, log scale by default (timings spanning decades). */
export function barChart(bars: Bar[], f: Frame & { unit?: string; log?: boolean } = {}): string {
  const w = f.width ?? 720;
  const rowH = 24;
  const left = 230;
  const h = M.t + M.b + rowH * bars.length;
  const vals = bars.map((b) => b.value).filter((v) => v > 0 && Number.isFinite(v));
  const log = f.log ?? true;
  const lo = log ? 10 ** Math.floor(Math.log10(Math.min(...vals))) : 0;
  const hi = log ? 10 ** Math.ceil(Math.log10(Math.max(...vals))) : Math.max(...vals) * 1.1;
  const sx = scale(lo, hi, left, w - 90, log);
  const parts: string[] = [];
  if (f.title) parts.push(`<text x="${w / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(f.title)}</text>`);
  for (const t of sx.ticks) parts.push(`<line x1="${sx(t)}" y1="${M.t}" x2="${sx(t)}" y2="${h - M.b}" stroke="#eee"/><text x="${sx(t)}" y="${h - M.b + 14}" text-anchor="middle">${fmt(t)}</text>`);
  bars.forEach((b, i) => {
    const y = M.t + i * rowH;
    const x1 = b.value > 0 && Number.isFinite(b.value) ? sx(b.value) : left;
    parts.push(`<text x="${left - 6}" y="${y + rowH / 2}" text-anchor="end" dominant-baseline="middle">${esc(b.label)}</text>`,
      `<rect x="${left}" y="${y + 4}" width="${Math.max(1, x1 - left).toFixed(1)}" height="${rowH - 8}" fill="${b.color ?? PALETTE[0]}"/>`,
      `<text x="${x1 + 4}" y="${y + rowH / 2}" dominant-baseline="middle">${fmt(b.value)}${f.unit ? ' ' + f.unit : ''}${b.note ? ' ' + esc(b.note) : ''}</text>`);
  });
  if (f.xLabel) parts.push(`<text x="${(left + w - 90) / 2}" y="${h - 10}" text-anchor="middle">${esc(f.xLabel)}</text>`);
  return wrap(w, h, parts.join(''));
}

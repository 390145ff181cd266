// A tiny SVG plotting helper for the demo page: axes, lines, points and arrows (quiver) in
// data coordinates. No dependencies; every call returns the figure so calls chain.
const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs = {}, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** ~5 round tick values covering [lo, hi]. */
function ticks(lo, hi, count = 5) {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(+t.toFixed(12));
  return out;
}

/**
 * figure({ x: [lo, hi], y: [lo, hi], width?, height?, title? }) → { svg, line, points, arrows, label }.
 * Append `fig.svg` to the page.
 */
export function figure({ x, y, width = 380, height = 260, title = '' }) {
  const m = { l: 44, r: 12, t: title ? 24 : 10, b: 28 };
  const sx = (v) => m.l + ((v - x[0]) / (x[1] - x[0])) * (width - m.l - m.r);
  const sy = (v) => height - m.b - ((v - y[0]) / (y[1] - y[0])) * (height - m.t - m.b);
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'plot', role: 'img' });
  // Clip so lines leaving the domain (a tangent, a diverging path) stay inside the axes.
  const id = `clip${Math.random().toString(36).slice(2, 8)}`;
  const defs = el('defs');
  const clip = el('clipPath', { id });
  clip.append(el('rect', { x: m.l, y: m.t, width: width - m.l - m.r, height: height - m.t - m.b }));
  defs.append(clip);
  let markers = 0;
  // An arrowhead per arrows() call: a marker takes its colour from where it is defined, not used.
  const arrowhead = (color) => {
    const mid = `${id}a${markers++}`;
    const marker = el('marker', { id: mid, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 5, markerHeight: 5, orient: 'auto' });
    marker.append(el('path', { d: 'M0,0 L10,5 L0,10 z', fill: color }));
    defs.append(marker);
    return `url(#${mid})`;
  };
  svg.append(defs);
  if (title) svg.append(el('text', { x: width / 2, y: 16, 'text-anchor': 'middle', class: 'title' }, title));

  const axes = el('g', { class: 'axes' });
  for (const t of ticks(x[0], x[1])) {
    axes.append(el('line', { x1: sx(t), x2: sx(t), y1: m.t, y2: height - m.b, class: 'grid' }));
    axes.append(el('text', { x: sx(t), y: height - m.b + 16, 'text-anchor': 'middle' }, String(t)));
  }
  for (const t of ticks(y[0], y[1])) {
    axes.append(el('line', { x1: m.l, x2: width - m.r, y1: sy(t), y2: sy(t), class: 'grid' }));
    axes.append(el('text', { x: m.l - 6, y: sy(t) + 4, 'text-anchor': 'end' }, String(t)));
  }
  axes.append(el('rect', { x: m.l, y: m.t, width: width - m.l - m.r, height: height - m.t - m.b, class: 'frame' }));
  svg.append(axes);
  const body = el('g', { 'clip-path': `url(#${id})` });
  svg.append(body);

  const fig = {
    svg,
    /** A polyline through [[x, y], ...]. */
    line(pts, { color = '#1f6feb', width: w = 2, dash = '' } = {}) {
      const d = pts.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b)).map(([a, b], i) => `${i ? 'L' : 'M'}${sx(a).toFixed(2)},${sy(b).toFixed(2)}`).join('');
      body.append(el('path', { d, fill: 'none', stroke: color, 'stroke-width': w, 'stroke-dasharray': dash }));
      return fig;
    },
    /** Dots at [[x, y], ...]. */
    points(pts, { color = '#d1242f', r = 3 } = {}) {
      for (const [a, b] of pts) body.append(el('circle', { cx: sx(a), cy: sy(b), r, fill: color }));
      return fig;
    },
    /**
     * Arrows from [x, y] along [dx, dy] (data units), scaled so the longest is `maxLen` px
     * — a quiver plot. Pass `{ scale }` to fix the data→px factor instead.
     */
    arrows(list, { color = '#555', maxLen = 18, scale } = {}) {
      const px = (width - m.l - m.r) / (x[1] - x[0]);
      const py = (height - m.t - m.b) / (y[1] - y[0]);
      const longest = Math.max(...list.map(({ dx, dy }) => Math.hypot(dx * px, dy * py)), 1e-12);
      const k = scale ?? maxLen / longest;
      const head = arrowhead(color);
      for (const { x: a, y: b, dx, dy } of list) {
        const x1 = sx(a), y1 = sy(b);
        body.append(el('line', { x1, y1, x2: x1 + dx * px * k, y2: y1 - dy * py * k, stroke: color, 'stroke-width': 1.2, 'marker-end': head }));
      }
      return fig;
    },
    /** Text at a data point. */
    label(a, b, text, { color = '#222' } = {}) {
      body.append(el('text', { x: sx(a) + 6, y: sy(b) - 6, fill: color }, text));
      return fig;
    },
  };
  return fig;
}

/** n + 1 evenly spaced samples of f over [lo, hi] as [[x, f(x)], ...]. */
export function sample(f, lo, hi, n = 200) {
  return Array.from({ length: n + 1 }, (_, i) => {
    const v = lo + ((hi - lo) * i) / n;
    return [v, f(v)];
  });
}

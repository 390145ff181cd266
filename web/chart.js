// Inline SVG charts drawn at the width of their box (so text stays 12 px on a phone, never
// scaled down), with the legend outside the plot (it cannot hide data), series told apart by
// dash pattern and marker shape as well as colour, and a text alternative: the SVG is an
// image with a title and a description, and the numbers behind it sit in a table beside it.
import { h } from './ui.js';

// Colours with ≥ 4.5:1 contrast on white, so even thin lines and markers stand out.
export const C = { blue: '#0b5cad', red: '#b3261e', green: '#1a7f37', orange: '#a34f00', purple: '#6639ba', grey: '#6e7781', faint: '#c8ced6' };
export const DASH = { solid: null, dashed: '7 4', dotted: '2 3', dashdot: '8 3 2 3' };

const M = { l: 58, r: 14, t: 14, b: 42 };
const FONT = 12;
let ids = 0;

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : 'NaN');

function tickLabel(t) {
  if (t === 0) return '0';
  const a = Math.abs(t);
  if (a >= 1e4 || a < 1e-3) return t.toExponential(0).replace('e+', 'e');
  return String(Number(t.toPrecision(4)));
}

function scale(lo, hi, a, b, log) {
  const f = log ? Math.log10 : (v) => v;
  const l = f(lo);
  const r = f(hi);
  const s = (v) => a + ((f(v) - l) / (r - l || 1)) * (b - a);
  s.inv = (p) => { const u = l + ((p - a) / (b - a)) * (r - l); return log ? 10 ** u : u; };
  s.ticks = (max) => {
    if (log) {
      const d0 = Math.ceil(l - 1e-9);
      const d1 = Math.floor(r + 1e-9);
      const every = Math.max(1, Math.ceil((d1 - d0 + 1) / max));
      const out = [];
      for (let d = d0; d <= d1; d += every) out.push(10 ** d);
      return out;
    }
    const span = hi - lo;
    const raw = span / Math.max(1, max);
    const p = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s2) => s2 >= raw) ?? raw;
    const out = [];
    for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
    return out;
  };
  return s;
}

const MARK = {
  circle: (x, y, c) => `<circle cx="${n1(x)}" cy="${n1(y)}" r="4" fill="${c}"/>`,
  ring: (x, y, c) => `<circle cx="${n1(x)}" cy="${n1(y)}" r="4.5" fill="white" stroke="${c}" stroke-width="2"/>`,
  square: (x, y, c) => `<rect x="${n1(x - 4)}" y="${n1(y - 4)}" width="8" height="8" fill="${c}"/>`,
  triangle: (x, y, c) => `<path d="M${n1(x)} ${n1(y - 5)}L${n1(x + 5)} ${n1(y + 4)}L${n1(x - 5)} ${n1(y + 4)}Z" fill="${c}"/>`,
  diamond: (x, y, c) => `<path d="M${n1(x)} ${n1(y - 5)}L${n1(x + 5)} ${n1(y)}L${n1(x)} ${n1(y + 5)}L${n1(x - 5)} ${n1(y)}Z" fill="${c}"/>`,
};

/** A small legend swatch: the series' line style and marker. */
function swatch(s) {
  const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
  const line = s.line === false ? '' : `<line x1="1" y1="8" x2="33" y2="8" stroke="${s.color}" stroke-width="${s.width ?? 2}"${dash}/>`;
  const mark = s.marker ? MARK[s.marker](17, 8, s.color) : '';
  const el = h('span', { className: 'swatch', ariaHidden: 'true' });
  el.innerHTML = `<svg width="34" height="16" viewBox="0 0 34 16" focusable="false">${line}${mark}</svg>`;
  return el;
}

/**
 * A chart in `host`. spec: { title, xLabel, yLabel, aspect (height/width), logX, logY }.
 * draw({ series, xRange, yRange, overlay(sx, sy) → svg string, desc }) renders it; the last
 * drawing is repeated when the box changes width. series: { x, y, label, color, dash,
 * marker ('circle'|'ring'|'square'|'triangle'|'diamond'), markEvery, line (false: markers
 * only), width }. Non-finite points break a line.
 */
export function chart(host, spec) {
  const id = `chart-${++ids}`;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-labelledby', `${id}-t ${id}-d`);
  svg.setAttribute('class', 'chart');
  const legend = h('ul', { className: 'legend' });
  const fig = h('figure', { className: 'figure' }, svg, legend);
  host.append(fig);
  let last = null;
  let scales = null;
  const api = {
    svg,
    get scales() { return scales; },
    draw(d) { last = d; render(); },
  };
  function render() {
    if (!last) return;
    const w = Math.max(260, Math.min(640, Math.floor(fig.clientWidth || host.clientWidth || 480)));
    const hgt = Math.round(w * (spec.aspect ?? 0.62));
    const d = last;
    const all = d.series.flatMap((s) => s.x.map((x, i) => [x, s.y[i]])).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)
      && (!spec.logX || x > 0) && (!spec.logY || y > 0));
    const ext = (k, log) => {
      const v = all.map((p) => p[k]);
      if (!v.length) return log ? [1, 10] : [0, 1];
      let lo = Math.min(...v);
      let hi = Math.max(...v);
      if (log) return [10 ** Math.floor(Math.log10(lo)), 10 ** Math.max(Math.ceil(Math.log10(hi)), Math.floor(Math.log10(lo)) + 1)];
      if (lo === hi) { lo -= 1; hi += 1; }
      const pad = (hi - lo) * 0.05;
      return [lo - pad, hi + pad];
    };
    const xr = d.xRange ?? ext(0, spec.logX);
    const yr = d.yRange ?? ext(1, spec.logY);
    const sx = scale(xr[0], xr[1], M.l, w - M.r, spec.logX);
    const sy = scale(yr[0], yr[1], hgt - M.b, M.t, spec.logY);
    scales = { sx, sy, xr, yr, w, h: hgt };
    const p = [];
    p.push(`<title id="${id}-t">${esc(spec.title)}</title><desc id="${id}-d">${esc(d.desc ?? '')}</desc>`);
    p.push(`<rect width="${w}" height="${hgt}" fill="white"/>`);
    const xt = sx.ticks(Math.max(3, Math.floor((w - M.l - M.r) / 70)));
    const yt = sy.ticks(Math.max(3, Math.floor((hgt - M.t - M.b) / 40)));
    for (const t of xt) p.push(`<line x1="${n1(sx(t))}" y1="${M.t}" x2="${n1(sx(t))}" y2="${hgt - M.b}" stroke="#eaeef2"/><text x="${n1(sx(t))}" y="${hgt - M.b + 16}" text-anchor="middle">${tickLabel(t)}</text>`);
    for (const t of yt) p.push(`<line x1="${M.l}" y1="${n1(sy(t))}" x2="${w - M.r}" y2="${n1(sy(t))}" stroke="#eaeef2"/><text x="${M.l - 6}" y="${n1(sy(t) + 4)}" text-anchor="end">${tickLabel(t)}</text>`);
    p.push(`<text x="${(M.l + w - M.r) / 2}" y="${hgt - 6}" text-anchor="middle">${esc(spec.xLabel ?? '')}</text>`);
    p.push(`<text transform="translate(14 ${(M.t + hgt - M.b) / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel ?? '')}</text>`);
    p.push(`<clipPath id="${id}-c"><rect x="${M.l}" y="${M.t}" width="${w - M.l - M.r}" height="${hgt - M.t - M.b}"/></clipPath><g clip-path="url(#${id}-c)">`);
    const ok = (x, y) => Number.isFinite(x) && Number.isFinite(y) && (!spec.logX || x > 0) && (!spec.logY || y > 0);
    for (const s of d.series) {
      if (s.line !== false) {
        let path = '';
        let pen = false;
        s.x.forEach((x, i) => {
          const y = s.y[i];
          if (!ok(x, y)) { pen = false; return; }
          const px = Math.max(-1e5, Math.min(1e5, sx(x)));
          const py = Math.max(-1e5, Math.min(1e5, sy(y)));
          path += `${pen ? 'L' : 'M'}${n1(px)} ${n1(py)}`;
          pen = true;
        });
        if (path) p.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 2}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''} stroke-linejoin="round"/>`);
      }
      if (s.marker) {
        const every = s.markEvery ?? 1;
        s.x.forEach((x, i) => { if (i % every === 0 && ok(x, s.y[i])) p.push(MARK[s.marker](sx(x), sy(s.y[i]), s.color)); });
      }
    }
    if (d.overlay) p.push(d.overlay(sx, sy));
    p.push('</g>');
    p.push(`<rect x="${M.l}" y="${M.t}" width="${w - M.l - M.r}" height="${hgt - M.t - M.b}" fill="none" stroke="#57606a"/>`);
    svg.setAttribute('width', String(w));
    svg.setAttribute('height', String(hgt));
    svg.setAttribute('viewBox', `0 0 ${w} ${hgt}`);
    svg.setAttribute('font-size', String(FONT));
    svg.setAttribute('font-family', 'system-ui, sans-serif');
    svg.setAttribute('fill', '#1f2328');
    svg.innerHTML = p.join('');
    legend.replaceChildren(...d.series.filter((s) => s.label).map((s) => h('li', {}, swatch(s), s.label)));
  }
  let lastWidth = 0;
  new ResizeObserver(() => {
    const wNow = Math.floor(fig.clientWidth);
    if (wNow && wNow !== lastWidth) { lastWidth = wNow; render(); }
  }).observe(fig);
  /** Data coordinates of a pointer event, or null outside the plot. */
  api.toData = (ev) => {
    if (!scales) return null;
    const r = svg.getBoundingClientRect();
    const px = ((ev.clientX - r.left) / r.width) * scales.w;
    const py = ((ev.clientY - r.top) / r.height) * scales.h;
    if (px < M.l || px > scales.w - M.r || py < M.t || py > scales.h - M.b) return null;
    return [scales.sx.inv(px), scales.sy.inv(py)];
  };
  /** Client (viewport) coordinates of a data point: what a pointer must hit to mean (x, y). */
  api.toClient = (x, y) => {
    if (!scales) return null;
    const r = svg.getBoundingClientRect();
    return [r.left + (scales.sx(x) / scales.w) * r.width, r.top + (scales.sy(y) / scales.h) * r.height];
  };
  return api;
}

/** An arrow from (x, y) by (dx, dy) in pixels, for quiver overlays. */
export function arrow(x, y, dx, dy, color) {
  const len = Math.hypot(dx, dy);
  if (!(len > 0.5)) return `<circle cx="${n1(x)}" cy="${n1(y)}" r="1.2" fill="${color}"/>`;
  const ux = dx / len;
  const uy = dy / len;
  const hx = x + dx;
  const hy = y + dy;
  const s = Math.min(5, len * 0.45);
  return `<path d="M${n1(x)} ${n1(y)}L${n1(hx)} ${n1(hy)}M${n1(hx - s * ux + s * 0.5 * uy)} ${n1(hy - s * uy - s * 0.5 * ux)}L${n1(hx)} ${n1(hy)}L${n1(hx - s * ux - s * 0.5 * uy)} ${n1(hy - s * uy + s * 0.5 * ux)}" stroke="${color}" fill="none" stroke-width="1.4"/>`;
}

/** Circles of radius r around the origin as series (contours of x0² + x1²). */
export function circles(radii, color = C.faint) {
  const t = Array.from({ length: 97 }, (_, i) => (2 * Math.PI * i) / 96);
  return radii.map((r) => ({ x: t.map((a) => r * Math.cos(a)), y: t.map((a) => r * Math.sin(a)), color, width: 1 }));
}

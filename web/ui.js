// Small DOM helpers shared by the demo page's sections. Charts arrive as SVG strings from the
// chapter module (apps/chapter/figures.ts), the same builders the CLI demo writes to files.

/** document.createElement with properties and children. */
export const h = (tag, props = {}, ...kids) => {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...kids.filter((k) => k !== null && k !== undefined));
  return e;
};

/** A number for a table cell: fixed for ordinary magnitudes, exponential otherwise. */
export const fmt = (v, d = 6) => {
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(d - 1) : v.toFixed(d);
};

/** [a, b, …] as "(a, b, …)". */
export const vec = (v, d = 6) => `(${(Array.isArray(v) ? v : [v]).map((c) => fmt(c, d)).join(', ')})`;

/** A table with a header row; cells are strings or nodes. */
export const table = (head, rows) =>
  h('table', {},
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', {}, c)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))));

/**
 * A library SVG as an <img>. An image is its own document, so the `id`s inside one chart
 * (linePlot's clip path) cannot collide with another chart's on the same page.
 */
export function chart(svg, alt) {
  const m = /width="(\d+)" height="(\d+)"/.exec(svg);
  return h('img', {
    className: 'chart',
    alt,
    src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`,
    width: m ? Number(m[1]) : undefined,
    height: m ? Number(m[2]) : undefined,
  });
}

/** Label for a backend in column headers. */
export const label = (ctx) => (ctx.backend === 'webgpu' ? 'WebGPU (float32)' : 'CPU (float64)');

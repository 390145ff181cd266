// Small DOM helpers shared by the page's panels: elements, number formats, captioned tables
// in their own scroll box, the verify block, and the live-update loop that times each redraw.

/** document.createElement with properties and children (no inline handlers: listeners are added in code). */
export const h = (tag, props = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null) continue;
    if (k.startsWith('aria') || k.startsWith('data-') || k === 'for' || k === 'role') e.setAttribute(k.startsWith('aria') && !k.includes('-') ? `aria-${k.slice(4).toLowerCase()}` : k, String(v));
    else e[k] = v;
  }
  e.append(...kids.flat().filter((k) => k !== null && k !== undefined && k !== false));
  return e;
};

/** A number for a cell: fixed for ordinary magnitudes, exponential otherwise. */
export const fmt = (v, d = 6) => {
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(d - 1) : v.toFixed(d);
};

/** Shortest round-trip float64 (as Python prints: 0.1999999999990898). */
export const f64 = (v) => (typeof v !== 'number' || !Number.isFinite(v) ? String(v)
  : v !== 0 && (Math.abs(v) >= 1e9 || Math.abs(v) < 1e-5) ? v.toExponential(15).replace(/\.?0+e/, 'e') : String(v));

/** A float32 result to the 8 significant digits it carries. */
export const f32 = (v) => (typeof v !== 'number' || !Number.isFinite(v) ? String(v)
  : v !== 0 && (Math.abs(v) >= 1e9 || Math.abs(v) < 1e-5) ? v.toExponential(7) : String(Number(v.toPrecision(8))));

/** Two significant digits, for tolerances and error estimates: 4.8e-4. */
export const sci = (v) => (typeof v !== 'number' || !Number.isFinite(v) ? String(v) : v === 0 ? '0' : v.toExponential(1));

/** [a, b] as "(a, b)". */
export const vec = (v, f = fmt) => `(${(Array.isArray(v) ? v : [v]).map((c) => f(c)).join(', ')})`;

/** A table with a caption and a header row, inside its own horizontally scrolling box. */
export function table(caption, head, rows) {
  // The <caption> names the table for assistive technology; the visible copy sits outside the
  // scroll box, so it wraps at the page's width instead of scrolling away with a wide table.
  const t = h('table', {},
    h('caption', { className: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c, j) => (j === 0 ? h('th', { scope: 'row' }, c) : h('td', {}, c)))))));
  // the box is focusable so a keyboard user can scroll it too
  return h('div', { className: 'table' }, h('p', { className: 'caption', ariaHidden: 'true' }, caption),
    h('div', { className: 'scroll', tabIndex: 0, role: 'region', ariaLabel: caption }, t));
}

/** Label for a context in column headers. */
export const label = (ctx) => (ctx.backend === 'webgpu' ? 'WebGPU (float32)' : 'CPU (float64)');

/** A labelled control row. */
export const field = (text, input, extra) => h('label', { className: 'field' }, h('span', {}, text), input, extra);

/**
 * The verify toggle and its table: every GPU number beside the CPU float64 one, their
 * difference and the GPU's own error estimate. `rows` are { name, gpu, cpu, error } (error
 * may be null: no estimate for that quantity).
 */
export function verifyBox(panelKey) {
  const box = h('input', { type: 'checkbox', id: `${panelKey}-verify`, className: 'verify-toggle' });
  const out = h('div', { className: 'verify-out', ariaLive: 'polite' });
  const wrap = h('div', { className: 'verify' }, h('label', { for: box.id }, box, ' verify on the CPU (float64)'), out);
  return {
    el: wrap,
    input: box,
    get on() { return box.checked; },
    show(rows, note, pageCtx) {
      if (!box.checked) { out.replaceChildren(); return; }
      const same = pageCtx.backend === 'cpu';
      out.replaceChildren(
        table(same ? 'The page runs on the CPU: both columns are float64' : 'Page result (WebGPU, float32) against the CPU float64 path',
          ['quantity', label(pageCtx), 'CPU (float64)', '|difference|', 'error estimate'],
          rows.map((r) => [r.name, f32(r.gpu), f64(r.cpu), sci(Math.abs(r.gpu - r.cpu)), r.error == null ? '—' : sci(r.error)])),
        note ? h('p', { className: 'caption' }, note) : null);
    },
  };
}

/**
 * One panel's update loop: `update(arg)` runs `body(arg)` (the numgrad calls and the
 * redraw), one at a time, the latest request winning, and records its wall time. The panel's
 * state is published on `pub` (window.numgradDemo.panels[key]): seq counts finished updates,
 * busy says one is running or queued, times holds each update's ms.
 */
export function live(pub, body, onError) {
  let running = null;
  let queued;
  let hasQueued = false;
  pub.seq = 0;
  pub.busy = false;
  pub.times = [];
  async function loop(arg) {
    for (;;) {
      const t0 = performance.now();
      try {
        await body(arg);
        pub.error = null;
      } catch (e) {
        pub.error = String(e?.message ?? e);
        onError?.(e);
      }
      pub.times.push(performance.now() - t0);
      pub.seq++;
      if (!hasQueued) break;
      arg = queued;
      hasQueued = false;
    }
    running = null;
    pub.busy = false;
  }
  return function update(arg) {
    pub.busy = true;
    if (running) {
      queued = arg;
      hasQueued = true;
      return running;
    }
    running = loop(arg);
    return running;
  };
}

// The numgrad demo page: one section per chapter-4 topic. Each section names the context
// methods it needs; a section whose methods are not in this build says so instead of failing,
// so a new topic is one more entry in `sections`. `?backend=cpu|webgpu|auto` picks the path.
import { createContext } from '../dist/browser.js';
import { figure, sample } from './plot.js';

const $ = (sel) => document.querySelector(sel);
const h = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  Object.assign(e, attrs);
  e.append(...kids);
  return e;
};
const fmt = (v, d = 6) => (Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(d - 1) : v.toFixed(d));
const table = (head, rows) =>
  h('table', {}, h('tr', {}, ...head.map((c) => h('th', {}, c))), ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, String(c))))));

/** Seeded inputs (mulberry32), so a run can be repeated. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @type {{ id: string, title: string, blurb: string, needs: string[], run: (ctx: any, out: HTMLElement) => Promise<string | void> }[]} */
const sections = [
  {
    id: 'sum',
    title: 'Sum on the device',
    blurb: 'A float32 pairwise (tree) sum on the chosen backend, against a float64 sum in JavaScript.',
    needs: ['sum'],
    async run(ctx, out) {
      const rows = [];
      for (const n of [1_000, 100_003, 1_000_000]) {
        const r = rng(n);
        const v = Float64Array.from({ length: n }, () => 0.5 + r());
        let ref = 0;
        for (const x of v) ref += x;
        const t0 = performance.now();
        const got = await ctx.sum(v);
        const ms = performance.now() - t0;
        rows.push([n.toLocaleString('en'), got.toPrecision(10), ref.toPrecision(10), (Math.abs(got - ref) / ref).toExponential(2), ms.toFixed(1)]);
      }
      out.append(table(['n', 'ctx.sum', 'float64', 'rel. error', 'ms'], rows));
    },
  },
  {
    id: 'derivative',
    title: 'Derivative and tangent line',
    blurb: 'f(x) = 0.01x² + 0.1x; the numerical derivative at x = 5 (exact: 0.2) gives the tangent.',
    needs: ['fn', 'numericalDiff'],
    async run(ctx, out) {
      const f = ctx.fn('0.01*x^2 + 0.1*x');
      const ref = (x) => 0.01 * x * x + 0.1 * x;
      const d = await ctx.numericalDiff(f, 5);
      out.append(
        figure({ x: [0, 20], y: [-1, 6], title: `f'(5) ≈ ${fmt(d)}` })
          .line(sample(ref, 0, 20))
          .line(sample((x) => d * (x - 5) + ref(5), 0, 20), { color: '#d1242f', dash: '5 4' })
          .points([[5, ref(5)]]).svg,
      );
      return `f'(5) = ${fmt(d)}`;
    },
  },
  {
    id: 'gradient',
    title: 'Gradient field',
    blurb: 'f(x0, x1) = x0² + x1²: −∇f on a grid, every point one row of one batched call.',
    needs: ['fn', 'numericalGradient'],
    async run(ctx, out) {
      const f = ctx.fn('x0^2 + x1^2');
      const pts = [];
      for (let i = -2; i <= 2; i += 0.25) for (let j = -2; j <= 2; j += 0.25) pts.push([i, j]);
      const grads = await ctx.numericalGradient(f, pts);
      const arrows = pts.map(([x, y], k) => ({ x, y, dx: -grads[k][0], dy: -grads[k][1] }));
      out.append(figure({ x: [-2.25, 2.25], y: [-2.25, 2.25], width: 300, height: 300 }).arrows(arrows, { maxLen: 14 }).svg);
      return `${pts.length} gradients`;
    },
  },
  {
    id: 'descent',
    title: 'Gradient descent',
    blurb: 'From (−3, 4) with learning rate 0.1 on x0² + x1².',
    needs: ['fn', 'gradientDescent'],
    async run(ctx, out) {
      const f = ctx.fn('x0^2 + x1^2');
      const res = await ctx.gradientDescent(f, [-3, 4], { lr: 0.1, steps: 20, history: true });
      const path = res.history;
      if (!Array.isArray(path)) throw new Error('gradientDescent(..., { history: true }) returned no history');
      out.append(
        figure({ x: [-4, 4], y: [-4.5, 4.5], width: 300, height: 320 })
          .line(path, { color: '#8250df' })
          .points(path, { color: '#8250df', r: 2.5 }).svg,
      );
      const last = path[path.length - 1];
      return `after ${path.length - 1} steps: (${fmt(last[0], 4)}, ${fmt(last[1], 4)})`;
    },
  },
  {
    id: 'simplenet',
    title: 'SimpleNet',
    blurb: 'A 2×3 weight matrix, x = [0.6, 0.9], t = [0, 0, 1]: loss and ∂L/∂W.',
    needs: ['simpleNet'],
    async run(ctx, out) {
      const net = ctx.simpleNet({ seed: 1 });
      const x = [0.6, 0.9];
      const t = [0, 0, 1];
      const loss = await net.loss(x, t);
      const dW = await net.numericalGradient(x, t);
      out.append(table(['∂L/∂W', 'col 0', 'col 1', 'col 2'], dW.map((r, i) => [`row ${i}`, ...r.map((v) => fmt(v, 5))])));
      return `loss = ${fmt(loss)}`;
    },
  },
];

function describeBackend(ctx) {
  if (ctx.backend === 'webgpu') {
    const i = ctx.adapterInfo ?? {};
    const parts = [i.vendor, i.architecture, i.description || i.device].filter(Boolean).join(' / ') || 'adapter info hidden';
    return `backend: webgpu — ${parts} (${i.featureLevel ?? '?'}${i.isFallbackAdapter ? ', software fallback adapter' : ''})`;
  }
  return `backend: cpu (float64)${ctx.fallbackReason ? ` — fallback: ${ctx.fallbackReason}` : ''}`;
}

async function main() {
  const choice = new URLSearchParams(location.search).get('backend') ?? 'auto';
  const line = $('#backend');
  let ctx;
  try {
    ctx = await createContext({ backend: choice });
  } catch (e) {
    line.textContent = `backend: none — ${e.message}`;
    line.className = 'error';
    document.body.dataset.state = 'error';
    return;
  }
  line.textContent = describeBackend(ctx);
  globalThis.numgradDemo = { ctx }; // for poking at it from the devtools console

  for (const s of sections) {
    const out = h('div', { className: 'out' });
    const status = h('p', { className: 'status' });
    const sec = h('section', { id: s.id }, h('h2', {}, s.title), h('p', { className: 'blurb' }, s.blurb), status, out);
    $('#sections').append(sec);
    const missing = s.needs.filter((m) => typeof ctx[m] !== 'function');
    if (missing.length) {
      sec.dataset.state = 'pending';
      status.textContent = `needs ctx.${missing.join(', ctx.')} — not in this build yet`;
      continue;
    }
    const t0 = performance.now();
    try {
      const note = await s.run(ctx, out);
      sec.dataset.state = 'ok';
      status.textContent = `${note ? `${note} · ` : ''}${(performance.now() - t0).toFixed(0)} ms on ${ctx.backend}`;
    } catch (e) {
      sec.dataset.state = 'error';
      status.textContent = `error: ${e?.message ?? e}`;
      console.error(e);
    }
  }
  document.body.dataset.state = 'done';
}

main();

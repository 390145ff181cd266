// The chapter-4 sections of the demo page. Each runs on the page's backend (`page`) and, where
// comparing makes sense, on the float64 CPU path (`cpu`) beside it; it appends its tables
// and charts to `out` and returns { note, data }: a status line and the numbers it showed,
// which main.js publishes on window.numgradDemo (the browser test reads them).
import { linePlot, quiverPlot } from '../dist/browser.js';
import { chart, fmt, h, label, table, vec } from './ui.js';

/** The contexts to show side by side: [page] when the page itself is on the CPU. */
const both = ({ page, cpu }) => (page === cpu ? [page] : [page, cpu]);

/** n + 1 evenly spaced numbers from lo to hi. */
const linspace = (lo, hi, n) => Array.from({ length: n + 1 }, (_, i) => lo + ((hi - lo) * i) / n);

// (a) numerical_diff and tangent_line (book §4.3.2)
async function derivative(c, out) {
  const xs = [5, 10];
  const cols = [];
  for (const ctx of both(c)) {
    const f = ctx.fn('0.01*x^2 + 0.1*x');
    cols.push(await ctx.numericalDiff(f, xs)); // an array of xs: one derivative each, one call
  }
  const exact = xs.map((x) => 0.02 * x + 0.1);
  out.append(table(['x', ...both(c).map(label), 'exact 0.02x + 0.1'],
    xs.map((x, i) => [String(x), ...cols.map((col) => fmt(col[i], 10)), fmt(exact[i], 10)])));

  // The curve and both tangents, all from the page's backend.
  const f = c.page.fn('0.01*x^2 + 0.1*x');
  const grid = linspace(0, 20, 100);
  const ys = await c.page.evaluate(f, grid, { batch: true });
  const series = [{ x: grid, y: ys, label: 'f(x) = 0.01x² + 0.1x' }];
  for (const x0 of xs) {
    const { slope, intercept } = await c.page.tangentLine(f, x0);
    series.push({ x: grid, y: grid.map((x) => slope * x + intercept), label: `tangent at x = ${x0}`, dashed: true });
  }
  out.append(chart(linePlot(series, { title: 'Tangent lines from the numerical derivative', xLabel: 'x', yLabel: 'f(x)', width: 460, height: 300, yRange: [-1, 6] }), 'f(x) and its tangents at 5 and 10'));
  return {
    note: `f'(5) ≈ ${fmt(cols[0][0])}, f'(10) ≈ ${fmt(cols[0][1])}`,
    data: { page: cols[0], cpu: cols[cols.length - 1], xs },
  };
}

// (b) numerical_gradient at three points, and −∇f over the book's grid (Figure 4-9)
async function gradient(c, out) {
  const pts = [[3, 4], [0, 2], [3, 0]];
  const cols = [];
  for (const ctx of both(c)) cols.push(await ctx.numericalGradient(ctx.fn('x0^2 + x1^2'), pts));
  out.append(table(['point', ...both(c).map(label), 'exact 2x'],
    pts.map((p, i) => [vec(p, 0), ...cols.map((col) => vec(col[i], 5)), vec(p.map((v) => 2 * v), 0)])));

  // np.arange(-2, 2.5, 0.25) in both directions: 18 × 18 points, every one a row of one call.
  const axis = Array.from({ length: 18 }, (_, i) => -2 + 0.25 * i);
  const grid = axis.flatMap((x1) => axis.map((x0) => [x0, x1]));
  const t0 = performance.now();
  const g = await c.page.numericalGradient(c.page.fn('x0^2 + x1^2'), grid);
  const ms = performance.now() - t0;
  out.append(chart(quiverPlot(grid, g.map(([a, b]) => [-a, -b]), { title: '−∇f(x0, x1) for f = x0² + x1²', xLabel: 'x0', yLabel: 'x1', width: 420, height: 420 }), 'quiver plot of minus the gradient'));
  return {
    note: `${grid.length} gradients in one batched call (${ms.toFixed(0)} ms)`,
    data: { page: cols[0], cpu: cols[cols.length - 1], points: pts, grid: grid.length },
  };
}

/** 9 significant digits, as numpy prints: -2.99999994, -6.11110793e-10. */
const sig = (v) => {
  if (!Number.isFinite(v)) return String(v);
  const s = Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-4) ? v.toExponential(8) : v.toPrecision(9);
  const [m, e] = s.split('e');
  return m.replace(/\.?0+$/, '') + (e ? `e${e}` : ''); // trailing zeros: 4.00000000 → 4
};

/** What a learner should notice about a run, in words. */
function flags(r) {
  const f = [];
  if (r.diverged) f.push(`diverged at step ${r.divergedAt}`);
  if (r.stopped) f.push(`stopped after ${r.steps} steps (overflow)`);
  if (r.vanishedSteps > 0) f.push(`h vanished in ${r.vanishedSteps} steps`);
  // not a library flag: x − lr·∇f rounded back to x at every step
  if (!r.diverged && r.x[0] === -3 && r.x[1] === 4) f.push('never moved: lr·∇f below the precision of x');
  return f.join('; ') || '—';
}

// (c) gradient_descent from (−3, 4) with the book's three learning rates
async function descent(c, out) {
  const lrs = [0.1, 10, 1e-10];
  const runs = { page: [], cpu: [] };
  const rows = [];
  for (const ctx of both(c)) {
    const f = ctx.fn('x0^2 + x1^2');
    for (const lr of lrs) {
      const r = await ctx.gradientDescent(f, [-3, 4], { lr, steps: 100, history: true });
      const kept = { lr, x: r.x, steps: r.steps, diverged: r.diverged, divergedAt: r.divergedAt, stopped: r.stopped, vanishedSteps: r.vanishedSteps, history: r.history };
      runs[ctx === c.page ? 'page' : 'cpu'].push(kept);
      rows.push([label(ctx), String(lr), `(${r.x.map(sig).join(', ')})`, String(r.steps), flags(r)]);
    }
  }
  if (c.page === c.cpu) runs.cpu = runs.page; // one context: the same runs
  out.append(table(['backend', 'lr', 'x after 100 steps', 'steps', 'flags'], rows));

  // Paths on the page's backend over the level sets x0² + x1² = r².
  const theta = linspace(0, 2 * Math.PI, 96);
  const contours = [1, 2, 3, 4, 5].map((r) => ({ x: theta.map((t) => r * Math.cos(t)), y: theta.map((t) => r * Math.sin(t)), color: '#d0d7de' }));
  const colors = { 0.1: '#1f77b4', 10: '#ff7f0e', 1e-10: '#d62728' };
  // lr 10 is left out: its first step already lands at (57, −76), far outside the frame.
  const paths = runs.page.filter((r) => r.lr !== 10).map((r) => ({
    x: r.history.map((p) => p[0]), y: r.history.map((p) => p[1]), markers: true, color: colors[r.lr], label: `lr ${r.lr}`,
  }));
  out.append(chart(linePlot([...contours, ...paths], { title: `Descent paths on ${label(c.page)}`, xLabel: 'x0', yLabel: 'x1', width: 380, height: 380, xRange: [-5, 5], yRange: [-5, 5] }), 'gradient descent paths'));
  // ‖x‖ per step over 30 decades: lr 0.1 shrinks geometrically, lr 10 explodes, lr 1e-10 sits still.
  // log10 on a linear axis: linePlot's logY pads its auto range linearly (→ a negative bound)
  // and labels every decade, which 30 decades crowd.
  const norms = (r) => ({ x: r.history.map((_, k) => k), y: r.history.map(([a, b]) => Math.log10(Math.hypot(a, b))) });
  const curves = runs.page.map((r) => ({ ...norms(r), color: colors[r.lr], label: `lr ${r.lr}` }));
  if (c.page !== c.cpu) curves.push({ ...norms(runs.cpu[1]), color: colors[10], dashed: true, label: 'lr 10, CPU (float64)' });
  out.append(chart(linePlot(curves, { title: `log₁₀ ‖x‖ per step, ${label(c.page)}`, xLabel: 'step', yLabel: 'log₁₀ ‖x‖', width: 380, height: 380 }), 'distance from the minimum per step'));
  const strip = (r) => ({ ...r, history: undefined });
  const best = runs.page[0];
  return {
    note: `lr 0.1 ends at ${vec(best.x, 3)}`,
    data: { page: runs.page.map(strip), cpu: runs.cpu.map(strip) },
  };
}

// (d) the book's simpleNet (§4.4.2) with its printed weights
export const BOOK_W = [[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]];
async function simpleNet(c, out) {
  const x = [0.6, 0.9];
  const t = [0, 0, 1];
  const res = [];
  for (const ctx of both(c)) {
    const net = ctx.simpleNet({ W: BOOK_W });
    const predict = await net.predict(x);
    const loss = await net.loss(x, t);
    const dW = await net.numericalGradient(x, t);
    const check = await ctx.gradCheck(net, x, t);
    res.push({ ctx, predict, loss, dW, check });
  }
  out.append(table(['', ...res.map((r) => label(r.ctx))], [
    ['predict(x)', ...res.map((r) => vec(r.predict, 5))],
    ['loss', ...res.map((r) => fmt(r.loss, 10))],
    ...[0, 1].map((i) => [`dW row ${i}`, ...res.map((r) => vec(r.dW[i], 5))]),
  ]));
  out.append(h('p', { className: 'caption' }, `gradCheck(net, x, t) on ${label(res[0].ctx)}: numerical dW against backprop`));
  out.append(h('pre', {}, res[0].check.toString()));
  const pick = (r) => ({ loss: r.loss, dW: r.dW, predict: r.predict, gradCheckOk: r.check.ok });
  return {
    note: `loss ${fmt(res[0].loss, 8)}, gradCheck ${res[0].check.ok ? 'passed' : 'FAILED'}`,
    data: { page: pick(res[0]), cpu: pick(res[res.length - 1]) },
  };
}

/** In page order. `key` names the entry in window.numgradDemo. */
export const sections = [
  { key: 'derivative', title: 'Derivative and tangent lines', run: derivative,
    blurb: 'f(x) = 0.01x² + 0.1x: the central difference (f(x+h) − f(x−h)) / 2h at x = 5 and 10, and the tangent lines it gives.' },
  { key: 'gradient', title: 'Gradient', run: gradient,
    blurb: 'f(x0, x1) = x0² + x1²: the gradient at three points, and −∇f over a grid — the arrows point downhill, toward the minimum.' },
  { key: 'descent', title: 'Gradient descent', run: descent,
    blurb: 'x ← x − lr·∇f(x), 100 steps from (−3, 4). Too large a learning rate diverges; too small a one barely moves.' },
  { key: 'simpleNet', title: 'SimpleNet', run: simpleNet,
    blurb: 'The book’s 2×3 network with its printed weights, x = [0.6, 0.9], t = [0, 0, 1]: loss and ∂L/∂W by numerical differentiation, checked against backprop.' },
];

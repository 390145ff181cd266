// The chapter-4 sections of the demo page. The numbers and the charts come from the CLI
// demo's own chapter module (apps/chapter, bundled into ./build/chapter.js by `npm run build`);
// this file only turns their results into DOM. Each section runs on the page's backend
// (`gpu`) and on the float64 CPU path (`cpu`) beside it (one context when the page is on the
// CPU), appends tables and charts to `out`, and returns { note, data }: a status line and the
// numbers it showed, which main.js publishes on window.numgradDemo (the browser test reads them).
import {
  BOOK, derivativeSection, descentSection, descentSvg, gradientSection, learningRatesSvg, quiverSection, quiverSvg,
  simpleNetSection, tangentSection, tangentSvg,
} from './build/chapter.js';
import { chart, fmt, h, label, table, vec } from './ui.js';

/** The sides to show, page first: just the page's when it is on the CPU itself. */
const sides = (c) => (c.gpu === c.cpu ? ['gpu'] : ['gpu', 'cpu']);
const heads = (c) => sides(c).map((s) => label(c[s]));
/** Figure options for the shared chart builders (apps/chapter/figures.ts), at page sizes. */
const figure = (c, size) => ({ gpu: c.gpu.backend === 'webgpu' ? 'webgpu' : 'cpu', single: c.gpu === c.cpu, ...size });

// (a) numerical_diff and tangent_line (book §4.3.2)
async function derivative(c, out) {
  const d = await derivativeSection(c);
  const t = await tangentSection(c);
  out.append(table(['x', ...heads(c), 'exact 0.02x + 0.1'],
    d.map((p) => [String(p.x), ...sides(c).map((s) => fmt(p.value[s], 10)), fmt(p.exact, 10)])));
  out.append(chart(tangentSvg(t, figure(c, { side: 'gpu', width: 460, height: 300 })), 'f(x) and its tangents at 5 and 10'));
  const page = d.map((p) => p.value.gpu);
  return {
    note: `f'(5) ≈ ${fmt(page[0])}, f'(10) ≈ ${fmt(page[1])}`,
    data: { page, cpu: d.map((p) => p.value.cpu), xs: d.map((p) => p.x) },
  };
}

// (b) numerical_gradient at three points, and −∇f over the book's grid (Figure 4-9)
async function gradient(c, out) {
  const g = await gradientSection(c);
  const q = await quiverSection(c);
  out.append(table(['point', ...heads(c), 'exact 2x'],
    g.map((p) => [vec(p.x, 0), ...sides(c).map((s) => vec(p.value[s], 5)), vec(p.x.map((v) => 2 * v), 0)])));
  out.append(chart(quiverSvg(q, figure(c, { width: 420, height: 420 })), 'quiver plot of minus the gradient'));
  return {
    note: `${q.points.length} gradients in one batched call per backend`,
    data: { page: g.map((p) => p.value.gpu), cpu: g.map((p) => p.value.cpu), points: g.map((p) => p.x), grid: q.points.length },
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
  const [x0, x1] = BOOK.descentStart;
  if (!r.diverged && r.x[0] === x0 && r.x[1] === x1) f.push('never moved: lr·∇f below the precision of x');
  return f.join('; ') || '—';
}

// (c) gradient_descent from (−3, 4) with the book's three learning rates
async function descent(c, out) {
  const d = await descentSection(c);
  const rows = sides(c).flatMap((s) => d.map((e) => {
    const r = e.run[s];
    return [label(c[s]), String(e.lr), `(${r.x.map(sig).join(', ')})`, String(r.steps), flags(r)];
  }));
  out.append(table(['backend', 'lr', 'x after 100 steps', 'steps', 'flags'], rows));
  out.append(chart(descentSvg(d, figure(c, { width: 420, height: 422 })), 'gradient descent paths'));
  out.append(chart(learningRatesSvg(d, figure(c, { width: 460 })), 'distance from the minimum per step'));
  // the histories feed the charts; the published data keeps the outcome of each run
  const kept = (s) => d.map((e) => {
    const { x, steps, diverged, divergedAt, stopped, vanishedSteps } = e.run[s];
    return { lr: e.lr, x, steps, diverged, divergedAt, stopped, vanishedSteps };
  });
  return {
    note: `lr 0.1 ends at ${vec(d[0].run.gpu.x, 3)}`,
    data: { page: kept('gpu'), cpu: kept('cpu') },
  };
}

// (d) the book's simpleNet (§4.4.2) with its printed weights
async function simpleNet(c, out) {
  const n = await simpleNetSection(c);
  out.append(table(['', ...heads(c)], [
    ['predict(x)', ...sides(c).map((s) => vec(n.predict[s], 5))],
    ['loss', ...sides(c).map((s) => fmt(n.loss[s], 10))],
    ...[0, 1].map((i) => [`dW row ${i}`, ...sides(c).map((s) => vec(n.dW[s][i], 5))]),
  ]));
  out.append(h('p', { className: 'caption' }, `gradCheck(net, x, t) on ${label(c.gpu)}: numerical dW against backprop`));
  out.append(h('pre', {}, n.gradCheck.gpu.text));
  const pick = (s) => ({ loss: n.loss[s], dW: n.dW[s], predict: n.predict[s], gradCheckOk: n.gradCheck[s].ok });
  return {
    note: `loss ${fmt(n.loss.gpu, 8)}, gradCheck ${n.gradCheck.gpu.ok ? 'passed' : 'FAILED'}`,
    data: { page: pick('gpu'), cpu: pick('cpu') },
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

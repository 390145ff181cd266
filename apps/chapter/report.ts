// The demo's text: one section per topic of the chapter, each a table with the CPU value,
// the auto context's value and their difference, beside the book's value where it prints one.
// Everything fits 80 columns: tables are laid out for it, prose is wrapped.
import type { DescentResult } from 'numgrad';
import type { LinearRegressionResult } from 'numgrad';
import { BOOK } from './book';
import type { BackendInfo, ChapterResults, Side } from './chapter';
import { diff, f32, f64, maxDiff, section, table, vec } from './format';

/** The report's width: a terminal's default. */
export const REPORT_WIDTH = 80;

/** Column names and number format of the two sides. */
interface Cols {
  cpu: string;
  gpu: string;
  /** the auto side's name in row labels */
  side: string;
  g: (v: number) => string;
}

function cols(auto: BackendInfo): Cols {
  const gpu = auto.backend === 'webgpu';
  return { cpu: 'cpu (float64)', gpu: gpu ? 'gpu (float32)' : 'auto (float64)', side: gpu ? 'webgpu' : 'auto', g: gpu ? f32 : f64 };
}

/** Word-wraps prose to the report width. Continuation lines keep the line's indent plus
 *  `hang`; runs of spaces inside a line (column gaps) are kept. */
export function wrapProse(text: string, width = REPORT_WIDTH, hang = 0): string {
  const len = (s: string) => [...s].length;
  return text.split('\n').map((para) => {
    if (len(para) <= width) return para;
    const lead = ' '.repeat(para.length - para.trimStart().length + hang);
    const out: string[] = [];
    let line = '';
    for (const token of para.match(/\s*\S+/g) ?? []) {
      if (line.trim() && len(line + token) > width) {
        out.push(line);
        line = lead + token.trimStart();
      } else line += token;
    }
    out.push(line);
    return out.join('\n');
  }).join('\n');
}

export function header(auto: BackendInfo): string {
  const lines = [
    'numgrad demo: chapter 4 of "Deep Learning from Scratch"',
    'Every item runs on two contexts side by side (|Δ| is their difference):',
    '  cpu   the float64 reference path with the book\'s step h = 1e-4, so its numbers match the book\'s',
  ];
  if (auto.backend === 'webgpu') {
    lines.push(`  auto  picked webgpu: ${auto.adapter}`,
      '        float32, numgrad\'s default step ladder (8 steps, an error estimate each)');
  } else {
    lines.push('  auto  picked cpu, so both columns are the float64 path', `        why: ${auto.fallbackReason ?? 'no reason given'}`);
  }
  return lines.map((l) => wrapProse(l, REPORT_WIDTH, 6)).join('\n');
}

const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol;
const mark = (ok: boolean) => (ok ? '✓' : '✗');

export function derivativeText(r: ChapterResults): string {
  const c = cols(r.auto);
  const rows = r.derivative.map((d) => [String(d.x), f64(d.value.cpu), f64(d.book), mark(close(d.value.cpu, d.book)), c.g(d.value.gpu), diff(d.value.cpu, d.value.gpu)]);
  const tl = r.tangent.flatMap((t) => [
    [String(t.x), 'cpu', f64(t.line.cpu.slope), signed(t.line.cpu.intercept, f64), diff(t.line.cpu.slope, t.line.gpu.slope)],
    ['', c.side, c.g(t.line.gpu.slope), signed(t.line.gpu.intercept, c.g), ''],
  ]);
  return [
    section(1, 'Derivative of f(x) = 0.01x² + 0.1x  (numerical_diff)'),
    table(['x', c.cpu, 'book', '', c.gpu, '|Δ|'], rows),
    `  ✓: the cpu value is the book's, digit for digit. Exact: f'(x) = 0.02x + 0.1, so ${r.derivative.map((d) => d.exact).join(' and ')}; the book's ~1e-12 error is float64 rounding of f(x ± h) over 2h.`,
    '',
    '  Tangent lines y = slope·t + intercept (tangent.svg):',
    table(['x', '', 'slope', 'intercept', '|Δ slope|'], tl),
  ].join('\n');
}

const signed = (v: number, f: (v: number) => string) => (v < 0 ? '−' : '') + f(Math.abs(v));

export function partialText(r: ChapterResults): string {
  const c = cols(r.auto);
  const at = r.partial[0]?.name.match(/\(.*\)/)?.[0] ?? '';
  const rows = r.partial.map((p) => [p.name.replace(/ at .*/, ''), f64(p.value.cpu), f64(p.book), mark(close(p.value.cpu, p.book)), c.g(p.value.gpu), diff(p.value.cpu, p.value.gpu)]);
  return [
    section(2, `Partial derivatives of f(x0, x1) = x0² + x1² at ${at}`),
    table(['', c.cpu, 'book', '', c.gpu, '|Δ|'], rows),
    `  function_tmp1(x0) = x0² + 4², function_tmp2(x1) = 3² + x1²: one variable fixed, the other differentiated; exact ${r.partial.map((p) => p.exact).join(' and ')}.`,
  ].join('\n');
}

export function gradientText(r: ChapterResults): string {
  const c = cols(r.auto);
  const rows = r.gradient.map((g) => [`(${g.x.join(', ')})`, vec(g.value.cpu, f64), vec(g.value.gpu, c.g), maxDiff(g.value.cpu, g.value.gpu)]);
  const q = r.quiver;
  const exact = q.points.flatMap(([a, b]) => [2 * a, 2 * b]);
  return [
    section(3, 'Gradient of f(x0, x1) = x0² + x1²  (numerical_gradient)'),
    table(['at', c.cpu, c.gpu, '|Δ|'], rows),
    `  The book prints ${r.gradient.map((g) => vec(g.book, String)).join(', ')}.`,
    '',
    `  Quiver grid: x0, x1 ∈ arange(−2, 2.5, 0.25), ${q.points.length} points in one batched call (quiver.svg shows −∇f):`,
    table(['', 'max |Δ| over the grid'], [
      [`${c.cpu} vs exact 2x`, maxDiff(q.grad.cpu.flat(), exact)],
      [`${c.gpu} vs exact 2x`, maxDiff(q.grad.gpu.flat(), exact)],
      ['cpu vs ' + c.side, maxDiff(q.grad.cpu.flat(), q.grad.gpu.flat())],
    ]),
  ].join('\n');
}

function flags(d: DescentResult<number[]>): string {
  const f: string[] = [];
  if (d.diverged) f.push(`diverged at step ${d.divergedAt}`);
  if (d.stopped) f.push(`stopped after ${d.steps} steps`);
  if (d.vanishedSteps > 0) f.push(`vanishedSteps ${d.vanishedSteps} (from step ${d.firstVanishedAt})`);
  return f.join(', ');
}

export function descentText(r: ChapterResults): string {
  const c = cols(r.auto);
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const d of r.descent) {
    rows.push([`lr ${f64(d.lr)}`, 'cpu', vec(d.run.cpu.x, f64), maxDiff(d.run.cpu.x, d.book)]);
    rows.push(['', c.side, vec(d.run.gpu.x, c.g), maxDiff(d.run.gpu.x, d.book)]);
    rows.push(['', 'book', vec(d.book, f64), '']);
    for (const [side, run] of [['cpu', d.run.cpu], [c.side, d.run.gpu]] as const) {
      const f = flags(run);
      if (f) notes.push(`  lr ${f64(d.lr)}, ${side}: ${f}.`);
    }
  }
  return [
    section(4, 'Gradient descent on x0² + x1² from (−3, 4), 100 steps'),
    table(['', '', 'x after 100 steps', '|x − book|'], rows),
    ...(notes.length ? notes : ['  Every run converged normally.']),
    '  lr 10 explodes (×19 per step); the book\'s x stops growing only because x ± 1e-4 rounds to x (vanishedSteps). lr 1e-10 barely moves: each update is below float32\'s resolution on the GPU. Paths: descent.svg, learning-rates.svg.',
  ].join('\n');
}

export function simpleNetText(r: ChapterResults): string {
  const c = cols(r.auto);
  const s = r.simpleNet;
  const b = BOOK.simpleNet;
  // one row per number, so each sits beside the book's 8-digit value
  const rows = [
    ...[0, 1, 2].map((k) => [`predict[${k}]`, f64(s.predict.cpu[k]), c.g(s.predict.gpu[k]), diff(s.predict.cpu[k], s.predict.gpu[k]), String(b.predict[k])]),
    ['loss', f64(s.loss.cpu), c.g(s.loss.gpu), diff(s.loss.cpu, s.loss.gpu), String(b.loss)],
    ...[0, 1].flatMap((i) => [0, 1, 2].map((k) => [`dW[${i}][${k}]`, f64(s.dW.cpu[i][k]), c.g(s.dW.gpu[i][k]), diff(s.dW.cpu[i][k], s.dW.gpu[i][k]), String(b.dW[i][k])])),
  ];
  const indent = (t: string) => t.split('\n').map((l) => '    ' + l).join('\n');
  return [
    section(5, 'SimpleNet with the book\'s W, x = [0.6, 0.9], t = [0, 0, 1]'),
    table(['', c.cpu, c.gpu, '|Δ|', 'book'], rows),
    '  The book prints loss 0.92806853663411326 from its unrounded W; with the 8-digit W above it is 0.9280682857864075.',
    '',
    '  gradCheck(net, x, t), numerical dW vs backprop:',
    '  cpu:', indent(s.gradCheck.cpu.text),
    `  ${c.side}:`, indent(s.gradCheck.gpu.text),
  ].join('\n');
}

function dist(a: number[], b: number[]): number {
  return Math.hypot(...a.map((v, i) => v - b[i]));
}

export function regressionText(r: ChapterResults): string {
  const c = cols(r.auto);
  const g = r.regression;
  const s = g.setup;
  const run = (name: string, lr: number, side: Side<LinearRegressionResult>) => (['cpu', 'gpu'] as const).map((k) => {
    const x = side[k];
    const f = k === 'cpu' ? f64 : c.g;
    const J = x.lossHistory[x.lossHistory.length - 1];
    return [`${k === 'cpu' ? name : ''.padEnd(name.length)}  ${k === 'cpu' ? 'cpu' : c.side}`, String(lr), String(x.updates),
      f(J), (J - g.lossStar).toExponential(1), dist(x.theta, g.thetaStar).toExponential(1)];
  });
  const m = g.manual;
  const pick = [0, 1, 2, 5, 10, 50, 100].filter((e) => e < m.wHistory.length);
  const grad = [0, 1, 2].map((k) => [`∂J/∂θ${k}`, f64(g.analyticGradAtZero[k]), f64(g.gradAtZero.cpu[k]), c.g(g.gradAtZero.gpu[k])]);
  return [
    section(6, 'Batch vs stochastic gradient descent (linear regression)'),
    `  h(θ) = θᵀx, J(θ) = 1/2m Σ (h − y)². Data: m = ${s.m} rows, x = (1, x1, x2) with x1, x2 ~ U(−1, 1), y = θᵀx + N(0, ${s.noiseStd}²), true θ = [${s.trueTheta.join(', ')}].`,
    `  θ* from the normal equations XᵀXθ = Xᵀy (float64): [${g.thetaStar.map((v) => v.toFixed(6)).join(', ')}], J(θ*) = ${f64(g.lossStar)}`,
    '',
    '  ∇J at θ = 0, numgrad on J (a WGSL body) vs the analytic (1/m)·Σ (θᵀx − y)·x:',
    table(['', 'analytic (float64)', c.cpu, c.gpu], [...grad,
      ['max |Δ analytic|', '', maxDiff(g.gradAtZero.cpu, g.analyticGradAtZero), maxDiff(g.gradAtZero.gpu, g.analyticGradAtZero)]]),
    '',
    `  ${s.bgd.epochs} epochs each from θ = 0. BGD: one update per epoch on all m rows; SGD: one per row (${s.m} per epoch), rows shuffled (bgd-sgd.svg):`,
    table(['', 'lr', 'updates', 'J(θ)', 'J(θ) − J(θ*)', '‖θ − θ*‖'], [...run('BGD', s.bgd.lr, g.bgd), ...run('SGD', s.sgd.lr, g.sgd)]),
    '  Per epoch SGD falls faster at first (32 small steps), then jitters around θ*: each step follows one sample. BGD\'s one full-gradient step per epoch converges steadily (the GPU down to float32 resolution).',
    '',
    `  The notes' one-weight example: x = [${m.x.join(', ')}], y = [${m.y.join(', ')}],\n  loss = mean (xw − y)², manual gradient mean 2x(xw − y):`,
    table(['gradient at w = 1', 'value', '|Δ manual|'], [
      ['manual 2x(xw − y)', f64(m.manualGradAtStart), ''],
      [`numerical, ${c.cpu}`, f64(m.gradAtStart.cpu), diff(m.gradAtStart.cpu, m.manualGradAtStart)],
      [`numerical, ${c.gpu}`, c.g(m.gradAtStart.gpu), diff(m.gradAtStart.gpu, m.manualGradAtStart)],
    ]),
    table(['epoch', 'w', 'loss'], pick.map((e) => [String(e), f64(m.wHistory[e]), f64(m.lossHistory[e])])),
    `  w → ${m.w.toFixed(6)} (lr 0.01): the fit y = 2x.`,
  ].join('\n');
}

export function directionalText(r: ChapterResults): string {
  const c = cols(r.auto);
  const d = r.directional;
  const label = (l: string) => l.replace(/^along /, '').replace(/^across ∇f: (.*)$/, '$1 ⊥ ∇f');
  return [
    section(7, `Directional derivative of x0² + x1² at (${d.x.join(', ')}): ∇f·v/‖v‖`),
    table(['v', c.cpu, c.gpu, '|Δ|', 'exact'], d.items.map((i) => [label(i.label), f64(i.value.cpu), c.g(i.value.gpu), diff(i.value.cpu, i.value.gpu), f64(i.exact)])),
    '  The gradient points where f rises fastest: its slope there is ‖∇f‖ = 10, and 0 across it.',
  ].join('\n');
}

export function curvatureText(r: ChapterResults): string {
  const c = cols(r.auto);
  const rows: string[][] = [];
  for (const h of r.curvature.cases) {
    h.exact.forEach((row, i) => row.forEach((e, j) => {
      if (j < i) return; // symmetric: the upper triangle says it all
      rows.push([i === 0 && j === 0 ? `${h.name} at (${h.x.join(', ')})` : '', `H[${i}][${j}]`, f64(h.value.cpu[i][j]), c.g(h.value.gpu[i][j]), h.error.gpu[i][j].toExponential(1), String(e)]);
    }));
  }
  return [
    section(8, 'Curvature: the Hessian (ctx.hessian)'),
    table(['', '', c.cpu, c.gpu, 'gpu est.', 'exact'], rows),
    ...r.curvature.cases.map((h) => {
      const [a, b] = h.eigen;
      return `  ${h.name}: curvatures ${a.toFixed(1)} and ${b.toFixed(1)} along the principal axes` +
        (a / b > 10 ? ` (ratio ${(a / b).toFixed(0)}: a narrow valley, which is why plain gradient descent zig-zags there).` : ' (equal: a round bowl, so −∇f points straight at the minimum).');
    }),
    '  "gpu est." is the GPU entry\'s error estimate (detail: true): second differences lose more to float32 rounding than first ones.',
  ].join('\n');
}

/** The whole report, header to timings; every line fits REPORT_WIDTH columns. */
export function reportText(r: ChapterResults): string {
  const text = [header(r.auto), derivativeText(r), partialText(r), gradientText(r), descentText(r), simpleNetText(r), regressionText(r), directionalText(r), curvatureText(r)].join('\n');
  return wrapProse(text);
}

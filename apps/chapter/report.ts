// The demo's text: one section per topic of the chapter, each a table with the CPU value,
// the auto context's value and their difference, beside the book's value where it prints one.
import type { DescentResult } from 'numgrad';
import type { LinearRegressionResult } from 'numgrad';
import { BOOK } from './book';
import type { BackendInfo, ChapterResults, Side } from './chapter';
import { diff, f32, f64, maxDiff, section, table, vec } from './format';

/** Column names and number format of the two sides. */
interface Cols {
  cpu: string;
  gpu: string;
  d: string;
  g: (v: number) => string;
}

function cols(auto: BackendInfo): Cols {
  const gpu = auto.backend === 'webgpu' ? 'webgpu (float32)' : 'auto = cpu (float64)';
  return { cpu: 'cpu (float64)', gpu, d: '|cpu − auto|', g: auto.backend === 'webgpu' ? f32 : f64 };
}

export function header(auto: BackendInfo): string {
  const lines = [
    'numgrad demo: chapter 4 of "Deep Learning from Scratch" (numerical differentiation)',
    'Every item runs on two contexts side by side:',
    '  cpu   the float64 reference path; the book\'s step h = 1e-4, so its numbers match the book\'s',
  ];
  if (auto.backend === 'webgpu') {
    lines.push(`  auto  picked webgpu: ${auto.adapter}`,
      '        float32, numgrad\'s default step ladder (8 steps, an error estimate each)');
  } else {
    lines.push('  auto  picked cpu, so both columns are the float64 path', `        why: ${auto.fallbackReason ?? 'no reason given'}`);
  }
  return lines.join('\n');
}

const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol;
const mark = (ok: boolean) => (ok ? '✓' : '✗');

export function derivativeText(r: ChapterResults): string {
  const c = cols(r.auto);
  const rows = r.derivative.map((d) => [String(d.x), f64(d.value.cpu), c.g(d.value.gpu), diff(d.value.cpu, d.value.gpu), f64(d.book), String(d.exact), mark(close(d.value.cpu, d.book))]);
  const tl = r.tangent.map((t) => [String(t.x), line(t.line.cpu, f64), line(t.line.gpu, c.g), diff(t.line.cpu.slope, t.line.gpu.slope)]);
  return [
    section(1, 'Derivative of f(x) = 0.01x² + 0.1x  (numerical_diff: central difference)'),
    table(['x', c.cpu, c.gpu, c.d, 'book', 'exact', 'cpu = book'], rows),
    '  exact: f\'(x) = 0.02x + 0.1; the book\'s ~1e-12 error is float64 rounding of f(x ± h) over 2h.',
    '',
    '  Tangent lines y = slope·t + intercept (tangent.svg):',
    table(['x', c.cpu, c.gpu, '|Δ slope|'], tl),
  ].join('\n');
}

function line(l: { slope: number; intercept: number }, f: (v: number) => string): string {
  return `${f(l.slope)}·t ${l.intercept < 0 ? '−' : '+'} ${f(Math.abs(l.intercept))}`;
}

export function partialText(r: ChapterResults): string {
  const c = cols(r.auto);
  const rows = r.partial.map((p) => [p.name, f64(p.value.cpu), c.g(p.value.gpu), diff(p.value.cpu, p.value.gpu), f64(p.book), String(p.exact), mark(close(p.value.cpu, p.book))]);
  return [
    section(2, 'Partial derivatives of f(x0, x1) = x0² + x1²  (function_tmp1, function_tmp2)'),
    table(['', c.cpu, c.gpu, c.d, 'book', 'exact', 'cpu = book'], rows),
    '  function_tmp1(x0) = x0² + 4², function_tmp2(x1) = 3² + x1²: one variable fixed, the other differentiated.',
  ].join('\n');
}

export function gradientText(r: ChapterResults): string {
  const c = cols(r.auto);
  const rows = r.gradient.map((g) => [`(${g.x.join(', ')})`, vec(g.value.cpu, f64), vec(g.value.gpu, c.g), maxDiff(g.value.cpu, g.value.gpu), vec(g.book, String)]);
  const q = r.quiver;
  const exact = q.points.flatMap(([a, b]) => [2 * a, 2 * b]);
  return [
    section(3, 'Gradient of f(x0, x1) = x0² + x1²  (numerical_gradient)'),
    table(['at', c.cpu, c.gpu, c.d, 'book'], rows),
    '',
    `  Quiver grid: x0, x1 ∈ arange(−2, 2.5, 0.25), ${q.points.length} points in one batched call (quiver.svg shows −∇f)`,
    table(['', 'max |Δ| over the grid'], [
      [`${c.cpu} vs exact 2x`, maxDiff(q.grad.cpu.flat(), exact)],
      [`${c.gpu} vs exact 2x`, maxDiff(q.grad.gpu.flat(), exact)],
      [c.d, maxDiff(q.grad.cpu.flat(), q.grad.gpu.flat())],
    ]),
  ].join('\n');
}

function flags(d: DescentResult<number[]>): string {
  const f: string[] = [];
  if (d.diverged) f.push(`diverged at step ${d.divergedAt}`);
  if (d.stopped) f.push(`stopped after ${d.steps} steps`);
  if (d.vanishedSteps > 0) f.push(`vanishedSteps ${d.vanishedSteps} (from ${d.firstVanishedAt})`);
  return f.length ? f.join(', ') : 'converging normally';
}

export function descentText(r: ChapterResults): string {
  const c = cols(r.auto);
  const rows: string[][] = [];
  for (const d of r.descent) {
    rows.push([`lr ${f64(d.lr)}`, 'cpu', vec(d.run.cpu.x, f64), maxDiff(d.run.cpu.x, d.book), flags(d.run.cpu)]);
    rows.push(['', r.auto.backend === 'webgpu' ? 'webgpu' : 'auto', vec(d.run.gpu.x, c.g), maxDiff(d.run.gpu.x, d.book), flags(d.run.gpu)]);
    rows.push(['', 'book', vec(d.book, f64), '', '']);
  }
  return [
    section(4, `Gradient descent on x0² + x1² from (−3, 4), 100 steps  (descent.svg, learning-rates.svg)`),
    table(['', '', 'x after 100 steps', '|x − book|', 'flags'], rows),
    '  lr 10 explodes (×19 per step); the book\'s x stops growing only because x ± 1e-4 rounds to x',
    '  (vanishedSteps). lr 1e-10 barely moves: each update is below float32\'s resolution on the GPU.',
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
    table(['', c.cpu, c.gpu, c.d, 'book'], rows),
    '  The book prints loss 0.92806853663411326 from its unrounded W; with the 8-digit W above it is 0.9280682857864075.',
    '',
    '  gradCheck(net, x, t), numerical dW vs backprop:',
    '  cpu:', indent(s.gradCheck.cpu.text),
    `  ${r.auto.backend === 'webgpu' ? 'webgpu' : 'auto'}:`, indent(s.gradCheck.gpu.text),
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
    return [k === 'cpu' ? name : '', k === 'cpu' ? 'cpu' : r.auto.backend === 'webgpu' ? 'webgpu' : 'auto', String(lr), String(x.updates),
      vec(x.theta, (v) => v.toFixed(6)), f(J), (J - g.lossStar).toExponential(1), dist(x.theta, g.thetaStar).toExponential(1)];
  });
  const m = g.manual;
  const pick = [0, 1, 2, 5, 10, 50, 100].filter((e) => e < m.wHistory.length);
  return [
    section(6, 'Batch vs stochastic gradient descent: linear regression h(θ) = θᵀx, J(θ) = 1/2m Σ (h − y)²'),
    `  data: m = ${s.m} rows, x = (1, x1, x2) with x1, x2 ~ U(−1, 1), y = θᵀx + N(0, ${s.noiseStd}²), true θ = [${s.trueTheta.join(', ')}]`,
    `  θ* from the normal equations XᵀXθ = Xᵀy (float64): [${g.thetaStar.map((v) => v.toFixed(6)).join(', ')}], J(θ*) = ${f64(g.lossStar)}`,
    '',
    '  ∇J at θ = 0, numerical (numgrad on J as a WGSL body) vs analytic (1/m)·Σ (θᵀx − y)·x:',
    table(['', 'value', '|Δ analytic|'], [
      ['analytic (float64)', vec(g.analyticGradAtZero, f64), ''],
      [c.cpu, vec(g.gradAtZero.cpu, f64), maxDiff(g.gradAtZero.cpu, g.analyticGradAtZero)],
      [c.gpu, vec(g.gradAtZero.gpu, c.g), maxDiff(g.gradAtZero.gpu, g.analyticGradAtZero)],
    ]),
    '',
    `  ${s.bgd.epochs} epochs each from θ = 0. BGD: one update per epoch on all m rows; SGD: one per row (${s.m} per epoch), rows shuffled (bgd-sgd.svg)`,
    table(['', 'backend', 'lr', 'updates', 'θ', 'J(θ)', 'J(θ) − J(θ*)', '‖θ − θ*‖'], [...run('BGD', s.bgd.lr, g.bgd), ...run('SGD', s.sgd.lr, g.sgd)]),
    '  Per epoch SGD falls faster at first (32 small steps), then jitters around θ*: each step follows one',
    '  sample. BGD\'s one full-gradient step per epoch converges steadily (the GPU down to float32 resolution).',
    '',
    `  The notes' one-weight example: x = [${m.x.join(', ')}], y = [${m.y.join(', ')}], loss = mean (xw − y)², manual gradient mean 2x(xw − y)`,
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
  return [
    section(7, `Directional derivative of x0² + x1² at (${d.x.join(', ')}): ∇f·v/‖v‖`),
    table(['direction v', c.cpu, c.gpu, c.d, 'exact'], d.items.map((i) => [i.label, f64(i.value.cpu), c.g(i.value.gpu), diff(i.value.cpu, i.value.gpu), f64(i.exact)])),
    '  The gradient points where f rises fastest: its slope there is ‖∇f‖ = 10, and 0 across it.',
  ].join('\n');
}

/** The whole report, header to timings. */
export function reportText(r: ChapterResults): string {
  return [header(r.auto), derivativeText(r), partialText(r), gradientText(r), descentText(r), simpleNetText(r), regressionText(r), directionalText(r)].join('\n');
}

// Curvature: the Hessian of f(x0, x1) at a point the reader clicks (or types), by numgrad's
// ctx.hessian on the page's backend (mixed central differences with Richardson steps, an
// error estimate per entry). Drawn as the principal axes of the local quadratic model over
// −∇f: an eigenvector's line is solid where f curves up along it, dashed where it curves down.
import { ExprError } from 'numgrad';
import { curvature as chapterHessians } from 'numgrad-chapter';
import { C, DASH, arrow, chart } from '../chart.js';
import { f32, f64, field, h, live, sci, table, vec, verifyBox } from '../ui.js';

const F = '(1 - x0)^2 + 5*(x1 - x0^2)^2';
const R = 2.4;
const GRID = Array.from({ length: 13 }, (_, i) => -2.1 + i * 0.35);

/** Eigenvalues and unit eigenvectors of a symmetric 2 × 2 matrix. */
function eig2([[a, b], [, d]]) {
  const tr = (a + d) / 2;
  const disc = Math.sqrt(((a - d) / 2) ** 2 + b * b);
  const phi = 0.5 * Math.atan2(2 * b, a - d);
  return [
    { value: tr + disc, dir: [Math.cos(phi), Math.sin(phi)] },
    { value: tr - disc, dir: [-Math.sin(phi), Math.cos(phi)] },
  ];
}

export async function build(c, out, pub) {
  if (typeof c.gpu.hessian !== 'function') {
    out.append(h('p', { className: 'note' }, 'This build of numgrad has no ctx.hessian, so nothing is computed here.'));
    pub.available = false;
    return 'ctx.hessian is not in this build';
  }
  pub.available = true;
  const input = h('input', { type: 'text', id: 'hess-expr', value: F, spellcheck: false, autocomplete: 'off', size: 28 });
  const x0 = h('input', { type: 'number', id: 'hess-x0', step: 'any', value: '1', min: String(-R), max: String(R) });
  const x1 = h('input', { type: 'number', id: 'hess-x1', step: 'any', value: '1', min: String(-R), max: String(R) });
  const form = h('form', { className: 'controls', ariaLabel: 'Hessian expression and point', noValidate: true }, field('f(x0, x1) =', input), field('at x0', x0), field('x1', x1),
    h('button', { type: 'submit' }, 'Compute'));
  const msg = h('div', { id: 'hess-msg', ariaLive: 'polite' });
  const v = verifyBox('curvature');
  const box = h('div');
  out.append(form, h('p', { className: 'caption' }, 'Click the chart to move the point.'), box, msg, v.el);
  const ch = chart(box, { title: 'Principal curvatures of f at the point, over −∇f', xLabel: 'x0', yLabel: 'x1', aspect: 1 });
  ch.svg.classList.add('draggable');
  pub.toClient = ch.toClient;
  const grid = GRID.flatMap((b) => GRID.map((a) => [a, b]));

  const update = live(pub, async ({ src, x }) => {
    input.removeAttribute('aria-invalid');
    let f;
    try {
      f = c.gpu.fn(src);
      if (f.n !== null && f.n !== 2) throw new Error(`the curvature picture needs a function of x0 and x1; '${src}' has ${f.n}`);
    } catch (e) {
      input.setAttribute('aria-invalid', 'true');
      msg.replaceChildren(h('p', { className: 'error' }, e instanceof ExprError ? `Cannot read the expression: column ${e.column}, expected ${e.expected}.` : String(e?.message ?? e).replace(/^numgrad: /, '')));
      pub.bad = { expr: src, name: e?.name, column: e instanceof ExprError ? e.column : null };
      return;
    }
    const d = await c.gpu.hessian(f, x, { detail: true });
    const H = d.value;
    const g = await c.gpu.numericalGradient(f, grid, { batch: true });
    const ref = v.on ? await c.cpu.hessian(f, x, { detail: true }) : null;
    const ev = eig2(H);
    let maxLen = 0;
    for (const [a, b] of g) if (Number.isFinite(a) && Number.isFinite(b)) maxLen = Math.max(maxLen, Math.hypot(a, b));
    const top = Math.max(...ev.map((e) => Math.abs(e.value))) || 1;
    const axes = ev.map((e, i) => {
      const len = 0.3 + (1.2 * Math.abs(e.value)) / top;
      return {
        x: [x[0] - e.dir[0] * len, x[0] + e.dir[0] * len], y: [x[1] - e.dir[1] * len, x[1] + e.dir[1] * len],
        label: `axis ${i + 1}: curvature ${f32(e.value)} (${e.value >= 0 ? 'curves up: solid' : 'curves down: dashed'})`,
        color: i ? C.orange : C.red, dash: e.value >= 0 ? null : DASH.dashed, width: 3,
      };
    });
    const kind = ev[0].value > 0 && ev[1].value > 0 ? 'both curvatures positive: a bowl (a minimum if ∇f = 0)'
      : ev[0].value < 0 && ev[1].value < 0 ? 'both negative: a cap' : 'mixed signs: a saddle';
    ch.draw({
      xRange: [-R, R], yRange: [-R, R],
      series: [...axes, { x: [x[0]], y: [x[1]], label: 'the point (square)', color: C.green, marker: 'square', line: false }],
      overlay: (sx, sy) => grid.map(([a, b], i) => {
        const [p, q] = g[i];
        if (!Number.isFinite(p) || !Number.isFinite(q) || !(maxLen > 0)) return '';
        const k = (Math.abs(sx(0.35) - sx(0)) * 0.85) / maxLen;
        return arrow(sx(a), sy(b), -p * k, q * k, C.faint);
      }).join(''),
      desc: `At ${vec(x, f64)} the Hessian of ${src} is [[${H[0].map(f32).join(', ')}], [${H[1].map(f32).join(', ')}]]: curvatures ${f32(ev[0].value)} and ${f32(ev[1].value)} along the two drawn axes (${kind}). Grey arrows: −∇f on a 13 × 13 grid.`,
    });
    msg.replaceChildren(
      table(`Hessian of ${src} at ${vec(x, f64)} on ${c.gpu.backend}, with numgrad’s error estimate per entry`, ['', '∂/∂x0', '∂/∂x1', 'est. error (x0, x1)'],
        H.map((row, i) => [`∂²f/∂x${i}·`, ...row.map(f32), `${sci(d.error[i][0])}, ${sci(d.error[i][1])}`])),
      h('p', { className: 'note' }, `Eigenvalues ${f32(ev[0].value)} and ${f32(ev[1].value)}: ${kind}. ${d.evaluations} evaluations of f.`));
    v.show(ref ? H.flatMap((row, i) => row.map((hv, j) => ({ name: `H[${i}][${j}]`, gpu: hv, cpu: ref.value[i][j], error: d.error[i][j] }))) : [], null, c.gpu);
    pub.bad = null;
    pub.last = { expr: src, x, H, error: d.error, eigen: ev.map((e) => e.value), cpu: ref ? ref.value : null, cpuError: ref ? ref.error : null };
  });
  const run = () => {
    const x = [Number(x0.value), Number(x1.value)];
    if (!x.every(Number.isFinite)) return null;
    return update({ src: input.value, x });
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); run(); });
  for (const e of [x0, x1]) e.addEventListener('input', run);
  v.input.addEventListener('change', run);
  ch.svg.addEventListener('click', (ev) => {
    const p = ch.toData(ev);
    if (!p) return;
    x0.value = String(Math.round(p[0] * 100) / 100);
    x1.value = String(Math.round(p[1] * 100) / 100);
    run();
  });
  await run();
  // the chapter's two Hessians (the CLI demo prints the same, from apps/chapter/curvature.ts)
  const book = await chapterHessians({ cpu: c.cpu, gpu: c.gpu });
  out.append(table(`The chapter's Hessians on ${c.gpu.backend}: x0² + x1² (2I, a round bowl) and Rosenbrock at its minimum (a narrow valley)`,
    ['f at x', c.gpu.backend, 'exact', 'relative error'],
    book.cases.map((k) => [`${k.name} at (${k.x.join(', ')})`, `[${k.value.gpu.map((r) => `[${r.map(f32).join(', ')}]`).join(', ')}]`,
      `[${k.exact.map((r) => `[${r.join(', ')}]`).join(', ')}]`, sci(k.relError.gpu)])));
  pub.chapter = book.cases.map((k) => ({ name: k.name, x: k.x, exact: k.exact, gpu: k.value.gpu, cpu: k.value.cpu }));
  return `H at (1, 1) = [[${pub.last.H[0].map(f32).join(', ')}], [${pub.last.H[1].map(f32).join(', ')}]]; click to move the point`;
}

export const curvature = {
  key: 'curvature', title: 'Curvature (Hessian)', build,
  blurb: 'Second derivatives: ctx.hessian gives the 2 × 2 matrix ∂²f/∂xᵢ∂xⱼ at a point on the page’s backend. Its eigenvectors are the directions of strongest and weakest curvature; in a narrow valley one is steep and the other flat, which is why plain gradient descent zig-zags there.',
};

// −∇f over the book's 18 × 18 grid (x0, x1 ∈ arange(−2, 2.5, 0.25)), for an expression the
// reader edits: all 324 gradients in one batched numgrad call on the page's backend.
import { ExprError } from 'numgrad';
import { quiverGrid } from 'numgrad-chapter';
import { C, arrow, chart } from '../chart.js';
import { f32, f64, field, h, live, sci, verifyBox } from '../ui.js';

const PRESETS = ['x0^2 + x1^2', 'x0^2 + 3*x1^2', 'sin(x0) * cos(x1)', '(1 - x0)^2 + 5*(x1 - x0^2)^2', 'x0*x1'];

export async function build(c, out, pub) {
  const input = h('input', { type: 'text', id: 'quiver-expr', value: PRESETS[0], spellcheck: false, autocomplete: 'off', size: 28, ariaDescribedby: 'quiver-msg' });
  const go = h('button', { type: 'submit' }, 'Draw');
  const form = h('form', { className: 'controls', ariaLabel: 'quiver expression', noValidate: true }, field('f(x0, x1) =', input), go);
  const presets = h('p', { className: 'presets' }, 'Try: ', ...PRESETS.map((p) => {
    const b = h('button', { type: 'button', className: 'chip' }, p);
    b.addEventListener('click', () => { input.value = p; form.requestSubmit(); });
    return b;
  }));
  const msg = h('div', { id: 'quiver-msg', ariaLive: 'polite' });
  const v = verifyBox('quiver');
  const box = h('div');
  out.append(form, presets, msg, box, v.el);
  const ch = chart(box, { title: '−∇f over the grid: arrows point downhill', xLabel: 'x0', yLabel: 'x1', aspect: 1 });
  const points = quiverGrid();

  const update = live(pub, async (src) => {
    input.removeAttribute('aria-invalid');
    let f;
    try {
      f = c.gpu.fn(src);
      if (f.n !== null && f.n !== 2) throw new Error(`the quiver needs a function of x0 and x1; '${src}' has ${f.n} variable${f.n === 1 ? '' : 's'}`);
    } catch (e) {
      input.setAttribute('aria-invalid', 'true');
      const text = String(e?.message ?? e).replace(/^numgrad: /, '');
      msg.replaceChildren(h('p', { className: 'error' }, e instanceof ExprError ? `Cannot read the expression: column ${e.column}, expected ${e.expected}. The last good picture stays.` : `${text}. The last good picture stays.`),
        e instanceof ExprError ? h('pre', { className: 'error' }, text) : null);
      pub.bad = { expr: src, name: e?.name ?? 'Error', message: text, column: e instanceof ExprError ? e.column : null };
      return;
    }
    const d = await c.gpu.numericalGradient(f, points, { batch: true, detail: true });
    const g = d.value;
    const ref = v.on ? await c.cpu.numericalGradient(f, points, { batch: true }) : null;
    let maxLen = 0;
    for (const [a, b] of g) if (Number.isFinite(a) && Number.isFinite(b)) maxLen = Math.max(maxLen, Math.hypot(a, b));
    const nonFinite = g.filter(([a, b]) => !Number.isFinite(a) || !Number.isFinite(b)).length;
    ch.draw({
      xRange: [-2.4, 2.4], yRange: [-2.4, 2.4], series: [{ x: [0], y: [0], color: C.grey, marker: 'diamond', line: false, label: 'origin (diamond)' }],
      overlay: (sx, sy) => {
        const cell = Math.abs(sx(0.25) - sx(0)) * 0.9;
        return points.map(([x0, x1], i) => {
          const [a, b] = g[i];
          if (!Number.isFinite(a) || !Number.isFinite(b) || !(maxLen > 0)) return '';
          const k = cell / maxLen;
          return arrow(sx(x0), sy(x1), -a * k, b * k, C.blue); // pixel y grows downwards
        }).join('');
      },
      desc: `${points.length} arrows of −∇f for f = ${src} on a grid from −2 to 2.25 in steps of 0.25, lengths scaled to the largest |∇f| = ${f32(maxLen)}.${nonFinite ? ` ${nonFinite} points have a non-finite gradient and no arrow.` : ''}`,
    });
    const maxErr = d.error ? Math.max(...d.error.flat().filter(Number.isFinite)) : null;
    msg.replaceChildren(h('p', { className: 'note' }, `${points.length} gradients of ${src} in one batched call on ${c.gpu.backend}; largest |∇f| ${f32(maxLen)}, largest estimated error ${sci(maxErr)}${nonFinite ? `; ${nonFinite} non-finite` : ''}.`));
    let worst = -1;
    let wd = -1;
    if (ref) g.forEach((p, i) => p.forEach((gv, j) => { const dd = Math.abs(gv - ref[i][j]); if (dd > wd) { wd = dd; worst = i * 2 + j; } }));
    v.show(ref && worst >= 0 ? [{ name: `∂f/∂x${worst % 2} at (${points[worst >> 1].map(f64).join(', ')})`, gpu: g[worst >> 1][worst % 2], cpu: ref[worst >> 1][worst % 2], error: d.error?.[worst >> 1][worst % 2] }] : [],
      ref ? `The component shown differs most; over all ${points.length * 2} components the largest |difference| is ${sci(wd)}.` : null, c.gpu);
    pub.bad = null;
    pub.last = { expr: src, grad: g, error: d.error, cpu: ref, points };
  });
  form.addEventListener('submit', (ev) => { ev.preventDefault(); update(input.value); });
  v.input.addEventListener('change', () => update(input.value));
  await update(input.value);
  return `${points.length} gradients in one batched call; edit the expression and press Enter`;
}

export const quiver = {
  key: 'quiver', title: 'Gradient field', build,
  blurb: 'f(x0, x1): −∇f at every point of the book’s grid. The arrows point downhill, toward a minimum. Edit the expression and press Enter.',
};

// The "try your own" section: an expression and a point in, the numerical gradient on the
// page's backend out, checked against the expression's symbolic derivative. Mistakes in the
// expression are shown where they are (the library's ExprError carries the column).
import { ExprError } from '../dist/browser.js';
import { fmt, h, table } from './ui.js';

const PRESETS = [
  ['sin(x0)*x1^2', '1, 2'],
  ['x0^2 + x1^2', '3, 4'],
  ['exp(-(x0^2 + x1^2)) * x0', '0.5, -1'],
  ['sum(x^2)', '1, 2, 3, 4'],
  ['sigmoid(x)', '0'],
  ['x0^2 + * x1', '1, 2'], // a broken one, to see the error
];

/** "1, 2" or "1 2" → [1, 2]; says which entry is not a number. */
function parsePoint(text) {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (parts.length === 0) throw new Error('point: enter one number per variable, e.g. 1, 2');
  return parts.map((p, i) => {
    const v = Number(p);
    if (!Number.isFinite(v)) throw new Error(`point: entry ${i + 1} (${JSON.stringify(p)}) is not a number`);
    return v;
  });
}

/** Everything the section shows, computed on ctx; throws on a bad expression or point. */
async function differentiate(ctx, src, pointText) {
  const f = ctx.fn(src);
  const x = parsePoint(pointText);
  const value = await ctx.evaluate(f, x);
  // verify: the GPU result against the float64 CPU path, the CPU result against the symbolic one
  const d = await ctx.numericalGradient(f, x, { verify: true });
  const gradient = Array.isArray(d.value) ? d.value : [d.value];
  const report = await ctx.gradCheck(f, x); // numerical vs the symbolic gradient, per element
  const symbolic = Array.from(f.gradJs(x));
  const partials = x.map((_, i) => f.derivativeSource(i, x.length));
  return { expr: src, x, value, gradient, symbolic, partials, verify: d.verify, report };
}

/** Builds the section's form into `out`; returns a promise for the first result. */
export function playground(ctx, out, publish) {
  const expr = h('input', { id: 'expr', type: 'text', value: PRESETS[0][0], spellcheck: false, autocomplete: 'off' });
  const point = h('input', { id: 'point', type: 'text', value: PRESETS[0][1], spellcheck: false, autocomplete: 'off' });
  const go = h('button', { type: 'submit' }, 'Differentiate');
  const result = h('div', { id: 'play-result', ariaLive: 'polite' });
  const form = h('form', { className: 'play' },
    h('label', {}, 'f(x) = ', expr), h('label', {}, 'at x = ', point), go);
  const presets = h('p', { className: 'presets' }, 'Try: ',
    ...PRESETS.map(([e, p]) => h('button', { type: 'button', className: 'chip', onclick: () => { expr.value = e; point.value = p; form.requestSubmit(); } }, e)));
  out.append(form, presets, result);

  async function run() {
    go.disabled = true;
    expr.removeAttribute('aria-invalid');
    const t0 = performance.now();
    try {
      const r = await differentiate(ctx, expr.value, point.value);
      result.replaceChildren(...show(r, ctx, performance.now() - t0).filter(Boolean));
      publish({ expr: r.expr, x: r.x, value: r.value, gradient: r.gradient, symbolic: r.symbolic, verifyOk: r.verify.ok, gradCheckOk: r.report.ok, error: null });
    } catch (e) {
      result.replaceChildren(...showError(e, expr));
      publish({ expr: expr.value, error: { name: e?.name, message: String(e?.message ?? e), column: e instanceof ExprError ? e.column : null } });
    } finally {
      go.disabled = false;
    }
  }
  let current = Promise.resolve();
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    current = current.then(run); // one at a time, in order
  });
  current = run();
  return current;
}

function show(r, ctx, ms) {
  const rows = r.x.map((_, i) => [`∂f/∂x${i}`, fmt(r.gradient[i], 8), fmt(r.symbolic[i], 8), h('code', {}, r.partials[i])]);
  return [
    h('p', {}, `f(${r.x.join(', ')}) = ${fmt(r.value, 8)}   ·   ${ms.toFixed(0)} ms on ${ctx.backend}`),
    table(['', `numerical (${ctx.backend})`, 'symbolic (float64)', 'symbolic derivative'], rows),
    h('p', { className: r.verify.ok ? 'ok' : 'error' }, `verify (${r.verify.reference}): ${r.verify.message}`),
    ctx.backend === 'webgpu'
      ? h('p', { className: 'caption' }, 'float32 on the GPU: differences around 1e-4 relative are expected (rounding over a step of ~5e-3, and WGSL allows sin/cos/exp to be approximate).')
      : null,
    h('details', {}, h('summary', {}, `gradCheck(f, x): ${r.report.ok ? 'passed' : 'FAILED'}`), h('pre', {}, r.report.toString())),
  ];
}

function showError(e, input) {
  if (e instanceof ExprError) {
    input.setAttribute('aria-invalid', 'true');
    // The message already draws a caret under the column.
    return [h('p', { className: 'error' }, `Cannot read the expression: column ${e.column}, expected ${e.expected}`), h('pre', { className: 'error' }, e.message.replace(/^numgrad: /, ''))];
  }
  return [h('p', { className: 'error' }, String(e?.message ?? e).replace(/^numgrad: /, ''))];
}

// "Try your own function": an expression and a point in; the numerical gradient on the page's
// backend out, checked against the float64 CPU path (verify) and the symbolic derivative
// (gradCheck). Each part is computed on its own, so a NaN in one (a point outside the
// function's domain) is shown where it is and does not wipe the others.
import { ExprError } from 'numgrad';
import { f32, f64, field, h, live, sci, table } from '../ui.js';

const PRESETS = [
  ['sin(x0)*x1^2', '1, 2'],
  ['x0^2 + x1^2', '3, 4'],
  ['exp(-(x0^2 + x1^2)) * x0', '0.5, -1'],
  ['sum(x^2)', '1, 2, 3, 4'],
  ['sigmoid(x)', '0'],
  ['log(x0)', '-1'],
  ['log(x0) + x1^2', '-1, 2'],
  ['x0^2 + * x1', '1, 2'], // a broken one, to see the error
];

const clean = (e) => String(e?.message ?? e).replace(/^numgrad: /, '');

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

/** Runs `body`, returning { value } or { error } — one part failing leaves the others. */
async function part(body) {
  try {
    return { value: await body() };
  } catch (e) {
    return { error: clean(e) };
  }
}

async function differentiate(c, src, pointText) {
  const f = c.gpu.fn(src); // ExprError: shown with its column
  const x = parsePoint(pointText);
  if (f.n !== null && f.n !== x.length) {
    throw new Error(`'${src}' has ${f.n} variable${f.n === 1 ? '' : 's'} (${Array.from({ length: f.n }, (_, i) => (f.n === 1 && !/x\d/.test(src) ? 'x' : `x${i}`)).join(', ')}), but the point has ${x.length} number${x.length === 1 ? '' : 's'}`);
  }
  const value = await part(() => c.gpu.evaluate(f, x));
  const cpuValue = await part(() => c.cpu.evaluate(f, x));
  const grad = await part(async () => {
    const d = await c.gpu.numericalGradient(f, x, { verify: c.gpu.backend === 'webgpu', detail: true });
    return { value: Array.isArray(d.value) ? d.value : [d.value], error: d.error == null ? null : [].concat(d.error), status: [].concat(d.status), verify: d.verify ?? null };
  });
  const symbolic = await part(() => Array.from(f.gradJs(x)));
  const check = await part(() => c.gpu.gradCheck(f, x));
  const partials = x.map((_, i) => { try { return f.derivativeSource(i, x.length); } catch { return '—'; } });
  // outside the domain in float64 (log of a negative, 0/0): the GPU's number means nothing there
  const undefinedHere = cpuValue.value !== undefined && !Number.isFinite(cpuValue.value);
  return { expr: src, x, value, cpuValue, grad, symbolic, check, partials, undefinedHere };
}

export async function build(c, out, pub) {
  const expr = h('input', { id: 'expr', type: 'text', value: PRESETS[0][0], spellcheck: false, autocomplete: 'off', size: 26 });
  const point = h('input', { id: 'point', type: 'text', value: PRESETS[0][1], spellcheck: false, autocomplete: 'off', size: 12 });
  const go = h('button', { type: 'submit' }, 'Differentiate');
  const result = h('div', { id: 'play-result', ariaLive: 'polite' });
  const form = h('form', { className: 'controls', ariaLabel: 'your function', noValidate: true }, field('f(x) =', expr), field('at x =', point), go);
  const presets = h('p', { className: 'presets' }, 'Try: ', ...PRESETS.map(([e, p]) => {
    const b = h('button', { type: 'button', className: 'chip' }, e);
    b.addEventListener('click', () => { expr.value = e; point.value = p; form.requestSubmit(); });
    return b;
  }));
  out.append(form, presets, result);
  const update = live(pub, async () => {
    expr.removeAttribute('aria-invalid');
    try {
      const r = await differentiate(c, expr.value, point.value);
      result.replaceChildren(...show(r, c.gpu));
      pub.last = {
        expr: r.expr, x: r.x, value: r.value.value ?? null, cpuValue: r.cpuValue.value ?? null, gradient: r.grad.value?.value ?? null,
        symbolic: r.symbolic.value ?? null, verifyOk: r.grad.value?.verify?.ok ?? null,
        gradCheckOk: r.undefinedHere ? null : (r.check.value?.ok ?? null), undefinedHere: r.undefinedHere, error: null,
        partErrors: [r.value, r.cpuValue, r.grad, r.symbolic, r.check].map((p) => p.error ?? null),
      };
    } catch (e) {
      result.replaceChildren(...showError(e, expr));
      pub.last = { expr: expr.value, error: { name: e?.name, message: clean(e), column: e instanceof ExprError ? e.column : null } };
    }
  });
  form.addEventListener('submit', (ev) => { ev.preventDefault(); update(); });
  await update();
  return 'edit the expression or the point and press Enter';
}

function show(r, ctx) {
  const gpu = ctx.backend === 'webgpu';
  const g = r.grad.value;
  const out = [];
  const fv = r.value.error ? `cannot evaluate: ${r.value.error}` : gpu ? f32(r.value.value) : f64(r.value.value);
  out.push(h('p', {}, `f(${r.x.join(', ')}) = ${fv} on ${ctx.backend}${gpu && r.cpuValue.value !== undefined ? ` · float64: ${f64(r.cpuValue.value)}` : ''}`));
  if (r.undefinedHere) {
    out.push(h('p', { className: 'error', role: 'alert' }, `f is not defined at this point: in float64 it is ${r.cpuValue.value} (outside the domain of a function in it, e.g. log of a negative number).`
      + (gpu ? ` The GPU’s numbers here mean nothing — WGSL leaves log, sqrt and pow of negative numbers undefined, so the device may return any value${Number.isFinite(r.value.value) ? ` (here ${f32(r.value.value)})` : ''}.` : '')));
  }
  const rows = r.x.map((_, i) => [`∂f/∂x${i}`,
    g ? (gpu ? f32(g.value[i]) : f64(g.value[i])) : '—',
    g?.error ? sci(g.error[i]) : '—',
    r.symbolic.value ? f64(r.symbolic.value[i]) : '—',
    h('code', {}, r.partials[i])]);
  out.push(table('The gradient: numerical on the page’s backend, its error estimate, the symbolic derivative in float64', ['', `numerical (${ctx.backend})`, 'estimated error', 'symbolic (float64)', 'symbolic derivative'], rows));
  if (r.grad.error) out.push(h('p', { className: 'error' }, `numerical gradient: ${r.grad.error}`));
  if (r.symbolic.error) out.push(h('p', { className: 'error' }, `symbolic derivative: ${r.symbolic.error}`));
  const v = g?.verify;
  if (v) {
    out.push(h('p', { className: v.ok ? 'ok' : 'error' }, `verify against the CPU float64 path: ${v.ok ? 'passed' : 'FAILED'} — ${v.message}`));
    // the caption says what this result means, and changes with it
    out.push(h('p', { className: 'caption' }, v.ok
      ? `Within the error estimates (largest |difference| ${sci(v.maxAbs)}): float32 on the GPU differs from float64 by rounding over a step of ~5e-3.`
      : r.undefinedHere
        ? 'Not comparable: f is not defined at this point in float64.'
        : `Outside the error estimates (largest |difference| ${sci(v.maxAbs)}, ${sci(v.maxRel)} relative). WGSL allows sin, cos, exp and friends to be approximate, so the GPU may be differentiating a slightly different function; the float64 column is the reference.`));
  }
  if (r.undefinedHere) out.push(h('p', { className: 'error' }, 'gradCheck: not meaningful here (f is not defined at this point).'));
  else if (r.check.error) out.push(h('p', { className: 'error' }, `gradCheck: ${r.check.error}`));
  else {
    const k = r.check.value;
    const w = k.worst;
    out.push(h('details', {}, h('summary', { className: k.ok ? 'ok' : 'error' }, `gradCheck(f, x) against the symbolic derivative: ${k.ok ? 'passed' : 'FAILED'}`),
      h('p', { className: 'caption' }, `${k.failing} of ${k.count} elements outside |a − n| ≤ atol + rtol·|n| (rtol ${sci(k.rtol)}, atol ${sci(k.atol)}); largest |a − n| ${sci(k.maxAbs)}`
        + (w ? `, at x${w.index.join(',')}: analytic ${f64(w.analytic)}, numerical ${f32(w.numerical)}.` : '.'))));
  }
  return out;
}

function showError(e, input) {
  if (e instanceof ExprError) {
    input.setAttribute('aria-invalid', 'true');
    // the message already draws a caret under the column
    return [h('p', { className: 'error' }, `Cannot read the expression: column ${e.column}, expected ${e.expected}`), h('pre', { className: 'error' }, clean(e))];
  }
  return [h('p', { className: 'error' }, clean(e))];
}

export const playground = {
  key: 'playground', title: 'Try your own function', build,
  blurb: 'Any expression in x0, x1, … (or x, or sum(x^2) over the whole vector) with + − * / ^ and exp, log, sqrt, sin, cos, tan, tanh, sigmoid, abs. The gradient is computed on the page’s backend and checked against the float64 CPU path and the symbolic derivative.',
};

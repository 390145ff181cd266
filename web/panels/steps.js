// Choosing h: the central difference (f(x+h) − f(x−h)) / 2h of exp at x = 1 for h from 1e-18
// to 1, in float32 (the page's GPU) and float64 (the CPU): the error falls as h² until
// rounding, ~ε/h, takes over — a U in each precision, with its bottom near ∛ε. The slider
// picks one h (down to the book's 1e-50, which is 0 in float32 and vanishes against x in
// float64); numgrad's default step ladder and its own error estimate are shown beside it.
import { C, DASH, chart } from '../chart.js';
import { f32, f64, field, h, live, sci, verifyBox } from '../ui.js';

const X = 1;
const EXACT = Math.E;
const GRID = Array.from({ length: 37 }, (_, i) => 10 ** (-18 + i / 2));

async function at(ctx, f, step) {
  try {
    const d = await ctx.numericalDiff(f, X, { h: step, detail: true });
    return { value: d.value, err: Math.abs(d.value - EXACT), vanished: d.vanished.count > 0, message: null };
  } catch (e) {
    return { value: NaN, err: NaN, vanished: false, message: String(e?.message ?? e).replace(/^numgrad: /, '') };
  }
}

export async function build(c, out, pub) {
  const f = c.gpu.fn('exp(x)');
  const slider = h('input', { type: 'range', id: 'steps-h', min: '-50', max: '0', step: '0.5', value: '-4', ariaValuetext: 'h = 1e-4' });
  const shown = h('output', { for: 'steps-h' }, '1e-4');
  const read = h('div', { className: 'note', ariaLive: 'polite' });
  const v = verifyBox('steps');
  const box = h('div');
  out.append(h('div', { className: 'controls' }, field('h = 10^', slider, shown)), box, read, v.el);
  const ch = chart(box, { title: 'Error of the central difference of exp at x = 1 against h', xLabel: 'h (log)', yLabel: '|error| (log)', logX: true, logY: true, aspect: 0.62 });

  const t0 = performance.now();
  const curve = { gpu: [], cpu: [] };
  for (const s of GRID) curve.gpu.push((await at(c.gpu, f, s)).err);
  for (const s of GRID) curve.cpu.push((await at(c.cpu, f, s)).err);
  const ladder = { gpu: await c.gpu.numericalDiff(f, X, { detail: true }), cpu: await c.cpu.numericalDiff(f, X, { detail: true }) };
  pub.curveMs = performance.now() - t0;
  pub.curve = { h: GRID, ...curve };
  pub.ladder = { gpu: { value: ladder.gpu.value, error: ladder.gpu.error, step: ladder.gpu.step }, cpu: { value: ladder.cpu.value, error: ladder.cpu.error, step: ladder.cpu.step } };
  const bottom = (errs) => errs.reduce((b, e, i) => (e > 0 && e < b.err ? { err: e, h: GRID[i] } : b), { err: Infinity, h: NaN });
  const best = { gpu: bottom(curve.gpu), cpu: bottom(curve.cpu) };
  pub.best = best;
  const gpuName = c.gpu.backend === 'webgpu' ? 'float32 (WebGPU)' : 'page (CPU)';

  const update = live(pub, async (k) => {
    const step = 10 ** k;
    const g = await at(c.gpu, f, step);
    const r = await at(c.cpu, f, step);
    const floor = (e) => (e > 0 ? e : NaN);
    ch.draw({
      xRange: [1e-18, 1], yRange: [1e-12, 10],
      series: [
        { x: GRID, y: curve.gpu.map(floor), label: `${gpuName} (solid, triangles)`, color: C.blue, marker: 'triangle', markEvery: 2 },
        { x: GRID, y: curve.cpu.map(floor), label: 'float64 (CPU; dashed, squares)', color: C.red, dash: DASH.dashed, marker: 'square', markEvery: 2 },
        { x: [step, step], y: [1e-12, 10], label: `chosen h = 1e${k} (dotted)`, color: C.grey, dash: DASH.dotted, width: 1.5 },
        { x: [step], y: [floor(g.err)], color: C.blue, marker: 'ring', line: false },
        { x: [step], y: [floor(r.err)], color: C.red, marker: 'ring', line: false },
        { x: [1e-18, 1], y: [ladder.gpu.error, ladder.gpu.error], label: `numgrad’s estimate of its own ${gpuName} error (dash-dot)`, color: C.green, dash: DASH.dashdot, width: 1.5 },
      ],
      desc: `Two U-shaped curves on log axes: the float64 error is smallest, ${sci(best.cpu.err)}, at h = ${sci(best.cpu.h)}; the ${gpuName} one is smallest, ${sci(best.gpu.err)}, at h = ${sci(best.gpu.h)}. Left of the bottom, rounding (≈ ε/h) dominates; right of it, truncation (≈ h²e/6). At h = 1e${k}: float32 error ${sci(g.err)}, float64 error ${sci(r.err)}.`,
    });
    const say = (name, x) => (x.message ? `${name}: ${x.message}` : `${name}: f′ ≈ ${name.startsWith('float64') ? f64(x.value) : f32(x.value)}, error ${sci(x.err)}${x.vanished ? ' — x ± h rounded to x, so the difference is 0 (the step vanished)' : ''}`);
    read.replaceChildren(
      h('p', {}, `h = 1e${k}. ${say(gpuName, g)}.`),
      h('p', {}, `${say('float64 (CPU)', r)}.`),
      h('p', {}, `numgrad’s default (the step ladder with Richardson extrapolation) on ${c.gpu.backend}: f′ ≈ ${f32(ladder.gpu.value)}, estimated error ${sci(ladder.gpu.error)}, actual ${sci(Math.abs(ladder.gpu.value - EXACT))}; `
        + `on the CPU ${f64(ladder.cpu.value)}, estimated ${sci(ladder.cpu.error)}, actual ${sci(Math.abs(ladder.cpu.value - EXACT))}. The exact value is e = ${f64(EXACT)}.`),
    );
    v.show(v.on ? [{ name: `f′(1), h = 1e${k}`, gpu: g.value, cpu: r.value, error: null }, { name: 'f′(1), step ladder', gpu: ladder.gpu.value, cpu: ladder.cpu.value, error: ladder.gpu.error }] : [],
      'A fixed step has no error estimate; the ladder’s is the dash-dot line.', c.gpu);
    pub.last = { k, h: step, gpu: g, cpu: r };
  });
  const set = () => {
    const k = Number(slider.value);
    shown.textContent = `1e${k}`;
    slider.setAttribute('aria-valuetext', `h = 1e${k}`);
    return update(k);
  };
  slider.addEventListener('input', set);
  v.input.addEventListener('change', set);
  await set();
  return `error curve from ${GRID.length} steps per precision in ${pub.curveMs.toFixed(0)} ms`;
}

export const steps = {
  key: 'steps', title: 'Choosing h', build,
  blurb: 'How small should h be? Too large and the difference quotient misses the curve (truncation); too small and f(x+h) − f(x−h) cancels to rounding noise — and the book’s h = 1e-50 is 0 in float32 and disappears against x in float64. Slide h and compare float32 (the GPU) with float64.',
};

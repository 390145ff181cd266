// The derivative of the book's function_1, f(x) = 0.01x² + 0.1x, and its tangent at an x the
// reader drags along the curve (or sets with the slider / arrow keys). Each move is one
// numgrad call on the page's backend: numericalDiff with { detail: true } (value + error estimate).
import { F1 } from 'numgrad-chapter';
import { C, DASH, chart } from '../chart.js';
import { f32, f64, field, h, live, table, verifyBox } from '../ui.js';

const f = (x) => 0.01 * x * x + 0.1 * x;
const XS = Array.from({ length: 201 }, (_, i) => i / 10);

export async function build(c, out, pub) {
  const fg = c.gpu.fn(F1);
  const slider = h('input', { type: 'range', id: 'tangent-x', min: '0', max: '20', step: '0.1', value: '5' });
  const shown = h('output', { for: 'tangent-x', id: 'tangent-x-out' }, '5');
  const read = h('p', { className: 'note', ariaLive: 'polite' });
  const v = verifyBox('tangent');
  const box = h('div');
  out.append(h('div', { className: 'controls' }, field('x =', slider, shown)), box, read, v.el);
  const ch = chart(box, { title: 'f(x) = 0.01x² + 0.1x and its tangent at the chosen x', xLabel: 'x', yLabel: 'f(x)', aspect: 0.6 });
  ch.svg.classList.add('draggable');
  pub.toClient = ch.toClient; // for the browser test: where to point to mean (x, y)

  // the book's printed values: the CPU at the book's h = 1e-4 reproduces 0.1999999999990898
  const book = await Promise.all([5, 10].map(async (x) => ({
    x, gpu: await c.gpu.numericalDiff(fg, x), cpu: await c.cpu.numericalDiff(fg, x, { h: 'book' }),
  })));
  out.append(table('numerical_diff(function_1, x): page result, the CPU at the book’s h = 1e-4 (all digits), exact 0.02x + 0.1',
    ['x', c.gpu.backend === 'webgpu' ? 'WebGPU (float32)' : 'page (CPU, step ladder)', 'CPU float64, h = 1e-4', 'exact'],
    book.map((b) => [String(b.x), f32(b.gpu), f64(b.cpu), f64(0.02 * b.x + 0.1)])));
  pub.book = book;

  const update = live(pub, async (x) => {
    const d = await c.gpu.numericalDiff(fg, x, { detail: true });
    const slope = d.value;
    const icpt = f(x) - slope * x;
    let ref = null;
    if (v.on) ref = await c.cpu.numericalDiff(fg, x, { detail: true });
    ch.draw({
      xRange: [0, 20], yRange: [-1, 6],
      series: [
        { x: XS, y: XS.map(f), label: 'f(x) = 0.01x² + 0.1x (solid)', color: C.blue, width: 2.5 },
        { x: [0, 20], y: [icpt, slope * 20 + icpt], label: `tangent at x = ${x} (dashed)`, color: C.orange, dash: DASH.dashed },
        { x: [x], y: [f(x)], label: 'point of contact (ring)', color: C.orange, marker: 'ring', line: false },
      ],
      desc: `The parabola f rises from 0 at x = 0 to 6 at x = 20. Its tangent at x = ${x} has slope ${f32(slope)} (exact ${f64(0.02 * x + 0.1)}) and touches the curve at (${x}, ${f64(f(x))}).`,
    });
    read.textContent = `f′(${x}) ≈ ${f32(slope)} on ${c.gpu.backend} (estimated error ${d.error == null ? '—' : d.error.toExponential(1)}; exact ${f64(0.02 * x + 0.1)}); tangent y = ${f32(slope)}·x ${icpt < 0 ? '−' : '+'} ${f32(Math.abs(icpt))}`;
    v.show(ref ? [{ name: `f′(${x})`, gpu: slope, cpu: ref.value, error: d.error }] : [], null, c.gpu);
    pub.last = { x, slope, error: d.error, status: d.status, cpu: ref?.value ?? null, cpuError: ref?.error ?? null };
  });

  const set = (x) => {
    const xr = Math.round(Math.min(20, Math.max(0, x)) * 10) / 10;
    slider.value = String(xr);
    shown.textContent = String(xr);
    return update(xr);
  };
  slider.addEventListener('input', () => set(Number(slider.value)));
  v.input.addEventListener('change', () => set(Number(slider.value)));
  // drag anywhere on the plot: x follows the pointer
  let dragging = false;
  const at = (ev) => { const p = ch.toData(ev); if (p) set(p[0]); };
  ch.svg.addEventListener('pointerdown', (ev) => { dragging = true; ch.svg.setPointerCapture(ev.pointerId); at(ev); });
  ch.svg.addEventListener('pointermove', (ev) => { if (dragging) at(ev); });
  ch.svg.addEventListener('pointerup', () => { dragging = false; });
  ch.svg.addEventListener('pointercancel', () => { dragging = false; });
  await set(5);
  return `f′(5) ≈ ${f32(book[0].gpu)}; drag on the chart or move the slider`;
}

export const tangent = {
  key: 'tangent', title: 'Derivative and tangent line', build,
  blurb: 'f(x) = 0.01x² + 0.1x. Drag across the chart (or use the slider) to move x: numgrad computes f′(x) by central differences on the page’s backend and draws the tangent there.',
};

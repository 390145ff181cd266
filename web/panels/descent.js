// Gradient descent on x0² + x1² over its contours: click the chart (or type the start point)
// to start a run there; the learning-rate slider picks one of the book's rates or the ones
// around the stability limit (0.9 zig-zags inwards, 1.05 zig-zags outwards: x ← (1 − 2·lr)·x).
import { F2 } from 'numgrad-chapter';
import { C, DASH, chart, circles } from '../chart.js';
import { f32, f64, field, h, live, sci, vec, verifyBox } from '../ui.js';

export const LRS = [1e-10, 0.01, 0.1, 0.3, 0.5, 0.9, 1.05, 10];
const FRAME = 6;

/** Where the run leaves the square |xᵢ| ≤ FRAME, in words, or ''. */
function leaves(hist) {
  const k = hist.findIndex((p) => !(Math.abs(p[0]) <= FRAME && Math.abs(p[1]) <= FRAME));
  return k < 0 ? '' : `The run leaves the frame at step ${k} (x = ${vec(hist[k], f32)}); the path is drawn up to there.`;
}

export async function build(c, out, pub) {
  const f = c.gpu.fn(F2);
  const lr = h('input', { type: 'range', id: 'descent-lr', min: '0', max: String(LRS.length - 1), step: '1', value: '2', ariaValuetext: 'learning rate 0.1' });
  const lrOut = h('output', { for: 'descent-lr' }, '0.1');
  const steps = h('input', { type: 'range', id: 'descent-steps', min: '1', max: '100', step: '1', value: '100' });
  const stepsOut = h('output', { for: 'descent-steps' }, '100');
  const x0 = h('input', { type: 'number', id: 'descent-x0', step: 'any', value: '-3', min: '-6', max: '6' });
  const x1 = h('input', { type: 'number', id: 'descent-x1', step: 'any', value: '4', min: '-6', max: '6' });
  const note = h('p', { className: 'note', ariaLive: 'polite' });
  const v = verifyBox('descent');
  const box = h('div');
  out.append(h('div', { className: 'controls' }, field('learning rate', lr, lrOut), field('steps', steps, stepsOut)),
    h('div', { className: 'controls' }, field('start x0', x0), field('x1', x1), h('span', { className: 'caption' }, 'or click the chart')),
    box, note, v.el);
  const ch = chart(box, { title: 'Gradient descent on f = x0² + x1² over its contours', xLabel: 'x0', yLabel: 'x1', aspect: 1 });
  ch.svg.classList.add('draggable');
  pub.toClient = ch.toClient; // for the browser test: where to point to mean (x, y)

  const update = live(pub, async ({ start, rate, n }) => {
    const r = await c.gpu.gradientDescent(f, start, { lr: rate, steps: n, history: true });
    const ref = v.on ? await c.cpu.gradientDescent(f, start, { lr: rate, steps: n, history: true }) : null;
    const cut = (hist) => {
      const k = hist.findIndex((p) => !(Math.abs(p[0]) <= FRAME && Math.abs(p[1]) <= FRAME));
      return k < 0 ? hist : hist.slice(0, k + 1); // one point past the edge: the line runs out of the frame
    };
    const path = cut(r.history);
    const series = [...circles([1, 2, 3, 4, 5, 6, 7, 8])];
    series.push({ x: path.map((p) => p[0]), y: path.map((p) => p[1]), label: `lr ${rate}, ${c.gpu.backend} (solid, dots)`, color: C.blue, marker: 'circle' });
    if (ref) {
      const rp = cut(ref.history);
      series.push({ x: rp.map((p) => p[0]), y: rp.map((p) => p[1]), label: 'CPU float64 (dashed, rings)', color: C.red, dash: DASH.dashed, marker: 'ring' });
    }
    series.push({ x: [start[0]], y: [start[1]], label: 'start (square)', color: C.green, marker: 'square', line: false });
    const left = leaves(r.history);
    const outcome = r.diverged ? `diverged at step ${r.divergedAt}${r.stopped ? ' (stopped: overflow)' : ''}` : `ends at ${vec(r.x, f32)}`;
    const still = !r.diverged && r.x[0] === start[0] && r.x[1] === start[1] ? ' It never moved: lr·∇f is below the precision of x.' : '';
    ch.draw({
      xRange: [-FRAME, FRAME], yRange: [-FRAME, FRAME], series,
      desc: `Contour circles of x0² + x1² around the minimum at the origin, and the path of ${r.steps} descent steps from ${vec(start, f64)} with learning rate ${rate}: it ${outcome}. ${left}`,
    });
    note.textContent = `${r.steps} steps from ${vec(start, f64)}: ${outcome}.${still} ${left}${r.vanishedSteps ? ` In ${r.vanishedSteps} steps x ± h rounded to x.` : ''}`;
    note.classList.toggle('warn', Boolean(left || r.diverged));
    v.show(ref ? [0, 1].map((i) => ({ name: `final x${i}`, gpu: r.x[i], cpu: ref.x[i], error: null })) : [],
      ref ? `CPU: ${ref.diverged ? `diverged at step ${ref.divergedAt}` : `ends at ${vec(ref.x, f64)}`}. Descent has no error estimate; float32 and float64 paths part by rounding (|Δ| ${sci(Math.max(...[0, 1].map((i) => Math.abs(r.x[i] - ref.x[i]))))}).` : null, c.gpu);
    pub.last = {
      start, lr: rate, steps: n, x: r.x, diverged: r.diverged, divergedAt: r.divergedAt, stopped: r.stopped, vanishedSteps: r.vanishedSteps,
      history: r.history, left: left || null, cpu: ref ? { x: ref.x, diverged: ref.diverged, history: ref.history } : null,
    };
  });
  const run = () => {
    const rate = LRS[Number(lr.value)];
    lr.setAttribute('aria-valuetext', `learning rate ${rate}`);
    lrOut.textContent = String(rate);
    stepsOut.textContent = steps.value;
    const start = [Number(x0.value), Number(x1.value)];
    if (!start.every(Number.isFinite)) return null;
    return update({ start, rate, n: Number(steps.value) });
  };
  for (const el of [lr, steps, x0, x1]) el.addEventListener('input', run);
  v.input.addEventListener('change', run);
  ch.svg.addEventListener('click', (ev) => {
    const p = ch.toData(ev);
    if (!p) return;
    x0.value = String(Math.round(p[0] * 100) / 100);
    x1.value = String(Math.round(p[1] * 100) / 100);
    run();
  });
  await run();
  return `lr 0.1 from (−3, 4) ends at ${vec(pub.last.x, f32)}`;
}

export const descent = {
  key: 'descent', title: 'Gradient descent', build,
  blurb: 'x ← x − lr·∇f(x) on f = x0² + x1², the gradient by numgrad on the page’s backend every step. Click to start anywhere; slide the learning rate: 0.9 zig-zags into the minimum, 1.05 zig-zags out, 10 explodes, 1e-10 never moves.',
};

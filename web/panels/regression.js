// Batch vs stochastic gradient descent on a two-parameter linear regression y ≈ θ0 + θ1·x
// (32 points, a fixed seed), drawn in θ-space over the level sets of J(θ): BGD takes one
// step per epoch on all rows, SGD one per row. Gradients by numgrad on the page's backend.
import { linearRegressionDescent, makeLinearRegression, normalEquations, regressionLoss } from 'numgrad';
import { C, DASH, chart } from '../chart.js';
import { f32, f64, field, h, live, sci, vec, verifyBox } from '../ui.js';

const SETUP = { n: 32, theta: [0.5, 2], noiseStd: 0.1, seed: 4 };
const THETA0 = [-1.5, -0.5];
const EPOCHS = 10;
const BGD_LRS = [0.1, 0.3, 0.6, 1, 1.5];
const SGD_LRS = [0.01, 0.03, 0.1, 0.3];

/** Level sets J − J* = L of the quadratic J, as closed curves (ellipses around θ*). */
function ellipses(X, star, levels) {
  const m = X.rows;
  let a = 0, b = 0, d = 0; // A = XᵀX / m = [[a, b], [b, d]], J − J* = ½ δᵀAδ
  for (let r = 0; r < m; r++) {
    const u = X.data[r * 2];
    const w = X.data[r * 2 + 1];
    a += (u * u) / m; b += (u * w) / m; d += (w * w) / m;
  }
  const tr = (a + d) / 2;
  const disc = Math.sqrt(((a - d) / 2) ** 2 + b * b);
  const l1 = tr + disc;
  const l2 = tr - disc;
  const phi = 0.5 * Math.atan2(2 * b, a - d);
  const t = Array.from({ length: 97 }, (_, i) => (2 * Math.PI * i) / 96);
  return levels.map((L) => {
    const r1 = Math.sqrt((2 * L) / l1);
    const r2 = Math.sqrt((2 * L) / l2);
    const px = t.map((s) => r1 * Math.cos(s));
    const py = t.map((s) => r2 * Math.sin(s));
    return {
      x: px.map((p, i) => star[0] + p * Math.cos(phi) - py[i] * Math.sin(phi)),
      y: px.map((p, i) => star[1] + p * Math.sin(phi) + py[i] * Math.cos(phi)),
      color: C.faint, width: 1,
    };
  });
}

export async function build(c, out, pub) {
  const data = makeLinearRegression(SETUP);
  const star = normalEquations(data.X, data.y);
  const jStar = regressionLoss(data.X, data.y, star);
  const bgdLr = h('input', { type: 'range', id: 'bgd-lr', min: '0', max: String(BGD_LRS.length - 1), step: '1', value: '3' });
  const sgdLr = h('input', { type: 'range', id: 'sgd-lr', min: '0', max: String(SGD_LRS.length - 1), step: '1', value: '2' });
  const bOut = h('output', { for: 'bgd-lr' });
  const sOut = h('output', { for: 'sgd-lr' });
  const note = h('p', { className: 'note', ariaLive: 'polite' });
  const v = verifyBox('regression');
  const box = h('div');
  out.append(h('div', { className: 'controls' }, field('BGD lr', bgdLr, bOut), field('SGD lr', sgdLr, sOut)), box, note, v.el);
  const ch = chart(box, { title: 'BGD vs SGD in θ-space over the level sets of J(θ)', xLabel: 'θ0 (intercept)', yLabel: 'θ1 (slope)', aspect: 0.8 });
  const contours = ellipses(data.X, star, [0.01, 0.05, 0.15, 0.35, 0.7, 1.2, 2]);

  const update = live(pub, async ({ lb, ls }) => {
    const run = (ctx, mode, lr) => linearRegressionDescent(ctx, { X: data.X, y: data.y, mode, lr, epochs: EPOCHS, seed: 1, theta0: THETA0 });
    // both runs at once: SGD is 320 small GPU calls, and BGD's fit in the gaps between them
    const [bgd, sgd] = await Promise.all([run(c.gpu, 'batch', lb), run(c.gpu, 'stochastic', ls)]);
    const ref = v.on ? { bgd: await run(c.cpu, 'batch', lb), sgd: await run(c.cpu, 'stochastic', ls) } : null;
    const path = (r) => ({ x: r.thetaHistory.map((p) => p[0]), y: r.thetaHistory.map((p) => p[1]) });
    ch.draw({
      xRange: [-2, 2.5], yRange: [-1.5, 3],
      series: [
        ...contours,
        { ...path(bgd), label: `BGD, lr ${lb}, one step per epoch (solid, dots)`, color: C.blue, marker: 'circle' },
        { ...path(sgd), label: `SGD, lr ${ls}, 32 steps per epoch; θ after each epoch (dashed, triangles)`, color: C.orange, dash: DASH.dashed, marker: 'triangle' },
        { x: [star[0]], y: [star[1]], label: 'θ* (least squares; diamond)', color: C.green, marker: 'diamond', line: false },
      ],
      desc: `Ellipses: level sets of J around θ* = ${vec(star, f32)}. From ${vec(THETA0, String)}, ${EPOCHS} epochs: BGD ends at ${vec(bgd.theta, f32)} (J − J* = ${sci(bgd.lossHistory.at(-1) - jStar)}), SGD at ${vec(sgd.theta, f32)} (J − J* = ${sci(sgd.lossHistory.at(-1) - jStar)}).`,
    });
    note.textContent = `After ${EPOCHS} epochs on ${c.gpu.backend}: BGD ${vec(bgd.theta, f32)}${bgd.diverged ? ' (diverged)' : ''}, J − J* = ${sci(bgd.lossHistory.at(-1) - jStar)}; SGD ${vec(sgd.theta, f32)}${sgd.diverged ? ' (diverged)' : ''}, J − J* = ${sci(sgd.lossHistory.at(-1) - jStar)}. θ* = ${vec(star, f64)}.`;
    v.show(ref ? [
      ...[0, 1].map((i) => ({ name: `BGD θ${i}`, gpu: bgd.theta[i], cpu: ref.bgd.theta[i], error: null })),
      ...[0, 1].map((i) => ({ name: `SGD θ${i}`, gpu: sgd.theta[i], cpu: ref.sgd.theta[i], error: null })),
    ] : [], null, c.gpu);
    pub.last = { lb, ls, bgd: { theta: bgd.theta, history: bgd.thetaHistory, diverged: bgd.diverged }, sgd: { theta: sgd.theta, history: sgd.thetaHistory, diverged: sgd.diverged }, star, jStar, cpu: ref && { bgd: ref.bgd.theta, sgd: ref.sgd.theta } };
  });
  const run = () => {
    const lb = BGD_LRS[Number(bgdLr.value)];
    const ls = SGD_LRS[Number(sgdLr.value)];
    bOut.textContent = String(lb);
    sOut.textContent = String(ls);
    bgdLr.setAttribute('aria-valuetext', `BGD learning rate ${lb}`);
    sgdLr.setAttribute('aria-valuetext', `SGD learning rate ${ls}`);
    return update({ lb, ls });
  };
  for (const e of [bgdLr, sgdLr]) e.addEventListener('input', run);
  v.input.addEventListener('change', run);
  await run();
  return `θ* = ${vec(star, f32)}; slide either learning rate`;
}

export const regression = {
  key: 'regression', title: 'Batch vs stochastic gradient descent', build,
  blurb: 'Fitting y ≈ θ0 + θ1·x to 32 noisy points. BGD steps once per epoch along the full gradient; SGD steps after every point, so per epoch it moves further but wanders around θ*.',
};

// The book's simpleNet (§4.4.2): x = [0.6, 0.9], t = [0, 0, 1], W a 2 × 3 matrix the reader
// edits. Each edit: loss and the numerical ∂L/∂W on the page's backend, backprop beside them.
import { BOOK } from 'numgrad-chapter';
import { f32, f64, h, live, table, vec, verifyBox } from '../ui.js';

export async function build(c, out, pub) {
  const { x, t } = BOOK.simpleNet;
  const cells = BOOK.simpleNet.W.map((row, i) => row.map((w, j) => h('input', {
    type: 'number', step: 'any', value: String(w), id: `snet-w${i}${j}`, ariaLabel: `W row ${i} column ${j}`,
  })));
  const grid = h('div', { className: 'matrix', role: 'group', ariaLabel: 'weights W (2 × 3)' }, ...cells.flat());
  const reset = h('button', { type: 'button' }, 'Book’s W');
  const res = h('div', { ariaLive: 'polite' });
  const v = verifyBox('simpleNet');
  out.append(h('p', { className: 'caption' }, `W (2 × 3); x = ${vec([...x], String)}, t = ${vec([...t], String)}`), grid, h('div', { className: 'controls' }, reset), res, v.el);
  const net = c.gpu.simpleNet({ W: BOOK.simpleNet.W });
  const cpuNet = c.cpu === c.gpu ? net : c.cpu.simpleNet({ W: BOOK.simpleNet.W });

  const update = live(pub, async (W) => {
    net.W = W;
    const predict = await net.predict([...x]);
    const loss = await net.loss([...x], [...t]);
    const dW = await net.numericalGradient([...x], [...t]);
    // backprop in float64 (the analytic gradient): the reference the numerical dW should meet
    cpuNet.W = W;
    const back = await cpuNet.gradient([...x], [...t]);
    let ref = null;
    if (v.on) ref = { loss: await cpuNet.loss([...x], [...t]), dW: await cpuNet.numericalGradient([...x], [...t]) };
    res.replaceChildren(
      h('p', {}, `predict(x) = ${vec(predict, f32)} · loss = ${f32(loss)} on ${c.gpu.backend}`),
      table('∂L/∂W: numerical on the page’s backend, backprop (float64) below it', ['', 'column 0', 'column 1', 'column 2'], [
        ...dW.map((row, i) => [`numerical, row ${i}`, ...row.map(f32)]),
        ...back.map((row, i) => [`backprop, row ${i}`, ...row.map(f64)]),
      ]));
    v.show(ref ? [{ name: 'loss', gpu: loss, cpu: ref.loss, error: null }, ...dW.flatMap((row, i) => row.map((g, j) => ({ name: `dW[${i}][${j}]`, gpu: g, cpu: ref.dW[i][j], error: null })))] : [],
      'Net gradients report no per-element estimate; the backprop rows are the exact values.', c.gpu);
    pub.last = { W, predict, loss, dW, backprop: back, cpu: ref };
  });
  const read = () => {
    const W = cells.map((row) => row.map((e) => Number(e.value)));
    const bad = cells.flat().filter((e) => e.value === '' || !Number.isFinite(Number(e.value)));
    for (const e of cells.flat()) { if (bad.includes(e)) e.setAttribute('aria-invalid', 'true'); else e.removeAttribute('aria-invalid'); }
    if (bad.length) { res.replaceChildren(h('p', { className: 'error' }, 'Every weight must be a number.')); return null; }
    return update(W);
  };
  for (const e of cells.flat()) e.addEventListener('input', read);
  reset.addEventListener('click', () => { BOOK.simpleNet.W.forEach((row, i) => row.forEach((w, j) => { cells[i][j].value = String(w); })); read(); });
  v.input.addEventListener('change', read);
  await read();
  return `loss ${f32(pub.last.loss)} with the book’s W; edit any weight`;
}

export const simpleNet = {
  key: 'simpleNet', title: 'SimpleNet', build,
  blurb: 'The book’s 2 × 3 network: loss = cross-entropy(softmax(x·W), t). Change a weight and numgrad recomputes the loss and ∂L/∂W by numerical differentiation; backprop’s exact gradient is shown under it.',
};

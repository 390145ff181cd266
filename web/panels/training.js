// A TwoLayerNet (2 → 16 → 3) learning the bundled spiral data live on the page's backend,
// twice from the same start: with numerical gradients (the chapter's method) and with
// backprop (the next chapter's), their loss curves side by side. Each press trains a chunk
// and redraws.
import { C, DASH, chart } from '../chart.js';
import { f32, h, live, sci, verifyBox } from '../ui.js';
import { spirals } from './data.js';

const NET = { inputSize: 2, hiddenSize: 16, outputSize: 3, weightInitStd: 0.5, seed: 3 };
const CHUNK = 50;
const OPTS = { batchSize: 60, lr: 1 };

export async function build(c, out, pub) {
  const data = spirals();
  const go = h('button', { type: 'button', id: 'train-more' }, `Train ${CHUNK} more steps`);
  const reset = h('button', { type: 'button', id: 'train-reset' }, 'Start again');
  const note = h('p', { className: 'note', ariaLive: 'polite' });
  const v = verifyBox('training');
  const boxN = h('div');
  const boxB = h('div');
  out.append(h('div', { className: 'controls' }, go, reset), h('div', { className: 'pair' }, boxN, boxB), note, v.el);
  const chN = chart(boxN, { title: 'Numerical gradient: batch loss per step', xLabel: 'step', yLabel: 'loss', aspect: 0.7 });
  const chB = chart(boxB, { title: 'Backprop: batch loss per step', xLabel: 'step', yLabel: 'loss', aspect: 0.7 });
  const train = { xTrain: data.x, tTrain: data.labels };

  let nets;
  let hist;
  let chunks;
  const fresh = () => {
    nets?.num.dispose();
    nets?.back.dispose();
    nets = { num: c.gpu.twoLayerNet(NET), back: c.gpu.twoLayerNet(NET) };
    hist = { num: [], back: [] };
    chunks = 0;
  };
  fresh();

  const update = live(pub, async (what) => {
    if (what === 'reset') fresh();
    else if (what === 'train') {
      const seed = chunks++;
      const rn = await nets.num.train({ data: train, iters: CHUNK, ...OPTS, gradient: 'numerical', seed, evalEvery: CHUNK });
      const rb = await nets.back.train({ data: train, iters: CHUNK, ...OPTS, gradient: 'backprop', seed, evalEvery: CHUNK });
      hist.num.push(...rn.lossHistory);
      hist.back.push(...rb.lossHistory);
    }
    const acc = { num: await nets.num.accuracy(data.x, data.labels), back: await nets.back.accuracy(data.x, data.labels) };
    const loss = { num: await nets.num.loss(data.x, data.labels), back: await nets.back.loss(data.x, data.labels) };
    const steps = hist.num.map((_, i) => i + 1);
    const frame = { xRange: [0, Math.max(CHUNK, steps.length)], yRange: [0, Math.max(1.2, ...hist.num.filter(Number.isFinite), ...hist.back.filter(Number.isFinite)) * 1.05] };
    let gap = 0;
    hist.num.forEach((l, i) => { gap = Math.max(gap, Math.abs(l - hist.back[i])); });
    const say = (name, hs) => (steps.length ? `Batch loss per step for ${steps.length} steps of minibatch SGD (batch ${OPTS.batchSize}, lr ${OPTS.lr}) with ${name}: ${f32(hs[0])} at step 1, ${f32(hs.at(-1))} at the last.` : 'No training yet: press “Train” to run minibatch SGD and draw the batch loss of every step.');
    chN.draw({ ...frame, series: [{ x: steps, y: hist.num, label: 'numerical gradient (solid)', color: C.blue }], desc: say('numerical gradients', hist.num) });
    chB.draw({ ...frame, series: [{ x: steps, y: hist.back, label: 'backprop (dashed)', color: C.orange, dash: DASH.dashed }], desc: say('backprop', hist.back) });
    note.textContent = steps.length
      ? `${steps.length} steps on ${c.gpu.backend}. Whole-set loss / accuracy — numerical: ${f32(loss.num)} / ${(acc.num * 100).toFixed(1)} %; backprop: ${f32(loss.back)} / ${(acc.back * 100).toFixed(1)} % (chance: 33.3 %). The two runs’ batch losses differ by at most ${sci(gap)}.`
      : `Untrained: loss ${f32(loss.num)}, accuracy ${(acc.num * 100).toFixed(1)} %. Press “Train”.`;
    let ref = null;
    if (v.on) {
      // the same parameters on the CPU: float64 loss and numerical gradient there
      const cpuNet = c.cpu.twoLayerNet({ ...NET, params: nets.num.params });
      const gGpu = await nets.num.numericalGradient(data.x, data.labels);
      const gCpu = await cpuNet.numericalGradient(data.x, data.labels);
      ref = { loss: await cpuNet.loss(data.x, data.labels), gGpu, gCpu };
      if (cpuNet !== nets.num) cpuNet.dispose();
    }
    v.show(ref ? [
      { name: 'whole-set loss (numerical net)', gpu: loss.num, cpu: ref.loss, error: null },
      { name: '∂L/∂b2[0]', gpu: ref.gGpu.b2[0], cpu: ref.gCpu.b2[0], error: null },
      { name: '∂L/∂W2[0][0]', gpu: ref.gGpu.W2[0][0], cpu: ref.gCpu.W2[0][0], error: null },
      { name: '∂L/∂W1[1][0]', gpu: ref.gGpu.W1[1][0], cpu: ref.gCpu.W1[1][0], error: null },
    ] : [], 'The numerical net’s current parameters, evaluated on both paths.', c.gpu);
    pub.last = { steps: steps.length, lossNum: hist.num, lossBack: hist.back, acc, loss, cpu: ref && { loss: ref.loss, b2: ref.gCpu.b2, gpuB2: ref.gGpu.b2, W2: ref.gCpu.W2, gpuW2: ref.gGpu.W2 } };
  });
  go.addEventListener('click', () => update('train'));
  reset.addEventListener('click', () => update('reset'));
  v.input.addEventListener('change', () => update('redraw'));
  await update('train');
  return `${CHUNK} steps trained with each gradient; press “Train” for more (${(pub.last.acc.back * 100).toFixed(1)} % accuracy with backprop)`;
}

export const training = {
  key: 'training', title: 'Training a two-layer net', build,
  blurb: 'A 2 → 16 → 3 TwoLayerNet learns three interleaved spirals (300 points bundled with the page) by minibatch SGD on the page’s backend, once with numerical gradients and once with backprop, from the same initial weights.',
};

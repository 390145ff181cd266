// TF.js as a speed peer for the TwoLayerNet gradient, in its own process (its WebGPU
// backend wants a navigator.gpu global, which numgrad never sets). For each TF.js backend
// (cpu, and webgpu on the same Dawn adapter numgrad uses) it measures the autodiff
// gradient (tf.grads) and one forward loss; the book's numerical loop is 2 losses per
// parameter, so its cost is extrapolated as 2·P·loss. Prints one JSON line.
import { createRequire } from 'node:module';
import { create, globals } from 'webgpu';

const require = createRequire(import.meta.url);

const [inp, hid, out, batch] = (process.argv.slice(2, 6).length === 4 ? process.argv.slice(2, 6) : [784, 50, 10, 100]).map(Number);
Object.assign(globalThis, globals);
Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true });
const quiet = console.warn;
console.warn = () => {};
// The CommonJS bundles: tfjs's ESM build is not loadable by Node (extensionless imports).
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-webgpu');
console.warn = quiet;
tf.env().set('IS_NODE', false); // silence the "install tfjs-node" banner

const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
const result = {};
for (const backend of ['cpu', 'webgpu']) {
  try {
    if (!(await tf.setBackend(backend))) throw new Error('not available');
    await tf.ready();
    const W1 = tf.randomNormal([inp, hid], 0, 0.01, 'float32', 1);
    const b1 = tf.zeros([hid]);
    const W2 = tf.randomNormal([hid, out], 0, 0.01, 'float32', 2);
    const b2 = tf.zeros([out]);
    const x = tf.randomUniform([batch, inp], 0, 1, 'float32', 3);
    const t = tf.cast(tf.oneHot(tf.randomUniform([batch], 0, out, 'int32', 4), out), 'float32');
    const loss = (w1, c1, w2, c2) => {
      const z = tf.sigmoid(tf.add(tf.matMul(x, w1), c1));
      const y = tf.softmax(tf.add(tf.matMul(z, w2), c2));
      return tf.div(tf.neg(tf.sum(tf.mul(t, tf.log(tf.add(y, 1e-7))))), batch);
    };
    const grads = tf.grads(loss);
    const gradMs = [];
    for (let r = 0; r < 6; r++) {
      const t0 = performance.now();
      const gs = grads([W1, b1, W2, b2]);
      await Promise.all(gs.map((g) => g.data()));
      gradMs.push(performance.now() - t0);
      gs.forEach((g) => g.dispose());
    }
    const lossMs = [];
    const t1 = performance.now();
    while (performance.now() - t1 < 1500 || lossMs.length < 5) {
      const t0 = performance.now();
      const l = tf.tidy(() => loss(W1, b1, W2, b2));
      await l.data();
      l.dispose();
      lossMs.push(performance.now() - t0);
    }
    const P = inp * hid + hid + hid * out + out;
    result[backend] = { autodiffMs: median(gradMs.slice(1)), lossMs: median(lossMs), numericalMsExtrapolated: 2 * P * median(lossMs) };
  } catch (e) {
    result[backend] = { error: e instanceof Error ? e.message : String(e) };
  }
}
console.log(JSON.stringify(result));
process.exit(0);

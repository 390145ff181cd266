// TF.js as a peer, in numgrad's process (after bench/peers/navigator.js has set up
// navigator.gpu): its cpu backend (plain JavaScript) and its webgpu backend on the same
// Dawn adapter numgrad uses. Host Float32Arrays in and out, so every time includes the
// upload and the readback.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let loaded;

/** The tf module (CommonJS bundles: its ESM build does not load in Node) or an error string. */
export function loadTf() {
  loaded ??= (() => {
    const quiet = console.warn;
    try {
      console.warn = () => {};
      const tf = require('@tensorflow/tfjs');
      require('@tensorflow/tfjs-backend-webgpu');
      tf.env().set('IS_NODE', false); // silences the "install tfjs-node" banner
      return { tf };
    } catch (e) {
      return { error: String(e?.message ?? e).split('\n')[0] };
    } finally {
      console.warn = quiet;
    }
  })();
  return loaded;
}

/** Switches TF.js to `backend`; false when it is not available. */
export async function useBackend(tf, backend) {
  try {
    if (!(await tf.setBackend(backend))) return false;
    await tf.ready();
    return true;
  } catch {
    return false;
  }
}

/**
 * Batched gradients of f(x) = Σ x_j² at N points of n dims, as a TF.js user writes them:
 * numerical from the 2n perturbed copies of every point in one batch (step c·max(|x|, 1),
 * c = ∛ε(float32)), analytic with tf.grads.
 */
export function tfSquares(tf, n) {
  const c = Math.cbrt(2 ** -23);
  const f = (X) => tf.sum(tf.square(X), -1); // f per row of the last axis
  const numerical = (X) => {
    const H = tf.mul(tf.maximum(tf.abs(X), 1), c); // N×n
    const D = tf.mul(tf.expandDims(tf.eye(n), 0), tf.expandDims(H, 1)); // N×n×n: [p][j] = h_pj·e_j
    const X3 = tf.expandDims(X, 1);
    return tf.div(tf.sub(f(tf.add(X3, D)), f(tf.sub(X3, D))), tf.mul(H, 2));
  };
  const [analyticGrad] = [tf.grad((X) => tf.sum(tf.square(X)))];
  const run = (fn) => async (data, N) => {
    const g = tf.tidy(() => fn(tf.tensor2d(data, [N, n], 'float32')));
    const out = await g.data();
    g.dispose();
    return out;
  };
  return { numerical: run(numerical), analytic: run(analyticGrad) };
}

/** TwoLayerNet loss (the book's) and tf.grads of it; parameters as Float32Arrays. */
export function tfNet(tf, { W1, b1, W2, b2, x, t, I, H, K, B }) {
  const P = [tf.tensor2d(W1, [I, H]), tf.tensor1d(b1), tf.tensor2d(W2, [H, K]), tf.tensor1d(b2)];
  const X = tf.tensor2d(x, [B, I]), T = tf.tensor2d(t, [B, K]);
  const loss = (w1, c1, w2, c2) => {
    const z = tf.sigmoid(tf.add(tf.matMul(X, w1), c1));
    const y = tf.softmax(tf.add(tf.matMul(z, w2), c2));
    return tf.div(tf.neg(tf.sum(tf.mul(T, tf.log(tf.add(y, 1e-7))))), B);
  };
  const grads = tf.grads(loss);
  const run = async () => {
    const gs = grads(P);
    const out = await Promise.all(gs.map((g) => g.data()));
    gs.forEach((g) => g.dispose());
    return out;
  };
  run.dispose = () => [...P, X, T].forEach((a) => a.dispose());
  /** one forward loss on the same tensors (the book's loop costs 2 of these per parameter) */
  run.loss = async () => {
    const l = tf.tidy(() => loss(...P));
    await l.data();
    l.dispose();
  };
  return run;
}

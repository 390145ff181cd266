// TwoLayerNet 784-50-10, batch 100 (39,760 parameters): one full gradient, numgrad's GPU
// and CPU paths beside the peers' autodiff (TF.js tf.grads, jax-js grad under jit), all in
// this process on the same weights and data, and the book's numpy loop (extrapolated).
// Every row's error is against numgrad's float64 CPU backprop (the exact gradient of the
// loss as defined), as max|g − ref| / max|ref|.
import { execFileSync } from 'node:child_process';
import { timeChecked, flat } from './harness.js';
import { median } from './timing.js';
import { loadTf, useBackend, tfNet } from './peers/tf.js';
import { loadJax, jaxNet } from './peers/jax.js';

const SIZES = { inputSize: 784, hiddenSize: 50, outputSize: 10 };

function peer(cmd, args) {
  try {
    return JSON.parse(execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000, env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } }).trim().split('\n').pop());
  } catch (e) {
    const msg = String(e.stderr || e.message || e);
    if (/No module named .numpy/.test(msg)) return { error: 'skipped: python3 has no numpy' };
    if (/ENOENT/.test(msg)) return { error: 'skipped: no python3' };
    return { error: `failed (exit ${e.status ?? '?'}): ${(msg.trim().split('\n').filter(Boolean).pop() ?? '').slice(0, 160) || 'no output'}` };
  }
}

function errVs(ref) {
  let m = 0;
  for (const v of ref) m = Math.max(m, Math.abs(v));
  return (g) => {
    const f = g.length === ref.length ? g : flat(g);
    if (f.length !== ref.length) return Infinity;
    let w = 0;
    for (let i = 0; i < ref.length; i++) {
      const e = Math.abs(f[i] - ref[i]);
      if (!(e <= w)) w = Number.isNaN(e) ? Infinity : e;
    }
    return w / m;
  };
}

const cat = (parts) => {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, (o += p.length) - p.length);
  return out;
};

export async function benchNet(cpu, gpu, mnist, { quick }) {
  const B = 100, { inputSize: I, hiddenSize: H, outputSize: K } = SIZES;
  const x = Float32Array.from(mnist.xTrain.subarray(0, B * I));
  const labels = Int32Array.from(mnist.tTrain.subarray(0, B));
  const onehot = new Float32Array(B * K);
  labels.forEach((l, b) => { onehot[b * K + l] = 1; });
  const rows = [];
  const runs = quick ? 5 : 15;
  const gnet = gpu.twoLayerNet({ ...SIZES, seed: 1 });
  const cnet = cpu.twoLayerNet({ ...SIZES, seed: 1 });
  const ref = cat(await cnet.gradientDetail(x, labels));
  const err = errVs(ref);
  const add = async (name, work, tol, note, opts = {}) => {
    const r = await timeChecked(name, work, err, { tol, runs, warmup: 2, ...opts });
    rows.push({ ...r, note: r.ok ? note : r.reason });
    return r;
  };
  const flatOf = async (p) => cat(await p);
  await add('numgrad GPU numerical (structured, f32)', () => flatOf(gnet.numericalGradientDetail(x, labels).then((d) => d.flat)), 2e-2, 'h = 1e-4 (f32); every parameter');
  await add('numgrad GPU backprop (f32)', () => flatOf(gnet.gradientDetail(x, labels)), 1e-3, 'analytic, for scale');
  await add('numgrad CPU numerical (structured, f64)', () => flatOf(cnet.numericalGradientDetail(x, labels).then((d) => d.flat)), 1e-6, "the book's h = 1e-4", { runs: 3, warmup: 1 });
  if (!quick) await add('numgrad CPU numerical (generic, f64)', () => flatOf(cnet.numericalGradientDetail(x, labels, { method: 'generic' }).then((d) => d.flat)), 1e-6, 'a perturbed forward per weight and side', { runs: 1, warmup: 1 });
  await add('numgrad CPU backprop (f64)', () => flatOf(cnet.gradientDetail(x, labels)), 1e-12, 'the reference (analytic)');

  // the peers, on numgrad's weights (rounded to f32)
  const P = cnet.params;
  const f32 = (v) => Float32Array.from(flat(v));
  const net = { W1: f32(P.W1), b1: f32(P.b1), W2: f32(P.W2), b2: f32(P.b2), x, t: onehot, I, H, K, B };
  const { tf, error: tfError } = loadTf();
  for (const be of ['cpu', 'webgpu']) {
    if (!tf || !(await useBackend(tf, be))) {
      rows.push({ name: `TF.js ${be}`, ok: false, ms: NaN, err: NaN, note: tfError ?? 'backend not available' });
      continue;
    }
    const run = tfNet(tf, net);
    await add(`TF.js ${be}: tf.grads (analytic, f32)`, async () => cat(await run()), 1e-3, 'autodiff; data already on the backend');
    // the book's loop in TF.js: 2 losses per parameter, extrapolated from the loss time
    const l = await median(run.loss, { runs: 9, warmup: 2 });
    const nP = ref.length;
    rows.push({ name: `TF.js ${be}: the book's loop (numerical)`, ok: true, ms: 2 * nP * l.ms, err: NaN, note: `extrapolated: 2·${nP.toLocaleString('en-US')} losses × ${l.ms.toFixed(2)} ms` });
    run.dispose();
  }
  const { jax, devices = [], error: jaxError } = await loadJax();
  for (const d of ['wasm', 'webgpu']) {
    if (!jax || !devices.includes(d)) {
      rows.push({ name: `jax-js ${d}`, ok: false, ms: NaN, err: NaN, note: jaxError ?? 'device not available' });
      continue;
    }
    const run = jaxNet(jax, d, net);
    await add(`jax-js ${d}: jit(grad) (analytic, f32)`, async () => cat(await run()), 1e-3, 'autodiff; parameters uploaded per call');
  }
  const np = peer('python3', ['bench/peers/numpy_two_layer.py', String(I), String(H), String(K), String(B), quick ? '1' : '3']);
  rows.push(np.msPerGradient
    ? { name: "numpy: the book's numerical_gradient (f64, 1 BLAS thread)", ok: true, ms: np.msPerGradient, err: NaN, note: `extrapolated from ${np.paramsTimed} parameters` }
    : { name: "numpy: the book's numerical_gradient", ok: false, ms: NaN, err: NaN, note: np.error ?? 'unavailable' });
  gnet.dispose?.();
  cnet.dispose?.();
  const gpuMs = rows[0].ms;
  const grads = rows.filter((r) => r.ok && /tf\.grads|jit\(grad\)/.test(r.name));
  const fastest = grads.sort((a, b) => a.ms - b.ms)[0];
  return { rows: rows.map((r) => ({ ...r, vsGpu: r.ms / gpuMs })), fastestPeerGrad: fastest ? { name: fastest.name, ms: fastest.ms, ratio: gpuMs / fastest.ms } : null };
}

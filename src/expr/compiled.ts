import { ArgumentError } from '../core/errors';
import { children, type Node } from './ast';
import { dependencies, type Dependencies } from './deps';
import { derivative, substLen } from './derivative';
import { compileScalar, compileVector, type ScalarFn, type VectorFn } from './eval';
import type { CompiledExpr } from './types';
import { printExpr } from './print';
import { foldConstants } from './simplify';
import { dataDecls, dataIdent, userDf, userF, WgslGen } from './wgsl';
import { userFmSource } from './wgsl-multi';
import { localSum, type LocalSum } from './local';
import { userLocal } from './wgsl-local';
import { compileBatch, type BatchProgram } from './batch';
import { pointOf, type PointSource } from './batch-source';

/** Up to this many parameters, the gradient is one derivative per index (fast to evaluate,
 *  and user_df a switch); beyond it, one derivative in terms of a runtime index i. */
const PER_INDEX_MAX = 64;

export class Compiled implements CompiledExpr {
  private readonly f: (ScalarFn | undefined)[];
  private gradAll?: VectorFn;        // n known and small: all partials in one call
  private gradAt?: ScalarFn[];       // otherwise: ∂f/∂x_i with runtime i, per output
  private partials?: Node[];
  private partialI: (Node | undefined)[] = [];
  private readonly wgslCache = new Map<number, { f: string; df: string }>();

  constructor(
    readonly source: string,
    private readonly asts: readonly Node[],
    readonly n: number | null,
    /** smallest vector length the fixed variables allow */
    private readonly minLen: number,
    readonly outputs: number,
    /** one expression evaluated per data element (output k reads data[k]) */
    private readonly perElement: boolean,
    readonly params: readonly string[] | null,
    private readonly data: ReadonlyMap<string, Float64Array>,
  ) {
    this.f = asts.map(() => undefined);
  }

  private astOf(k: number): Node {
    return this.asts[this.perElement ? 0 : k];
  }

  private fnOf(k: number): ScalarFn {
    const a = this.perElement ? 0 : k;
    return (this.f[a] ??= compileScalar(this.asts[a], this.data, this.n));
  }

  private checkX(x: ArrayLike<number>, what: string): void {
    if (x == null || typeof x.length !== 'number') {
      throw new ArgumentError('x', `${what}(x) for '${this.source}': x must be an array of numbers`);
    }
    if (this.n !== null) {
      if (x.length !== this.n) {
        throw new ArgumentError('x', `${what}(x) for '${this.source}': the expression has n = ${this.n} parameters but x has length ${x.length}`);
      }
    } else if (x.length < this.minLen) {
      throw new ArgumentError('x', x.length === 0
        ? `${what}(x) for '${this.source}': x must have at least 1 element`
        : `${what}(x) for '${this.source}': the expression uses x${this.minLen - 1}, so x needs length ≥ ${this.minLen} but has length ${x.length}`);
    }
  }

  private single(what: string): void {
    if (this.outputs !== 1) {
      throw new ArgumentError('f', `${what}: '${this.source}' has ${this.outputs} outputs; use evalOutputs(x) / evalOutput(k, x) ` +
        'or jacobianJs(x) on the CPU path (a GPU Jacobian is not available yet)');
    }
  }

  private checkK(k: number): void {
    if (!Number.isInteger(k) || k < 0 || k >= this.outputs) {
      throw new ArgumentError('k', `output index must be an integer in [0, ${this.outputs - 1}], got ${String(k)}`);
    }
  }

  evalJs(x: ArrayLike<number>): number {
    this.single('evalJs');
    this.checkX(x, 'evalJs');
    return this.fnOf(0)(x, 0, 0);
  }

  evalOutput(k: number, x: ArrayLike<number>): number {
    this.checkK(k);
    this.checkX(x, 'evalOutput');
    return this.fnOf(k)(x, 0, k);
  }

  evalOutputs(x: ArrayLike<number>): Float64Array {
    this.checkX(x, 'evalOutputs');
    const out = new Float64Array(this.outputs);
    for (let k = 0; k < this.outputs; k++) out[k] = this.fnOf(k)(x, 0, k);
    return out;
  }

  private readonly batch: (BatchProgram | null | undefined)[] = [];
  private readonly loops: (boolean | undefined)[] = [];

  evalBatch(src: PointSource, k = 0, out?: Float64Array, stride = 1): Float64Array {
    this.checkK(k);
    if (src == null || !(src.base instanceof Float64Array) || !Number.isInteger(src.points) || src.points < 0 || !Number.isInteger(src.n)) {
      throw new ArgumentError('src', `evalBatch for '${this.source}': expected { base: Float64Array, n, points, row?, j1?, v1?, j2?, v2? }`);
    }
    this.checkX({ length: src.n }, 'evalBatch');
    const P = src.points, short = (a: ArrayLike<number> | undefined) => a !== undefined && a.length < P;
    if (short(src.row) || short(src.j1) || short(src.v1) || short(src.j2) || short(src.v2) || (out && out.length < (P - 1) * stride + 1)) {
      throw new ArgumentError('src', `evalBatch for '${this.source}': row, j1, v1, j2, v2 and out need an entry per point (${P})`);
    }
    const rows = Math.floor(src.base.length / Math.max(1, src.n));
    if (P > 0 && (src.row ? src.row.some((r, p) => p < P && r >= rows) : P > rows)) {
      throw new ArgumentError('src', `evalBatch for '${this.source}': a point reads a base row past the ${rows} that base holds`);
    }
    const res = out ?? new Float64Array(src.points);
    if (src.points === 0) return res;
    const a = this.perElement ? 0 : k;
    const prog = this.batch[a] === undefined ? (this.batch[a] = compileBatch(this.asts[a], this.data)) : this.batch[a];
    // points that share nothing (each its own row, nothing replaced) with a sum over an index:
    // the machine would read x column-wise across the chunk's rows (a 10⁴-D sum(x^2) at 256
    // such points cost 58 µs a point against 13 µs on the block machine), so per point
    const alone = !src.row && !src.j1 && !src.j2 && this.hasIndexSum(k);
    if (prog && !alone) prog.run(src, res, stride, k);
    else {
      // not for the machine: the closure tree, point by point
      const f = this.fnOf(k), x = new Float64Array(src.n);
      for (let p = 0; p < src.points; p++) res[p * stride] = f(pointOf(src, p, x), 0, k);
    }
    return res;
  }

  hasIndexSum(k = 0): boolean {
    const a = this.perElement ? 0 : k;
    return (this.loops[a] ??= hasLoop(this.asts[a]));
  }

  private knownPartials(): Node[] {
    if (!this.partials) {
      this.partials = [];
      for (let i = 0; i < (this.n as number); i++) this.partials.push(derivative(this.asts[0], i));
    }
    return this.partials;
  }

  private perIndex(): boolean {
    return this.n !== null && this.n <= PER_INDEX_MAX && this.asts.length === 1 && !this.perElement;
  }

  private symbolicPartial(k: number): Node {
    const a = this.perElement ? 0 : k;
    return (this.partialI[a] ??= derivative(this.asts[a], 'I'));
  }

  private gradInto(x: ArrayLike<number>, k: number, out: Float64Array, at: number): void {
    if (this.perIndex()) {
      const row = new Float64Array(x.length);
      (this.gradAll ??= compileVector(this.knownPartials(), this.data, this.n))(x, row);
      out.set(row, at);
      return;
    }
    const a = this.perElement ? 0 : k;
    this.gradAt ??= [];
    const df = (this.gradAt[a] ??= compileScalar(this.symbolicPartial(k), this.data, this.n));
    for (let i = 0; i < x.length; i++) out[at + i] = df(x, i, k);
  }

  gradJs(x: ArrayLike<number>): Float64Array {
    this.single('gradJs');
    this.checkX(x, 'gradJs');
    const out = new Float64Array(x.length);
    this.gradInto(x, 0, out, 0);
    return out;
  }

  jacobianJs(x: ArrayLike<number>): Float64Array {
    this.checkX(x, 'jacobianJs');
    const out = new Float64Array(this.outputs * x.length);
    for (let k = 0; k < this.outputs; k++) this.gradInto(x, k, out, k * x.length);
    return out;
  }

  derivativeSource(i: number, n?: number, k = 0): string {
    this.checkK(k);
    const size = this.n ?? n;
    if (n !== undefined && this.n !== null && n !== this.n) {
      throw new ArgumentError('n', `derivativeSource: '${this.source}' has n = ${this.n}, got n = ${n}`);
    }
    if (n !== undefined && (!Number.isInteger(n) || n < this.minLen)) {
      throw new ArgumentError('n', `derivativeSource: n must be an integer ≥ ${this.minLen}, got ${n}`);
    }
    if (!Number.isInteger(i) || i < 0 || (size !== undefined && size !== null && i >= size)) {
      const range = size == null ? 'a non-negative integer' : `an integer in [0, ${size - 1}]`;
      throw new ArgumentError('i', `derivativeSource: i must be ${range}, got ${i}`);
    }
    if (this.perIndex()) return printExpr(this.knownPartials()[i]);
    const ast = this.n === null && n !== undefined ? substLen(this.astOf(k), n) : this.astOf(k);
    return printExpr(derivative(ast, i));
  }

  private f32Data?: Map<string, Float32Array>;

  /** the data as float32, for the GPU path (declaration order = binding order) */
  get data32(): ReadonlyMap<string, Float32Array> {
    if (!this.f32Data) {
      const out = new Map<string, Float32Array>();
      for (const [name, v] of this.data) {
        const f = Float32Array.from(v);
        const bad = f.findIndex((u) => !Number.isFinite(u));
        if (bad >= 0) {
          throw new ArgumentError('data', `${name}[${bad}] = ${v[bad]} is beyond float32's range (±3.4028235e38): ` +
            'it would be infinite on the webgpu backend; use the cpu backend for it');
        }
        out.set(name, f);
      }
      this.f32Data = out;
    }
    return this.f32Data;
  }

  private generate(firstBinding?: number): { f: string; df: string } {
    if (this.outputs !== 1 || this.perElement) this.single('wgsl');
    const key = firstBinding ?? -1;
    const hit = this.wgslCache.get(key);
    if (hit) return hit;
    const data = this.data32;
    const gen = new WgslGen(new Map([...data].map(([k, v]) => [k, v.length])));
    const keep = firstBinding === undefined ? [] : [...data.keys()].map(dataIdent);
    const f = userF(gen, foldConstants(this.asts[0]), keep);
    const df = userDf(gen, this.perIndex() ? this.knownPartials() : this.symbolicPartial(0), keep);
    const head = [gen.helperSource(), dataDecls(data, firstBinding)].filter(Boolean).join('\n\n');
    const out = { f: [head, f].filter(Boolean).join('\n\n') + '\n', df: df + '\n' };
    this.wgslCache.set(key, out);
    return out;
  }

  wgsl(opts: { dataBinding?: number } = {}): string {
    return this.generate(opts.dataBinding).f;
  }

  wgslGrad(opts: { dataBinding?: number } = {}): string {
    return this.generate(opts.dataBinding).df;
  }

  /** WGSL `fn user_fm(k: u32) -> f32` (output k) for every output, for the Jacobian kernels
   *  (src/features/jacobian); outputs from one expression per data element have no WGSL form yet */
  wgslOutputs(opts: { dataBinding?: number } = {}): string {
    if (this.perElement) throw new ArgumentError('f', `'${this.source}' has one output per data element, which has no WGSL form yet: use the cpu backend`);
    return userFmSource(this.asts, this.data32, opts.dataBinding);
  }

  dependencies(): Dependencies {
    this.single('dependencies');
    return dependencies(this.asts[0], this.n);
  }

  private localForm?: LocalSum | null;
  private localFn?: ScalarFn;

  /** the local form of a sum (see local.ts), or null when its terms' reads cannot be told */
  localSum(): LocalSum | null {
    if (this.localForm === undefined) this.localForm = this.outputs === 1 && !this.perElement ? localSum(this.asts[0]) : null;
    return this.localForm;
  }

  evalLocal(x: ArrayLike<number>, j: number): number {
    const loc = this.localSum();
    if (!loc) throw new ArgumentError('f', `'${this.source}' has no sum structure numgrad can use`);
    return (this.localFn ??= compileScalar(loc.node, this.data, this.n))(x, j, 0);
  }

  wgslLocal(dataBinding: number): string {
    const loc = this.localSum();
    if (!loc) throw new ArgumentError('f', `'${this.source}' has no sum structure numgrad can use`);
    const data = this.data32;
    const gen = new WgslGen(new Map([...data].map(([k, v]) => [k, v.length])));
    if (data.size) gen.helpers.add('ng_nan'); // the data accessors return NaN out of range
    const body = userLocal(gen, loc, [...data.keys()].map(dataIdent));
    return [gen.helperSource(), dataDecls(data, dataBinding), body].filter(Boolean).join('\n\n') + '\n';
  }
}

/** Whether the expression holds a sum or product over an index. */
function hasLoop(n: Node): boolean {
  return n.k === 'loop' || children(n).some(hasLoop);
}

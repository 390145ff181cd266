import { ArgumentError } from '../core/errors';
import type { Node } from './ast';
import { derivative } from './derivative';
import { ExprError } from './errors';
import { compileScalar, compileVector, type ScalarFn, type VectorFn } from './js';
import { parse } from './parser';
import { printExpr } from './print';
import { foldConstants } from './simplify';
import { userDf, userF, WgslGen } from './wgsl';

export { ExprError } from './errors';

export interface CompiledExpr {
  readonly source: string;
  /** number of parameters; null when the expression is elementwise over the whole vector x
   *  (e.g. 'sum(x^2)') and so works for any n, resolved at call time */
  readonly n: number | null;
  /** float64 value at x (x.length must equal n, or any length ≥ 1 when n is null) */
  evalJs(x: ArrayLike<number>): number;
  /** float64 symbolic gradient at x, length x.length */
  gradJs(x: ArrayLike<number>): Float64Array;
  /** symbolic partial derivative d f / d x_i, simplified, as a printable source string */
  derivativeSource(i: number, n?: number): string;
  /** WGSL declarations defining `fn user_f() -> f32` and every `ng_` helper that
   *  user_f and user_df need (so wgslGrad() must go into the same module as wgsl()) */
  wgsl(): string;
  /** WGSL declaration of `fn user_df(i: u32) -> f32`, the symbolic ∂f/∂x_i at the current point */
  wgslGrad(): string;
}

export interface CompileOptions {
  /** number of parameters; must be ≥ what the expression uses */
  n?: number;
}

export function compileExpr(source: string, opts: CompileOptions = {}): CompiledExpr {
  if (typeof source !== 'string') throw new ArgumentError('source', `expression must be a string, got ${typeof source}`);
  const parsed = parse(source);
  const minLen = Math.max(parsed.maxIndex + 1, 1);
  let n: number | null = parsed.hasReduction ? null : parsed.scalarX ? 1 : minLen;
  if (opts.n !== undefined) {
    if (!Number.isInteger(opts.n) || opts.n < 1) {
      throw new ArgumentError('opts.n', `must be a positive integer, got ${String(opts.n)}`);
    }
    if (opts.n < minLen) {
      throw new ExprError(source, parsed.maxIndexCol, `n >= ${minLen}`,
        `n = ${opts.n} is too small: the expression uses x${parsed.maxIndex} (column ${parsed.maxIndexCol}), so n must be at least ${minLen}`);
    }
    n = opts.n;
  }
  return new Compiled(source, parsed.ast, n, minLen);
}

class Compiled implements CompiledExpr {
  private readonly f: ScalarFn;
  private gradAll?: VectorFn;        // n known: all partials in one call
  private gradAt?: ScalarFn;         // n unknown: ∂f/∂x_i with runtime i
  private partials?: Node[];
  private partialI?: Node;
  private wgslCache?: { f: string; df: string };

  constructor(
    readonly source: string,
    private readonly ast: Node,
    readonly n: number | null,
    /** smallest vector length the indexed variables allow */
    private readonly minLen: number,
  ) {
    this.f = compileScalar(ast);
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

  evalJs(x: ArrayLike<number>): number {
    this.checkX(x, 'evalJs');
    return this.f(x, 0);
  }

  private knownPartials(): Node[] {
    if (!this.partials) {
      this.partials = [];
      for (let i = 0; i < (this.n as number); i++) this.partials.push(derivative(this.ast, i));
    }
    return this.partials;
  }

  private symbolicPartial(): Node {
    return (this.partialI ??= derivative(this.ast, 'I'));
  }

  gradJs(x: ArrayLike<number>): Float64Array {
    this.checkX(x, 'gradJs');
    const out = new Float64Array(x.length);
    if (this.n !== null) {
      (this.gradAll ??= compileVector(this.knownPartials()))(x, out);
    } else {
      const df = (this.gradAt ??= compileScalar(this.symbolicPartial()));
      for (let i = 0; i < x.length; i++) out[i] = df(x, i);
    }
    return out;
  }

  derivativeSource(i: number, n?: number): string {
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
    return printExpr(this.n !== null ? this.knownPartials()[i] : derivative(this.ast, i));
  }

  private generate(): { f: string; df: string } {
    if (!this.wgslCache) {
      const gen = new WgslGen();
      const f = userF(gen, foldConstants(this.ast));
      const df = userDf(gen, this.n !== null ? this.knownPartials() : this.symbolicPartial());
      this.wgslCache = { f: [gen.helperSource(), f].filter(Boolean).join('\n\n') + '\n', df: df + '\n' };
    }
    return this.wgslCache;
  }

  wgsl(): string {
    return this.generate().f;
  }

  wgslGrad(): string {
    return this.generate().df;
  }
}

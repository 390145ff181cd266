import { freshVar, int, num, USER_FUNCTIONS, type CmpOp, type Fn, type IExpr, type IVar, type Node } from './ast';
import { ExprError, expectedError } from './errors';
import { analyze, type Analysis } from './analyze';
import { parseIndex, type IndexHost } from './parse-index';
import { describeToken, Lexer, type Token } from './lexer';

export interface ParseOptions {
  /** named parameters: names[k] is x_k (then x, x0, x[i] are not variables) */
  params?: readonly string[];
  /** data arrays by name → length */
  data?: ReadonlyMap<string, number>;
}

export interface ParseResult extends Analysis {
  ast: Node;
  /** true when a sum/prod over the bare vector x occurs */
  hasReduction: boolean;
  /** true when a bare x is used outside any reduction (the scalar form, n = 1) */
  scalarX: boolean;
  /** n appears (elementwise over x, n, len(x)): the expression works for any n */
  usesLen: boolean;
  /** a data array used bare outside any sum: one output per element */
  vectorData: { name: string; length: number } | null;
}

/** Nesting depth of parentheses, calls and exponents: deeper input is an ExprError, never a
 *  stack overflow (and the generated code stays within WGSL compilers' limits). */
export const MAX_DEPTH = 256;
export const MAX_INDEX = 1 << 20;

const OLD_FUNCTIONS = ['exp', 'log', 'sqrt', 'sin', 'cos', 'tan', 'tanh', 'sigmoid', 'abs', 'sign', 'min', 'max', 'pow'];
const KNOWN = [...OLD_FUNCTIONS, 'sum', 'prod',
  ...Object.keys(USER_FUNCTIONS).filter((f) => !OLD_FUNCTIONS.includes(f)), 'where', 'len'];
const CMP = new Set(['<', '<=', '>', '>=', '==', '!=']);
/** names that are never parameters, data or loop variables */
export const RESERVED = new Set([...KNOWN, 'pi', 'e', 'n']);

export function parse(src: string, opts: ParseOptions = {}): ParseResult {
  return new Parser(src, opts).parseAll();
}

/** The elementwise frame of a sum(...)/prod(...) being parsed: bare x or data bind to it. */
interface Frame { v: IVar; x: number; data: Map<string, { length: number; col: number }> }

export class Parser implements IndexHost {
  private readonly lx: Lexer;
  pos = 0;
  private depth = 0;
  private frames: Frame[] = [];
  readonly loops: { name: string; v: IVar }[] = [];
  private readonly params: Map<string, number> | null;
  readonly data: ReadonlyMap<string, number>;
  private scalarCol = 0;
  private indexedCol = 0;
  private reductionCol = 0;
  usesLen = false;
  private vectorData: { name: string; length: number; col: number } | null = null;

  constructor(readonly src: string, opts: ParseOptions) {
    this.lx = new Lexer(src);
    this.params = opts.params ? new Map(opts.params.map((p, k) => [p, k])) : null;
    this.data = opts.data ?? new Map();
  }

  parseAll(): ParseResult {
    if (this.peek().kind === 'end') throw expectedError(this.src, 1, 'an expression', 'empty input');
    const ast = this.expr();
    const t = this.peek();
    if (t.kind !== 'end') throw expectedError(this.src, t.col, 'an operator or end of input', describeToken(t));
    if (this.scalarCol && (this.indexedCol || this.reductionCol)) {
      const other = this.reductionCol ? 'a sum()/prod() over x' : 'indexed variables (x0, x[1], ...)';
      throw new ExprError(this.src, this.scalarCol, 'an indexed variable such as x0',
        `a bare 'x' outside sum()/prod() means the single variable and cannot be mixed with ${other} ` +
        `(column ${this.scalarCol}); write x0 instead`);
    }
    return {
      ast,
      ...analyze(ast, this.src, this.usesLen),
      hasReduction: this.reductionCol > 0,
      scalarX: this.scalarCol > 0,
      usesLen: this.usesLen,
      vectorData: this.vectorData && { name: this.vectorData.name, length: this.vectorData.length },
    };
  }

  peek(k = 0): Token { return this.lx.at(this.pos + k); }
  next(): Token { return this.lx.at(this.pos++); }
  isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }
  expect(text: string, what = `'${text}'`): Token {
    const t = this.peek();
    if (t.kind !== 'op' || t.text !== text) throw expectedError(this.src, t.col, what, describeToken(t));
    return this.next();
  }
  enter(col: number): void {
    if (++this.depth > MAX_DEPTH) {
      throw new ExprError(this.src, col, `at most ${MAX_DEPTH} levels of nesting`,
        `expression nested more than ${MAX_DEPTH} levels deep at column ${col} (parentheses, calls and exponents count)`);
    }
  }
  leave(): void { this.depth--; }

  // cmp := add (CMP add)? — comparisons give 1 or 0 (NaN if either side is NaN)
  expr(): Node {
    const a = this.sum();
    if (!CMP.has(this.peek().text) || this.peek().kind !== 'op') return a;
    const op = this.next().text as CmpOp;
    const b = this.sum();
    const t = this.peek();
    if (t.kind === 'op' && CMP.has(t.text)) {
      throw new ExprError(this.src, t.col, 'an operator other than a comparison',
        `comparisons do not chain (column ${t.col}): write (a < b)*(b < c) instead of a < b < c`);
    }
    return { k: 'sel', op, a, b, t: num(1), f: num(0) };
  }

  // add := mul (('+'|'-') mul)* — one n-ary node, evaluated left to right
  private sum(): Node {
    const xs = [this.term()];
    const neg = [false];
    while (this.isOp('+') || this.isOp('-')) {
      neg.push(this.next().text === '-');
      xs.push(this.term());
    }
    return xs.length === 1 ? xs[0] : { k: 'add', xs, neg };
  }

  // mul := unary (('*'|'/') unary)*
  private term(): Node {
    const xs = [this.unary()];
    const inv = [false];
    while (this.isOp('*') || this.isOp('/')) {
      inv.push(this.next().text === '/');
      xs.push(this.unary());
    }
    return xs.length === 1 ? xs[0] : { k: 'mul', xs, inv };
  }

  // unary := ('-'|'+')* power — so -x^2 is -(x^2); signs are counted, not nested
  private unary(): Node {
    this.enter(this.peek().col);
    let minus = false;
    while (this.isOp('-') || this.isOp('+')) if (this.next().text === '-') minus = !minus;
    const p = this.power();
    this.leave();
    return minus ? { k: 'neg', a: p } : p;
  }

  // power := primary ('^' unary)? — right-associative, exponent may carry a sign (2^-1)
  private power(): Node {
    const base = this.primary();
    if (this.isOp('^')) {
      this.next();
      return { k: 'pow', a: base, b: this.unary() };
    }
    return base;
  }

  private primary(): Node {
    const t = this.peek();
    if (t.kind === 'num') { this.next(); return num(t.value); }
    if (t.kind === 'op' && t.text === '(') {
      this.next();
      const e = this.expr();
      this.expect(')');
      return e;
    }
    if (t.kind === 'ident') { this.next(); return this.identifier(t); }
    throw expectedError(this.src, t.col, "a number, variable, function or '('", describeToken(t));
  }

  private identifier(t: Token): Node {
    const name = t.text;
    if (this.isOp('(')) return this.call(t);
    const loop = this.loopVar(name);
    if (loop) return { k: 'ival', idx: { k: 'iv', v: loop } };
    if (this.params?.has(name)) return { k: 'var', i: this.params.get(name)!, name, col: t.col };
    if (this.data.has(name)) return this.dataRef(name, t);
    if (name === 'pi') return num(Math.PI);
    if (name === 'e') return num(Math.E);
    if (!this.params) {
      const m = /^x(\d+)$/.exec(name);
      if (m) return this.indexed(Number(m[1]), t.col);
      if (name === 'x') return this.bareX(t);
    }
    if (name === 'n') { this.usesLen = true; return { k: 'ival', idx: { k: 'len' } }; }
    if (name in USER_FUNCTIONS || KNOWN.includes(name)) {
      throw expectedError(this.src, this.peek().col, `'(' after function '${name}'`, describeToken(this.peek()));
    }
    throw this.unknown(name, t.col);
  }

  unknown(name: string, col: number): ExprError {
    const data = this.data.size ? `, data ${[...this.data.keys()].join(', ')}` : '';
    const vars = this.params
      ? `the parameters are ${[...this.params.keys()].join(', ')}${data}`
      : `variables are x0, x1, ... (or x[i]), a bare x (one variable, or the element inside sum()/prod())${data}`;
    return new ExprError(this.src, col, this.params ? 'a parameter or data name' : 'a variable (x0, x1, ..., x[i], or x)',
      `unknown identifier '${name}' at column ${col}; ${vars}, constants pi and e`);
  }

  loopVar(name: string): IVar | null {
    for (let k = this.loops.length - 1; k >= 0; k--) if (this.loops[k].name === name) return this.loops[k].v;
    return null;
  }

  /** true when `name` means something already (so it cannot name a new loop variable) */
  bound(name: string): boolean {
    return !!this.loopVar(name) || !!this.params?.has(name) || this.data.has(name) || RESERVED.has(name) ||
      name in USER_FUNCTIONS || (!this.params && (name === 'x' || /^x\d+$/.test(name)));
  }

  private bareX(t: Token): Node {
    if (this.isOp('[')) {
      this.next();
      const at = this.peek();
      const idx = parseIndex(this, 'x');
      this.expect(']');
      if (idx.k === 'int' && idx.v < 0) throw expectedError(this.src, at.col, 'a non-negative integer index', `${idx.v}`);
      return this.xAt(idx, t.col);
    }
    const f = this.frames[this.frames.length - 1];
    if (f) {
      if (f.data.size) throw this.mixed(t.col, [...f.data.keys()][0]);  // at the x that conflicts
      f.x = f.x || t.col;
      return { k: 'xat', idx: { k: 'iv', v: f.v } };
    }
    if (!this.scalarCol) this.scalarCol = t.col;
    return { k: 'var', i: 0, bare: true, col: t.col };
  }

  private mixed(col: number, data: string): ExprError {
    return new ExprError(this.src, col, 'one kind of element per sum',
      `sum() over the vector x cannot also run over data '${data}' (column ${col}): write sum(k, 0, n-1, ...) with x[k] and ${data}[k]`);
  }

  /** x[idx]: a fixed variable when idx is a constant, else read at run time */
  xAt(idx: IExpr, col: number): Node {
    if (idx.k === 'int') return this.indexed(idx.v, col);
    if (!this.indexedCol) this.indexedCol = col;
    return { k: 'xat', idx, col };
  }

  private dataRef(name: string, t: Token): Node {
    const length = this.data.get(name)!;
    if (this.isOp('[')) {
      this.next();
      const idx = parseIndex(this, name);
      this.expect(']');
      return { k: 'data', name, idx };
    }
    const f = this.frames[this.frames.length - 1];
    if (f) {
      if (f.x) throw this.mixed(t.col, name);
      for (const [other, d] of f.data) {
        if (d.length !== length) {
          throw new ExprError(this.src, t.col, `data of length ${d.length}`,
            `data '${name}' (length ${length}, column ${t.col}) and '${other}' (length ${d.length}) run over one sum(): their lengths differ`);
        }
      }
      if (!f.data.has(name)) f.data.set(name, { length, col: t.col });
      return { k: 'data', name, idx: { k: 'iv', v: f.v } };
    }
    if (this.vectorData && this.vectorData.length !== length) {
      throw new ExprError(this.src, t.col, `data of length ${this.vectorData.length}`,
        `data '${name}' (length ${length}) and '${this.vectorData.name}' (length ${this.vectorData.length}) give one output per element: their lengths differ`);
    }
    this.vectorData ??= { name, length, col: t.col };
    return { k: 'data', name, idx: { k: 'oi' } };
  }

  indexed(i: number, col: number): Node {
    if (i < 0) throw new ExprError(this.src, col, 'a non-negative integer index', `variable index ${i} at column ${col} is negative`);
    if (i >= MAX_INDEX) {
      throw new ExprError(this.src, col, `an index below ${MAX_INDEX}`, `variable index ${i} at column ${col} is too large`);
    }
    if (!this.indexedCol) this.indexedCol = col;
    return { k: 'var', i, col };
  }

  private call(t: Token): Node {
    const name = t.text;
    if (name === 'sum' || name === 'prod') return this.reduction(t);
    if (name === 'len') return { k: 'ival', idx: this.lenOf() };
    if (name !== 'where' && !(name in USER_FUNCTIONS)) {
      throw new ExprError(this.src, t.col, 'a known function',
        `unknown function '${name}' at column ${t.col}; known: ${KNOWN.join(', ')}`);
    }
    const args = this.args();
    const arity = name === 'where' ? 3 : USER_FUNCTIONS[name];
    if (args.length !== arity) {
      throw new ExprError(this.src, t.col, `${arity} argument${arity === 1 ? '' : 's'}`,
        `function '${name}' at column ${t.col} takes ${arity} argument${arity === 1 ? '' : 's'} but got ${args.length}`);
    }
    if (name === 'pow') return { k: 'pow', a: args[0], b: args[1] };
    if (name === 'where') {
      const [c, a, b] = args;
      // where(p < q, a, b) selects on the comparison itself; otherwise on c ≠ 0
      if (c.k === 'sel' && c.t.k === 'num' && c.t.v === 1 && c.f.k === 'num' && c.f.v === 0) return { ...c, t: a, f: b };
      return { k: 'sel', op: '!=', a: c, b: num(0), t: a, f: b };
    }
    return { k: 'call', f: name as Fn, args };
  }

  /** len(x) = n, len(name) = the data array's length */
  lenOf(): IExpr {
    this.expect('(');
    const a = this.next();
    if (a.kind === 'ident' && !this.params && a.text === 'x') { this.expect(')'); this.usesLen = true; return { k: 'len' }; }
    if (a.kind !== 'ident' || !this.data.has(a.text)) {
      throw expectedError(this.src, a.col, this.data.size ? 'x or a data name' : 'x', describeToken(a));
    }
    this.expect(')');
    return int(this.data.get(a.text)!);
  }

  private reduction(t: Token): Node {
    const name = t.text as 'sum' | 'prod';
    const a = this.peek(1), comma = this.peek(2);
    if (this.isOp('(') && a.kind === 'ident' && comma.kind === 'op' && comma.text === ',') {
      if (this.loopVar(a.text)) {
        throw new ExprError(this.src, a.col, 'a new index name',
          `'${a.text}' at column ${a.col} is already the index of an enclosing sum; give this one another name`);
      }
      if (!this.bound(a.text)) return this.indexSum(name, t);
    }
    const frame: Frame = { v: freshVar('k'), x: 0, data: new Map() };
    const outer = this.frames.length > 0;
    this.frames.push(frame);
    const args = this.args();
    this.frames.pop();
    if (frame.x || frame.data.size) {
      // the body mentions the bare vector x (or bare data): an elementwise reduction
      if (outer) {
        throw new ExprError(this.src, t.col, 'no reduction inside a reduction',
          `nested reductions are not supported: '${name}' at column ${t.col} is inside another sum()/prod()`);
      }
      if (args.length !== 1) {
        throw new ExprError(this.src, t.col, '1 argument',
          `${name}() over the vector x takes 1 argument but got ${args.length} (column ${t.col})`);
      }
      if (frame.x) {
        if (!this.reductionCol) this.reductionCol = t.col;
        this.usesLen = true;
        return { k: 'loop', op: name, v: frame.v, lo: int(0), hi: { k: 'iop', op: '-', a: { k: 'len' }, b: int(1) }, body: args[0], ew: 'x' };
      }
      const length = [...frame.data.values()][0].length;
      return { k: 'loop', op: name, v: frame.v, lo: int(0), hi: int(length - 1), body: args[0], ew: 'data' };
    }
    // sum(a, b, c) of scalars: plain + / * chain (np.sum of a scalar is the scalar).
    if (args.length === 0) {
      throw new ExprError(this.src, t.col, 'at least 1 argument', `${name}() at column ${t.col} needs at least 1 argument`);
    }
    if (args.length === 1) return args[0];
    return name === 'sum'
      ? { k: 'add', xs: args, neg: args.map(() => false) }
      : { k: 'mul', xs: args, inv: args.map(() => false) };
  }

  /** sum(i, lo, hi, body): Σ body for i = lo … hi, both bounds included */
  private indexSum(op: 'sum' | 'prod', t: Token): Node {
    this.expect('(');
    const id = this.next();
    this.expect(',');
    const lo = parseIndex(this, 'a sum bound');
    this.expect(',', `',' and the upper bound: ${op}(${id.text}, lo, hi, body)`);
    const hi = parseIndex(this, 'a sum bound');
    this.expect(',', `',' and the body: ${op}(${id.text}, lo, hi, body)`);
    const v = freshVar(id.text);
    this.loops.push({ name: id.text, v });
    const body = this.expr();
    this.loops.pop();
    this.expect(')', `')': ${op}(${id.text}, lo, hi, body) takes 4 arguments`);
    if (lo.k === 'int' && hi.k === 'int' && hi.v - lo.v >= 1 << 24) {
      throw new ExprError(this.src, t.col, 'at most 2^24 terms', `${op}() at column ${t.col} has ${hi.v - lo.v + 1} terms; at most 2^24 are allowed`);
    }
    return { k: 'loop', op, v, lo, hi, body };
  }

  private args(): Node[] {
    this.expect('(');
    const args: Node[] = [];
    if (this.isOp(')')) { this.next(); return args; }
    for (;;) {
      args.push(this.expr());
      if (this.isOp(',')) { this.next(); continue; }
      this.expect(')', "',' or ')'");
      return args;
    }
  }
}

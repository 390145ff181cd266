import { USER_FUNCTIONS, type Fn, type Node } from './ast';
import { ExprError, expectedError } from './errors';
import { describeToken, tokenize, type Token } from './lexer';

export interface ParseResult {
  ast: Node;
  /** largest fixed index used (x3, x[3]), -1 if none */
  maxIndex: number;
  /** column of the variable with the largest index, for error messages */
  maxIndexCol: number;
  /** true when a sum/prod over the bare vector x occurs */
  hasReduction: boolean;
  /** true when a bare x is used outside any reduction (the scalar form, n = 1) */
  scalarX: boolean;
}

const MAX_INDEX = 1 << 20;
const KNOWN = [...Object.keys(USER_FUNCTIONS), 'sum', 'prod'];

export function parse(src: string): ParseResult {
  return new Parser(src).parseAll();
}

class Parser {
  private toks: Token[];
  private pos = 0;
  private inReduction = false;
  private elemUses = 0;
  private maxIdx = -1;
  private maxIdxCol = 0;
  private indexedCol = 0;
  private reductionCol = 0;
  private scalarCol = 0;

  constructor(private readonly src: string) {
    this.toks = tokenize(src);
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
      maxIndex: this.maxIdx,
      maxIndexCol: this.maxIdxCol,
      hasReduction: this.reductionCol > 0,
      scalarX: this.scalarCol > 0,
    };
  }

  private peek(): Token { return this.toks[this.pos]; }
  private next(): Token { return this.toks[this.pos++]; }
  private isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }
  private expect(text: string, what = `'${text}'`): Token {
    const t = this.peek();
    if (t.kind !== 'op' || t.text !== text) throw expectedError(this.src, t.col, what, describeToken(t));
    return this.next();
  }

  // add := mul (('+'|'-') mul)*
  private expr(): Node {
    let a = this.term();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().text as '+' | '-';
      a = { k: 'bin', op, a, b: this.term() };
    }
    return a;
  }

  // mul := unary (('*'|'/') unary)*
  private term(): Node {
    let a = this.unary();
    while (this.isOp('*') || this.isOp('/')) {
      const op = this.next().text as '*' | '/';
      a = { k: 'bin', op, a, b: this.unary() };
    }
    return a;
  }

  // unary := ('-'|'+') unary | power — so -x^2 is -(x^2)
  private unary(): Node {
    if (this.isOp('-')) { this.next(); return { k: 'neg', a: this.unary() }; }
    if (this.isOp('+')) { this.next(); return this.unary(); }
    return this.power();
  }

  // power := primary ('^' unary)? — right-associative, exponent may carry a sign (2^-1)
  private power(): Node {
    const base = this.primary();
    if (this.isOp('^')) {
      this.next();
      return { k: 'bin', op: '^', a: base, b: this.unary() };
    }
    return base;
  }

  private primary(): Node {
    const t = this.peek();
    if (t.kind === 'num') { this.next(); return { k: 'num', v: t.value }; }
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
    if (name === 'pi') return { k: 'num', v: Math.PI };
    if (name === 'e') return { k: 'num', v: Math.E };
    const m = /^x(\d+)$/.exec(name);
    if (m) return this.indexed(Number(m[1]), t.col);
    if (name === 'x') {
      if (this.isOp('[')) {
        this.next();
        const it = this.peek();
        if (it.kind !== 'num' || !/^\d+$/.test(it.text)) {
          throw expectedError(this.src, it.col, 'a non-negative integer index', describeToken(it));
        }
        this.next();
        this.expect(']');
        return this.indexed(it.value, t.col);
      }
      if (this.inReduction) { this.elemUses++; return { k: 'elem' }; }
      if (!this.scalarCol) this.scalarCol = t.col;
      return { k: 'var', i: 0, bare: true, col: t.col };
    }
    if (name in USER_FUNCTIONS || name === 'sum' || name === 'prod') {
      throw expectedError(this.src, this.peek().col, `'(' after function '${name}'`, describeToken(this.peek()));
    }
    throw new ExprError(this.src, t.col, 'a variable (x0, x1, ..., x[i], or x)',
      `unknown identifier '${name}' at column ${t.col}; variables are x0, x1, ... (or x[i]), ` +
      `a bare x (one variable, or the element inside sum()/prod()), constants pi and e`);
  }

  private indexed(i: number, col: number): Node {
    if (i >= MAX_INDEX) {
      throw new ExprError(this.src, col, `an index below ${MAX_INDEX}`, `variable index ${i} at column ${col} is too large`);
    }
    if (!this.indexedCol) this.indexedCol = col;
    if (i > this.maxIdx) { this.maxIdx = i; this.maxIdxCol = col; }
    return { k: 'var', i, col };
  }

  private call(t: Token): Node {
    const name = t.text;
    const isReduction = name === 'sum' || name === 'prod';
    if (!isReduction && !(name in USER_FUNCTIONS)) {
      throw new ExprError(this.src, t.col, 'a known function',
        `unknown function '${name}' at column ${t.col}; known: ${KNOWN.join(', ')}`);
    }
    const outer = this.inReduction;
    const usesBefore = this.elemUses;
    if (isReduction) this.inReduction = true;
    const args = this.args();
    this.inReduction = outer;
    if (isReduction) {
      if (this.elemUses > usesBefore) {
        // The body mentions the bare vector x: an elementwise reduction.
        if (outer) {
          throw new ExprError(this.src, t.col, 'no reduction inside a reduction',
            `nested reductions are not supported: '${name}' at column ${t.col} is inside another sum()/prod()`);
        }
        if (args.length !== 1) {
          throw new ExprError(this.src, t.col, '1 argument',
            `${name}() over the vector x takes 1 argument but got ${args.length} (column ${t.col})`);
        }
        if (!this.reductionCol) this.reductionCol = t.col;
        return { k: 'red', op: name, body: args[0] };
      }
      // sum(a, b, c) of scalars: plain + / * chain (np.sum of a scalar is the scalar).
      if (args.length === 0) {
        throw new ExprError(this.src, t.col, 'at least 1 argument', `${name}() at column ${t.col} needs at least 1 argument`);
      }
      const op = name === 'sum' ? '+' : '*';
      return args.reduce((a, b) => ({ k: 'bin', op, a, b }));
    }
    const arity = USER_FUNCTIONS[name];
    if (args.length !== arity) {
      throw new ExprError(this.src, t.col, `${arity} argument${arity === 1 ? '' : 's'}`,
        `function '${name}' at column ${t.col} takes ${arity} argument${arity === 1 ? '' : 's'} but got ${args.length}`);
    }
    if (name === 'pow') return { k: 'bin', op: '^', a: args[0], b: args[1] };
    return { k: 'call', f: name as Fn, args };
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

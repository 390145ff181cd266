// The index grammar (inside x[...], data[...] and sum bounds): integers, sum indices, n and
// len(data) under + − *. Exact integer arithmetic on both paths.
import { int, type IExpr, type IVar } from './ast';
import { ExprError, expectedError } from './errors';
import { inorm } from './iexpr';
import { describeToken, type Token } from './lexer';

export interface IndexHost {
  readonly src: string;
  usesLen: boolean;
  peek(k?: number): Token;
  next(): Token;
  isOp(text: string): boolean;
  expect(text: string, what?: string): Token;
  enter(col: number): void;
  leave(): void;
  loopVar(name: string): IVar | null;
  lenOf(): IExpr;
}

/** index expressions are small; a longer one is refused rather than recursed through */
const MAX_INDEX_NODES = 256;

export function parseIndex(p: IndexHost, what: string): IExpr {
  let count = 0;
  const expected = what === 'a sum bound'
    ? 'an integer bound (an integer, a sum index, n or len(data), with + - *)'
    : 'a non-negative integer index (or an index expression such as i+1)';
  const bump = (t: Token) => {
    if (++count > MAX_INDEX_NODES) {
      throw new ExprError(p.src, t.col, `an index of at most ${MAX_INDEX_NODES} terms`, `index expression too long at column ${t.col}`);
    }
  };
  const add = (): IExpr => {
    let a = mul();
    while (p.isOp('+') || p.isOp('-')) {
      const t = p.next();
      bump(t);
      a = { k: 'iop', op: t.text as '+' | '-', a, b: mul() };
    }
    return a;
  };
  const mul = (): IExpr => {
    let a = unary();
    while (p.isOp('*')) {
      bump(p.next());
      a = { k: 'iop', op: '*', a, b: unary() };
    }
    return a;
  };
  const unary = (): IExpr => {
    let minus = false;
    while (p.isOp('-') || p.isOp('+')) if (p.next().text === '-') minus = !minus;
    const e = primary();
    return minus ? { k: 'iop', op: '-', a: int(0), b: e } : e;
  };
  const primary = (): IExpr => {
    const t = p.peek();
    bump(t);
    if (t.kind === 'num') {
      if (!/^\d+$/.test(t.text)) throw expectedError(p.src, t.col, expected, describeToken(t));
      p.next();
      return int(t.value);
    }
    if (t.kind === 'op' && t.text === '(') {
      p.enter(t.col);
      p.next();
      const e = add();
      p.expect(')');
      p.leave();
      return e;
    }
    if (t.kind === 'ident') {
      const v = p.loopVar(t.text);
      if (v) { p.next(); return { k: 'iv', v }; }
      if (t.text === 'n') { p.next(); p.usesLen = true; return { k: 'len' }; }
      if (t.text === 'len') { p.next(); return p.lenOf(); }
    }
    throw expectedError(p.src, t.col, expected, describeToken(t));
  };
  const e = inorm(add());
  return e;
}

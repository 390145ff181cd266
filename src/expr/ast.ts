/** Functions a user may call (name → argument count). sum/prod are handled by the parser. */
export const USER_FUNCTIONS: Readonly<Record<string, number>> = {
  exp: 1, log: 1, sqrt: 1, sin: 1, cos: 1, tan: 1, tanh: 1, sigmoid: 1, abs: 1,
  // sign is abs' and appears in printed derivatives, so it is accepted back as input
  sign: 1, min: 2, max: 2, pow: 2,
};

/** Call targets inside the AST. */
export type Fn = 'exp' | 'log' | 'sqrt' | 'sin' | 'cos' | 'tan' | 'tanh' | 'sigmoid' | 'abs' | 'min' | 'max' | 'sign';

export type BinOp = '+' | '-' | '*' | '/' | '^';

/** Which loop index a derivative-generated reduction skips (prod over j ≠ i). */
export type Skip = number | 'I' | 'outer';

export type Node =
  | { k: 'num'; v: number }
  /** fixed parameter x_i; `bare` = written as a lone `x` (n = 1), printed back as `x` */
  | { k: 'var'; i: number; bare?: boolean; col?: number }
  /** the current element of the innermost reduction (bare `x` inside sum/prod) */
  | { k: 'elem' }
  /** x at the runtime differentiation index i (only in derivatives when n is unknown) */
  | { k: 'dvar' }
  /** t when the runtime differentiation index i equals j, else 0; codegen evaluates t
   *  only in that case, so ∂/∂x_i of x0·sum(...) costs O(n) for i = 0 only */
  | { k: 'when'; j: number; t: Node }
  | { k: 'neg'; a: Node }
  | { k: 'bin'; op: BinOp; a: Node; b: Node }
  | { k: 'call'; f: Fn; args: Node[] }
  /** (a op b) ? t : f — derivatives of min/max */
  | { k: 'sel'; op: '<=' | '>='; a: Node; b: Node; t: Node; f: Node }
  | { k: 'red'; op: 'sum' | 'prod'; body: Node; skip?: Skip };

/** float64 semantics of every call, shared by constant folding and tests. */
export const FN_IMPL: Readonly<Record<Fn, (...a: number[]) => number>> = {
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  tanh: Math.tanh,
  sigmoid: (u) => 1 / (1 + Math.exp(-u)),
  abs: Math.abs,
  min: Math.min,
  max: Math.max,
  sign: Math.sign,
};

/** Visits every node (pre-order). */
export function walk(n: Node, visit: (n: Node) => void): void {
  visit(n);
  switch (n.k) {
    case 'neg': walk(n.a, visit); break;
    case 'bin': walk(n.a, visit); walk(n.b, visit); break;
    case 'call': for (const a of n.args) walk(a, visit); break;
    case 'sel': walk(n.a, visit); walk(n.b, visit); walk(n.t, visit); walk(n.f, visit); break;
    case 'red': walk(n.body, visit); break;
    case 'when': walk(n.t, visit); break;
    default: break;
  }
}

export function some(n: Node, pred: (n: Node) => boolean): boolean {
  let found = false;
  walk(n, (m) => { if (!found && pred(m)) found = true; });
  return found;
}

/** Largest fixed parameter index used, or -1. */
export function maxIndex(n: Node): number {
  let m = -1;
  walk(n, (x) => { if (x.k === 'var' && x.i > m) m = x.i; if (x.k === 'when' && x.j > m) m = x.j; });
  return m;
}

/** Rebuilds a node bottom-up through `f` (children first). */
export function mapNode(n: Node, f: (n: Node) => Node): Node {
  switch (n.k) {
    case 'neg': return f({ k: 'neg', a: mapNode(n.a, f) });
    case 'bin': return f({ k: 'bin', op: n.op, a: mapNode(n.a, f), b: mapNode(n.b, f) });
    case 'call': return f({ k: 'call', f: n.f, args: n.args.map((a) => mapNode(a, f)) });
    case 'sel':
      return f({ k: 'sel', op: n.op, a: mapNode(n.a, f), b: mapNode(n.b, f), t: mapNode(n.t, f), f: mapNode(n.f, f) });
    case 'red': return f({ k: 'red', op: n.op, body: mapNode(n.body, f), skip: n.skip });
    case 'when': return f({ k: 'when', j: n.j, t: mapNode(n.t, f) });
    default: return f(n);
  }
}

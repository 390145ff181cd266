import type { Node } from './ast';

// float64 codegen: the AST becomes the body of a `new Function`, so evaluation is plain
// arithmetic on locals (no allocation, no tree walking) — the numerical gradient calls it
// millions of times. Reductions are hoisted into loops ahead of the expression using them.

const HELPERS = ['exp', 'log', 'sqrt', 'sin', 'cos', 'tan', 'tanh', 'abs', 'min', 'max', 'sign', 'pow'] as const;

function jsNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '(-Infinity)';
  if (v < 0 || Object.is(v, -0)) return `(-${String(-v)})`;
  return String(v);
}

class JsGen {
  private tmp = 0;
  constructor(public stmts: string[]) {}

  expr(n: Node, depth: number): string {
    switch (n.k) {
      case 'num': return jsNumber(n.v);
      case 'var': return `x[${n.i}]`;
      case 'elem': return `x[j${depth - 1}]`;
      case 'dvar': return 'x[i]';
      case 'when': {
        // hoisted, and t's own statements run only when i === j
        const w = `w${this.tmp++}`;
        const outer = this.stmts;
        const body: string[] = [];
        this.stmts = body;
        const e = this.expr(n.t, depth);
        this.stmts = outer;
        outer.push(`let ${w} = 0;`, `if (i === ${n.j}) { ${body.join(' ')} ${w} = ${e}; }`);
        return w;
      }
      case 'neg': return `(-${this.expr(n.a, depth)})`;
      case 'bin': {
        const a = this.expr(n.a, depth), b = this.expr(n.b, depth);
        return n.op === '^' ? `pow(${a}, ${b})` : `(${a} ${n.op} ${b})`;
      }
      case 'call': {
        const args = n.args.map((a) => this.expr(a, depth));
        if (n.f === 'sigmoid') return `(1 / (1 + exp(-${args[0]})))`;
        return `${n.f}(${args.join(', ')})`;
      }
      case 'sel':
        return `(${this.expr(n.a, depth)} ${n.op} ${this.expr(n.b, depth)} ? ${this.expr(n.t, depth)} : ${this.expr(n.f, depth)})`;
      case 'red': {
        const r = `r${this.tmp++}`, j = `j${depth}`;
        const outer = this.stmts;
        const body: string[] = [];
        this.stmts = body;
        const e = this.expr(n.body, depth + 1);
        this.stmts = outer;
        const skip = n.skip === undefined ? '' : `if (${j} === ${n.skip === 'I' ? 'i' : n.skip === 'outer' ? `j${depth - 1}` : n.skip}) continue; `;
        outer.push(
          `let ${r} = ${n.op === 'sum' ? 0 : 1};`,
          `for (let ${j} = 0; ${j} < L; ${j}++) { ${skip}${body.join(' ')} ${r} ${n.op === 'sum' ? '+=' : '*='} ${e}; }`,
        );
        return r;
      }
    }
  }
}

function build<F>(params: string, body: string[]): F {
  const src = `return function (${params}) {\n  const L = x.length;\n  ${body.join('\n  ')}\n};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function(...HELPERS, src) as (...h: unknown[]) => F;
  return factory(...HELPERS.map((h) => (Math as unknown as Record<string, unknown>)[h]));
}

/** f(x) → number; `i` is the differentiation index for symbolic-index derivatives. */
export type ScalarFn = (x: ArrayLike<number>, i: number) => number;

export function compileScalar(n: Node): ScalarFn {
  const stmts: string[] = [];
  const e = new JsGen(stmts).expr(n, 0);
  stmts.push(`return ${e};`);
  return build<ScalarFn>('x, i', stmts);
}

/** Writes every component: out[k] = nodes[k](x). */
export type VectorFn = (x: ArrayLike<number>, out: Float64Array) => void;

export function compileVector(nodes: readonly Node[]): VectorFn {
  const stmts: string[] = [];
  const gen = new JsGen(stmts);
  nodes.forEach((n, k) => {
    const e = gen.expr(n, 0);
    gen.stmts.push(`out[${k}] = ${e};`);
  });
  return build<VectorFn>('x, out', stmts);
}

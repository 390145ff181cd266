import type { Node } from './ast';
import { HELPER_DEPS, HELPER_ORDER, HELPER_SOURCE } from './wgsl-helpers';

// WGSL codegen. Parameters are read only through the harness's `p(i: u32) -> f32`;
// reductions loop to the harness's `override N: u32`. Everything else we declare starts
// with `ng_`. Expressions are fully parenthesised, so precedence never depends on WGSL's.

const F32_MAX = 3.4028234663852886e38;

/** A valid f32 literal for v (never a bare integer: that would be an AbstractInt). */
export function f32Literal(v: number): string {
  if (Number.isNaN(v)) return 'ng_nan()';
  const f = Math.fround(v);
  if (!Number.isFinite(f)) return v > 0 ? 'ng_inf()' : '(-ng_inf())';
  if (f === 0) return v < 0 || Object.is(v, -0) ? '(-0.0)' : '0.0';
  // Near the top of the range print the f32 value itself: an abstract float above
  // F32_MAX cannot convert to f32 (shader-creation error), even if it would round down.
  let s = String(Math.abs(Math.abs(v) > F32_MAX ? f : v));
  if (!/[.eE]/.test(s)) s += '.0';
  return v < 0 ? `(-${s})` : s;
}

const BUILTIN: Record<string, string> = {
  exp: 'exp', log: 'log', sqrt: 'sqrt', sin: 'sin', cos: 'cos', tan: 'tan',
  abs: 'abs', min: 'min', max: 'max', sign: 'sign', tanh: 'ng_tanh', sigmoid: 'ng_sigmoid',
};

export class WgslGen {
  readonly helpers = new Set<string>();
  private tmp = 0;
  stmts: string[] = [];
  private indent = '  ';

  private use(h: string): void {
    this.helpers.add(h);
    for (const d of HELPER_DEPS[h] ?? []) this.use(d);
  }

  expr(n: Node, depth: number): string {
    switch (n.k) {
      case 'num': {
        const s = f32Literal(n.v);
        if (s.includes('ng_nan')) this.use('ng_nan');
        if (s.includes('ng_inf')) this.use('ng_inf');
        return s;
      }
      case 'var': return `p(${n.i}u)`;
      case 'elem': return `p(ng_i${depth - 1})`;
      case 'dvar': return 'p(i)';
      case 'when': {
        const w = `ng_w${this.tmp++}`;
        const outer = this.stmts, ind = this.indent;
        this.stmts = [];
        this.indent = ind + '  ';
        const e = this.expr(n.t, depth);
        const body = this.stmts;
        this.stmts = outer;
        this.indent = ind;
        outer.push(`${ind}var ${w}: f32 = 0.0;`, `${ind}if (i == ${n.j}u) {`, ...body, `${ind}  ${w} = ${e};`, `${ind}}`);
        return w;
      }
      case 'neg': return `(-${this.expr(n.a, depth)})`;
      case 'bin': {
        const a = this.expr(n.a, depth);
        if (n.op === '^') {
          const b = n.b;
          if (b.k === 'num' && Number.isInteger(b.v) && Math.abs(b.v) <= 16) {
            this.use('ng_powi');
            return `ng_powi(${a}, ${b.v}i)`;
          }
          this.use('ng_pow');
          return `ng_pow(${a}, ${this.expr(b, depth)})`;
        }
        return `(${a} ${n.op} ${this.expr(n.b, depth)})`;
      }
      case 'call': {
        const name = BUILTIN[n.f];
        if (name.startsWith('ng_')) this.use(name);
        return `${name}(${n.args.map((a) => this.expr(a, depth)).join(', ')})`;
      }
      case 'sel': {
        const cond = `(${this.expr(n.a, depth)} ${n.op} ${this.expr(n.b, depth)})`;
        return `select(${this.expr(n.f, depth)}, ${this.expr(n.t, depth)}, ${cond})`;
      }
      case 'red': {
        const r = `ng_r${this.tmp++}`, j = `ng_i${depth}`;
        const outer = this.stmts, outerIndent = this.indent;
        this.stmts = [];
        this.indent = outerIndent + '  ';
        const e = this.expr(n.body, depth + 1);
        const body = this.stmts;
        this.stmts = outer;
        this.indent = outerIndent;
        const ind = outerIndent;
        outer.push(`${ind}var ${r}: f32 = ${n.op === 'sum' ? '0.0' : '1.0'};`);
        outer.push(`${ind}for (var ${j}: u32 = 0u; ${j} < N; ${j}++) {`);
        if (n.skip !== undefined) {
          const s = n.skip === 'I' ? 'i' : n.skip === 'outer' ? `ng_i${depth - 1}` : `${n.skip}u`;
          outer.push(`${ind}  if (${j} == ${s}) { continue; }`);
        }
        outer.push(...body);
        outer.push(`${ind}  ${r} = ${r} ${n.op === 'sum' ? '+' : '*'} ${e};`);
        outer.push(`${ind}}`);
        return r;
      }
    }
  }

  /** Statements plus the expression, at the given indentation. */
  block(n: Node, indent: string, finish: (e: string) => string): string[] {
    this.stmts = [];
    this.indent = indent;
    const e = this.expr(n, 0);
    const out = [...this.stmts, `${indent}${finish(e)}`];
    this.stmts = [];
    return out;
  }

  helperSource(): string {
    return HELPER_ORDER.filter((h) => this.helpers.has(h)).map((h) => HELPER_SOURCE[h]).join('\n\n');
  }
}

/** `fn user_f() -> f32`. */
export function userF(gen: WgslGen, f: Node): string {
  return ['fn user_f() -> f32 {', ...gen.block(f, '  ', (e) => `return ${e};`), '}'].join('\n');
}

/** `fn user_df(i: u32) -> f32` from one derivative per index (n known) or one in terms of i. */
export function userDf(gen: WgslGen, d: Node | readonly Node[]): string {
  if (!Array.isArray(d)) {
    return ['fn user_df(i: u32) -> f32 {', ...gen.block(d as Node, '  ', (e) => `return ${e};`), '}'].join('\n');
  }
  const lines = ['fn user_df(i: u32) -> f32 {', '  var ng_d: f32 = 0.0;', '  switch i {'];
  (d as readonly Node[]).forEach((dk, k) => {
    if (dk.k === 'num' && dk.v === 0) return; // ng_d already holds 0
    lines.push(`    case ${k}u: {`, ...gen.block(dk, '      ', (e) => `ng_d = ${e};`), '    }');
  });
  lines.push('    default: {}', '  }', '  return ng_d;', '}');
  return lines.join('\n');
}

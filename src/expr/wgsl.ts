import { useCounts, walk, type IExpr, type Node } from './ast';
import { affine, iconst } from './iexpr';
import { helperSource, SEL_HELPER } from './wgsl-helpers';
import { invariantFactor, riskyOperands, sharedFactor } from './wgsl-risk';

// WGSL codegen. Parameters are read only through the harness's `p(i: u32) -> f32`;
// `n` is the harness's `override N: u32`. Everything else we declare starts with `ng_`.
// Output nesting is bounded whatever the input: an expression deeper than MAX_INLINE is
// spilled into a `let`, a sum of more than CHAIN terms accumulates in a `var` statement by
// statement, sums over an index are WGSL loops, and a subexpression shared in the DAG is
// computed once per block. (Tint refuses parser nesting beyond ~128.)

const F32_MAX = 3.4028234663852886e38;
const MAX_INLINE = 12;
const CHAIN = 6;
const CACHE_VARS = 16;
const CACHE_MAX = 4096;

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

const CALL: Record<string, string> = {
  sqrt: 'ng_sqrt', sin: 'sin', cos: 'cos', tan: 'tan', abs: 'abs', floor: 'floor',
  exp: 'ng_exp', log: 'ng_log', tanh: 'ng_tanh', sigmoid: 'ng_sigmoid', sign: 'ng_sign', min: 'ng_min', max: 'ng_max',
  erf: 'ng_erf', asin: 'ng_asin', acos: 'ng_acos', atan: 'ng_atan', atan2: 'ng_atan2', sinh: 'ng_sinh', cosh: 'ng_cosh',
  asinh: 'ng_asinh', acosh: 'ng_acosh', atanh: 'ng_atanh', expm1: 'ng_expm1', log1p: 'ng_log1p', log2: 'ng_log2',
  log10: 'ng_log10', exp2: 'ng_exp2', cbrt: 'ng_cbrt', mod: 'ng_mod',
};

interface E { s: string; d: number }
const leaf = (s: string): E => ({ s, d: 0 });

/** data arrays as WGSL sees them: name in the expression → length */
export type WgslData = ReadonlyMap<string, number>;
export const dataIdent = (name: string) => `ng_d_${name}`;

export class WgslGen {
  readonly helpers = new Set<string>();
  private tmp = 0;
  private stmts: string[] = [];
  private indent = '  ';
  private scopes: Map<Node, string>[] = [];
  private counts = new Map<Node, number>();
  private readonly ranges = new Map<number, { lo: number; hiFromLen: number | null }>();
  /** elementwise loops over x (sum(x^2)) run a u32 ng_iK over [0, N): their element is p(ng_iK) */
  private readonly elementVar = new Map<number, string>();
  /** many fixed parameters: read once into a private array (each inlined p() is a branch,
   *  and compilers such as llvmpipe take time quadratic in hundreds of them) */
  private cached = false;

  constructor(private readonly data: WgslData = new Map()) {}

  private use(h: string): void {
    this.helpers.add(h);
  }

  private fresh(prefix: string): string {
    return `ng_${prefix}${this.tmp++}`;
  }

  private emit(line: string): void {
    this.stmts.push(this.indent + line);
  }

  /** Runs body with a fresh statement list one level deeper; returns its statements. */
  private block<T>(body: () => T): [string[], T] {
    const outer = this.stmts, ind = this.indent;
    this.stmts = [];
    this.indent = ind + '  ';
    this.scopes.push(new Map());
    try {
      const r = body();
      return [this.stmts, r];
    } finally {
      this.stmts = outer;
      this.indent = ind;
      this.scopes.pop();
    }
  }

  private spill(e: E): E {
    const t = this.fresh('t');
    this.emit(`let ${t}: f32 = ${e.s};`);
    return leaf(t);
  }

  index(e: IExpr): string {
    switch (e.k) {
      case 'int': return e.v < 0 ? `(${e.v}i)` : `${e.v}i`;
      case 'iv': return `ng_v${e.v.id}`;
      case 'len': return 'i32(N)';
      case 'di': return 'i32(i)';
      case 'oi': throw new Error('numgrad: internal error: an expression with several outputs has no WGSL form yet');
      case 'iop': return `(${this.index(e.a)} ${e.op} ${this.index(e.b)})`;
    }
  }

  /** x[v + d] inside a loop over v whose bounds keep it within [0, N) needs no check */
  private inRange(idx: IExpr): boolean {
    const iv = idx.k === 'iv' ? idx : idx.k === 'iop' && idx.a.k === 'iv' ? idx.a : null;
    if (!iv || iv.k !== 'iv') return false;
    const v = iv.v;
    const af = affine(idx, v), r = this.ranges.get(v.id);
    const d = af && af.a === 1 ? iconst(af.b) : null;
    return !!r && d !== null && r.lo + d >= 0 && r.hiFromLen !== null && r.hiFromLen - d >= 1;
  }

  expr(n: Node): E {
    const shared = (this.counts.get(n) ?? 0) > 1 && n.k !== 'num' && n.k !== 'var';
    if (shared) {
      for (let k = this.scopes.length - 1; k >= 0; k--) {
        const t = this.scopes[k].get(n);
        if (t) return leaf(t);
      }
    }
    let e = this.node(n);
    if (shared || e.d > MAX_INLINE) {
      if (e.d > 0) e = this.spill(e);
      if (shared) this.scopes[this.scopes.length - 1]?.set(n, e.s);
    }
    return e;
  }

  private node(n: Node): E {
    switch (n.k) {
      case 'num': {
        const s = f32Literal(n.v);
        if (s.includes('ng_nan')) this.use('ng_nan');
        if (s.includes('ng_inf')) this.use('ng_inf');
        return leaf(s);
      }
      case 'var': return leaf(this.cached ? `ng_xs[${n.i}]` : `p(${n.i}u)`);
      case 'xat': {
        const el = n.idx.k === 'iv' ? this.elementVar.get(n.idx.v.id) : undefined;
        if (el) return { s: `p(${el})`, d: 1 };
        if (this.inRange(n.idx)) return { s: `p(u32(${this.index(n.idx)}))`, d: 1 };
        this.use('ng_x');
        return { s: `ng_x(${this.index(n.idx)})`, d: 1 };
      }
      case 'data': this.use('ng_nan'); return { s: `ng_dr_${n.name}(${this.index(n.idx)})`, d: 1 };
      case 'ival': return { s: `f32(${this.index(n.idx)})`, d: 1 };
      case 'neg': { const a = this.expr(n.a); return { s: `(-${a.s})`, d: a.d + 1 }; }
      case 'add': case 'mul': return this.chain(n);
      case 'pow': {
        const a = this.expr(n.a);
        const b = n.b;
        if (b.k === 'num' && Number.isInteger(b.v) && Math.abs(b.v) <= 16) return this.powi(a, b.v);
        this.use('ng_pow');
        const be = this.expr(b);
        return { s: `ng_pow(${a.s}, ${be.s})`, d: Math.max(a.d, be.d) + 1 };
      }
      case 'call': {
        const name = CALL[n.f];
        if (name.startsWith('ng_')) this.use(name);
        const args = n.args.map((a) => this.expr(a));
        return { s: `${name}(${args.map((a) => a.s).join(', ')})`, d: Math.max(...args.map((a) => a.d)) + 1 };
      }
      case 'sel': {
        const h = SEL_HELPER[n.op];
        this.use(h);
        const args = [n.a, n.b, n.t, n.f].map((a) => this.expr(a));
        return { s: `${h}(${args.map((a) => a.s).join(', ')})`, d: Math.max(...args.map((a) => a.d)) + 1 };
      }
      case 'when': return this.guarded(`i == ${n.j}u`, n.t);
      case 'guard': return this.guarded(`${this.index(n.a)} == ${this.index(n.b)}`, n.t);
      case 'loop': return this.loop(n);
      case 'pick': return this.pick(n);
    }
  }

  /** a^k by squaring, straight-line (a loop per power costs compile time): the products
   *  ng_powi would form, so negative bases keep their exact sign */
  private powi(a: E, k: number): E {
    if (k === 0) return leaf('1.0');
    let s = a.d > 0 ? this.spill(a).s : a.s;
    let r: string | null = null;
    let e = Math.abs(k);
    while (e > 0) {
      if (e & 1) r = r ? `(${r} * ${s})` : s;
      e >>= 1;
      if (e) s = this.spill({ s: `(${s} * ${s})`, d: 1 }).s;
    }
    return k < 0 ? { s: `(1.0 / ${r})`, d: 2 } : { s: r!, d: 1 };
  }

  private guarded(cond: string, t: Node): E {
    const w = this.fresh('w');
    const [body, e] = this.block(() => this.expr(t));
    this.emit(`var ${w}: f32 = 0.0;`);
    this.emit(`if (${cond}) {`);
    this.stmts.push(...body, `${this.indent}  ${w} = ${e.s};`);
    this.emit('}');
    return leaf(w);
  }

  private loop(n: Extract<Node, { k: 'loop' }>): E {
    const r = this.fresh('r'), v = `ng_v${n.v.id}`;
    const lo = iconst(n.lo), hi = n.hi;
    const hiFromLen = hi.k === 'len' ? 0 : hi.k === 'iop' && hi.op === '-' && hi.a.k === 'len' && hi.b.k === 'int' ? hi.b.v : null;
    if (lo !== null) this.ranges.set(n.v.id, { lo, hiFromLen });
    const element = n.ew === 'x' && !n.skip && lo === 0 && hiFromLen === 1 ? `ng_i${this.elementVar.size}` : null;
    if (element) this.elementVar.set(n.v.id, element);
    const [body, e] = this.block(() => this.expr(n.body));
    this.ranges.delete(n.v.id);
    this.elementVar.delete(n.v.id);
    const prod = n.op === 'prod';
    const guard = invariantFactor(n);
    if (guard) this.use('ng_add');
    this.emit(`var ${r}: f32 = ${prod ? '1.0' : '0.0'};`);
    if (element) {
      this.emit(`for (var ${element}: u32 = 0u; ${element} < N; ${element}++) {`);
      this.emit(`  let ${v}: i32 = i32(${element});`);
    } else {
      this.emit(`for (var ${v}: i32 = ${this.index(n.lo)}; ${v} <= ${this.index(n.hi)}; ${v}++) {`);
    }
    if (n.skip) this.emit(`  if (${v} == ${this.index(n.skip)}) { continue; }`);
    this.stmts.push(...body, `${this.indent}  ${r} = ${guard ? `ng_add(${r}, ${e.s})` : `${r} ${prod ? '*' : '+'} ${e.s}`};`);
    this.emit('}');
    return leaf(r);
  }

  private pick(n: Extract<Node, { k: 'pick' }>): E {
    const w = this.fresh('w'), q = this.fresh('q'), v = `ng_v${n.v.id}`;
    const [body, e] = this.block(() => this.expr(n.body));
    this.emit(`var ${w}: f32 = 0.0;`);
    this.emit(`let ${q}: i32 = ${this.index(n.t)} - ${this.index(n.b)};`);
    const div = n.a === 1 ? q : n.a === -1 ? `-${q}` : `${q} / ${n.a}i`;
    // |a| = 1 always divides: a plain block scopes the variable
    this.emit(Math.abs(n.a) === 1 ? '{' : `if (${q} % ${n.a}i == 0i) {`);
    this.emit(`  let ${v}: i32 = ${div};`);
    this.emit(`  if (${v} >= ${this.index(n.lo)} && ${v} <= ${this.index(n.hi)}) {`);
    this.stmts.push(...body.map((l) => `  ${l}`), `${this.indent}    ${w} = ${e.s};`);
    this.emit('  }');
    this.emit('}');
    return leaf(w);
  }

  private chain(n: Extract<Node, { k: 'add' | 'mul' }>): E {
    const flags = n.k === 'add' ? n.neg : n.inv;
    const ops = n.k === 'add' ? ['+', '-'] : ['*', '/'];
    const risky = riskyOperands(n);
    const es: E[] = [];
    const compile = (x: Node, k: number): E => {
      const e = this.expr(x);
      // an operand the guard below tests is named once, so both uses are the same value
      const out = risky.has(k) && e.d > 0 ? this.spill(e) : e;
      es.push(out);
      return out;
    };
    let r: E;
    if (n.k === 'add' && sharedFactor(n)) {
      // terms with a common factor: added through ng_add/ng_sub, one statement each
      this.use('ng_add');
      this.use('ng_sub');
      const acc = this.fresh('a');
      n.xs.forEach((x, k) => {
        const e = compile(x, k);
        this.emit(k === 0 ? `var ${acc}: f32 = ${e.s};` : `${acc} = ${flags[k] ? 'ng_sub' : 'ng_add'}(${acc}, ${e.s});`);
      });
      r = leaf(acc);
    } else if (n.xs.length <= CHAIN) {
      const parts = n.xs.map(compile);
      const s = parts.map((e, k) => (k === 0 ? e.s : ` ${ops[flags[k] ? 1 : 0]} ${e.s}`)).join('');
      r = { s: `(${s})`, d: Math.max(...parts.map((e) => e.d)) + 1 };
    } else {
      // long chains: one statement per term, in the same left-to-right order
      const acc = this.fresh('a');
      n.xs.forEach((x, k) => {
        const e = compile(x, k);
        this.emit(k === 0 ? `var ${acc}: f32 = ${e.s};` : `${acc} = ${acc} ${ops[flags[k] ? 1 : 0]} ${e.s};`);
      });
      r = leaf(acc);
    }
    if (!risky.size) return r;
    // Compilers may fold t − t and t·0 to 0 (WGSL lets them assume finite values); the exact
    // result is NaN when t is inf or NaN, so that is tested by bits and restored.
    this.use('ng_finite');
    this.use('ng_nan');
    const bad = [...risky].map((k) => `!ng_finite(${es[k].s})`).join(' || ');
    return { s: `select(${r.s}, ng_nan(), ${bad})`, d: r.d + 1 };
  }

  /** Statements plus the expression, at the given indentation. */
  body(n: Node, indent: string, finish: (e: string) => string): string[] {
    this.counts = useCounts([n]);
    this.stmts = [];
    this.indent = indent;
    this.scopes = [new Map()];
    const vars = new Set<number>();
    walk(n, (m) => { if (m.k === 'var') vars.add(m.i); });
    const top = Math.max(-1, ...vars) + 1;
    this.cached = vars.size > CACHE_VARS && top <= CACHE_MAX;
    if (this.cached) {
      this.emit(`var ng_xs: array<f32, ${top}u>;`);
      this.emit(`for (var ng_k: u32 = 0u; ng_k < ${top}u; ng_k++) { ng_xs[ng_k] = p(ng_k); }`);
    }
    const e = this.expr(n);
    const out = [...this.stmts, `${indent}${finish(e.s)}`];
    this.stmts = [];
    return out;
  }

  helperSource(): string {
    return helperSource(this.helpers);
  }
}

/** `fn user_f() -> f32`; `keep`: module-scope names it must reference (data bindings). */
export function userF(gen: WgslGen, f: Node, keep: readonly string[] = []): string {
  const refs = keep.map((id) => `  _ = &${id};`);
  return ['fn user_f() -> f32 {', ...refs, ...gen.body(f, '  ', (e) => `return ${e};`), '}'].join('\n');
}

/** `fn user_df(i: u32) -> f32` from one derivative per index (n known) or one in terms of i;
 *  `keep` as for userF (a kernel may call user_df without user_f). */
export function userDf(gen: WgslGen, d: Node | readonly Node[], keep: readonly string[] = []): string {
  const refs = keep.map((id) => `  _ = &${id};`);
  if (!Array.isArray(d)) {
    return ['fn user_df(i: u32) -> f32 {', ...refs, ...gen.body(d as Node, '  ', (e) => `return ${e};`), '}'].join('\n');
  }
  const lines = ['fn user_df(i: u32) -> f32 {', ...refs, '  var ng_d: f32 = 0.0;', '  switch i {'];
  (d as readonly Node[]).forEach((dk, k) => {
    if (dk.k === 'num' && dk.v === 0) return; // ng_d already holds 0
    lines.push(`    case ${k}u: {`, ...gen.body(dk, '      ', (e) => `ng_d = ${e};`), '    }');
  });
  lines.push('    default: {}', '  }', '  return ng_d;', '}');
  return lines.join('\n');
}

/**
 * Module-scope data with a range-checked accessor per name: embedded as private arrays (for
 * printing and tests; compile time grows fast with their size, 0.7 s for 256 values on
 * llvmpipe, so every GPU harness binds them instead), or,
 * with `firstBinding`, read-only storage buffers at bindings firstBinding, firstBinding + 1, …
 * in declaration order (the caller binds them; user_f references each so that layout 'auto'
 * keeps it).
 */
export function dataDecls(data: ReadonlyMap<string, Float32Array>, firstBinding?: number): string {
  const out: string[] = [];
  let k = 0;
  for (const [name, v] of data) {
    const id = dataIdent(name);
    if (firstBinding === undefined) {
      const items = Array.from(v, (x) => f32Literal(x)).join(', ');
      out.push(`var<private> ${id}: array<f32, ${v.length}u> = array<f32, ${v.length}u>(${items});`);
    } else {
      out.push(`@group(0) @binding(${firstBinding + k}) var<storage, read> ${id}: array<f32>;`);
    }
    k++;
    out.push(`fn ng_dr_${name}(k: i32) -> f32 {`,
      `  if (k < 0i || k >= ${v.length}i) { return ng_nan(); }`,
      `  return ${id}[k];`,
      '}');
  }
  return out.join('\n');
}

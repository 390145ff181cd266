import { describe, expect, test } from 'vitest';
import { ArgumentError, NumgradError } from '../src/core/errors';
import { compileExpr, ExprError } from '../src/expr/index';
import { TANH_COEFFS } from '../src/expr/wgsl-helpers';

// Seeded per run (printed) so a failure can be replayed with NUMGRAD_SEED=<seed>.
const SEED = Number(process.env.NUMGRAD_SEED ?? (Date.now() % 2 ** 31));
console.log(`expr.test seed: ${SEED} (replay with NUMGRAD_SEED=${SEED})`);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(SEED);
const uniform = (lo: number, hi: number) => lo + (hi - lo) * rand();

interface Case {
  src: string;
  /** independent float64 reference */
  f: (x: number[]) => number;
  /** vector length to test with */
  len: number;
  /** sampler for one component (defaults to uniform(-2, 2)) */
  draw?: () => number;
}

const sig = (u: number) => 1 / (1 + Math.exp(-u));
const positive = () => uniform(0.2, 3);
const sumOf = (x: number[], g: (v: number) => number) => x.reduce((s, v) => s + g(v), 0);
const prodOf = (x: number[], g: (v: number) => number) => x.reduce((s, v) => s * g(v), 1);

const CASES: Case[] = [
  { src: 'x0^2 + x1^2', f: (x) => x[0] ** 2 + x[1] ** 2, len: 2 },
  { src: '0.01*x^2 + 0.1*x', f: (x) => 0.01 * x[0] ** 2 + 0.1 * x[0], len: 1 },
  { src: 'sum(x^2)', f: (x) => sumOf(x, (v) => v * v), len: 5 },
  { src: 'sum(exp(x)*2 + x)', f: (x) => sumOf(x, (v) => Math.exp(v) * 2 + v), len: 4 },
  { src: 'prod(cos(x))', f: (x) => prodOf(x, Math.cos), len: 4 },
  { src: 'x0*x1 - x2/x0 + 3', f: (x) => x[0] * x[1] - x[2] / x[0] + 3, len: 3, draw: positive },
  { src: '-x0^2 + 2^x1', f: (x) => -(x[0] ** 2) + 2 ** x[1], len: 2 },
  { src: 'x0^x1', f: (x) => Math.pow(x[0], x[1]), len: 2, draw: positive },
  { src: 'pow(x[0], 3) - pow(x[1], -2)', f: (x) => x[0] ** 3 - x[1] ** -2, len: 2, draw: positive },
  { src: 'log(x0) + sqrt(x1) * exp(-x0)', f: (x) => Math.log(x[0]) + Math.sqrt(x[1]) * Math.exp(-x[0]), len: 2, draw: positive },
  { src: 'sin(x0)*cos(x1) + tan(x2/3)', f: (x) => Math.sin(x[0]) * Math.cos(x[1]) + Math.tan(x[2] / 3), len: 3 },
  { src: 'tanh(2*x0) + sigmoid(x1 - x0)', f: (x) => Math.tanh(2 * x[0]) + sig(x[1] - x[0]), len: 2 },
  { src: 'abs(x0 - 1)*x1 + abs(x2)', f: (x) => Math.abs(x[0] - 1) * x[1] + Math.abs(x[2]), len: 3 },
  { src: 'min(x0, x1)^2 + max(x1, 2*x2)', f: (x) => Math.min(x[0], x[1]) ** 2 + Math.max(x[1], 2 * x[2]), len: 3 },
  { src: 'sum(sigmoid(x)) + prod(x)', f: (x) => sumOf(x, sig) + prodOf(x, (v) => v), len: 5 },
  { src: 'sum(tanh(x)*x0) + x[2]^3', f: (x) => sumOf(x, (v) => Math.tanh(v) * x[0]) + x[2] ** 3, len: 4 },
  { src: 'prod(x - x1)', f: (x) => prodOf(x, (v) => v - x[1]), len: 4 },
  { src: 'sum(abs(x) + max(x, 0.5))', f: (x) => sumOf(x, (v) => Math.abs(v) + Math.max(v, 0.5)), len: 6 },
  { src: 'x0^2.5 + x1^0.5', f: (x) => x[0] ** 2.5 + x[1] ** 0.5, len: 2, draw: positive },
  { src: '(x0 + x1)^3 / (1 + x2^2)', f: (x) => (x[0] + x[1]) ** 3 / (1 + x[2] ** 2), len: 3 },
  { src: 'sum((x - 1)^2) / 2 + pi*e', f: (x) => sumOf(x, (v) => (v - 1) ** 2) / 2 + Math.PI * Math.E, len: 3 },
  { src: 'x1*sum(x^2) - x0/sum(exp(x))', f: (x) => x[1] * sumOf(x, (v) => v * v) - x[0] / sumOf(x, Math.exp), len: 4 },
  { src: 'exp(sin(x0)*x1) - log(1 + x1^2)', f: (x) => Math.exp(Math.sin(x[0]) * x[1]) - Math.log(1 + x[1] ** 2), len: 2 },
];

const point = (c: Case) => Array.from({ length: c.len }, c.draw ?? (() => uniform(-2, 2)));

describe('parsing', () => {
  const at = (src: string, x: number[]) => compileExpr(src).evalJs(x);
  test('precedence and associativity', () => {
    expect(at('2 + 3*4', [0])).toBe(14);
    expect(at('2^3^2', [0])).toBe(512); // right-assoc
    expect(at('x0 - x1 - x2', [10, 3, 2])).toBe(5); // left-assoc
    expect(at('x0 / x1 / x2', [12, 3, 2])).toBe(2);
    expect(at('-x0^2', [3])).toBe(-9); // ^ binds tighter than unary minus
    expect(at('(-x0)^2', [3])).toBe(9);
    expect(at('-2^2', [0])).toBe(-4);
    expect(at('2^-1', [0])).toBe(0.5);
    expect(at('--x0 + +x0', [1.5])).toBe(3);
    expect(at('2*-x0', [4])).toBe(-8);
    expect(at('x0 ** 2', [5])).toBe(25); // Python spelling accepted
  });
  test('number forms, constants, indexed variables', () => {
    expect(at('1e-3 + .5 + 3E+2 + 2.5', [0])).toBe(1e-3 + 0.5 + 3e2 + 2.5);
    expect(at('pi + e', [0])).toBe(Math.PI + Math.E);
    expect(at('x[1] - x2 + x0', [1, 10, 100])).toBe(1 + 10 - 100);
    expect(at('sum(x0, x1, 3)', [1, 2])).toBe(6); // scalar arguments: plain addition
    expect(at('prod(x0, x1, 3)', [2, 5])).toBe(30);
  });
  test('pow follows Math.pow, log of a negative is NaN', () => {
    expect(at('x0^3', [-2])).toBe(-8);
    expect(at('x0^0.5', [-2])).toBeNaN();
    expect(at('pow(0, x0)', [-1])).toBe(Infinity);
    expect(at('log(x0)', [-1])).toBeNaN();
  });
});

describe('errors', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['x0 + (x1', 9, /expected '\)' but found end of input/],
    ['x0 + * x1', 6, /expected a number, variable, function or '\(' but found '\*'/],
    ['', 1, /expected an expression but found empty input/],
    ['x0 x1', 4, /expected an operator or end of input but found 'x1'/],
    ['2e + x0', 3, /digits in the exponent/],
    ['x[1.5]', 3, /non-negative integer index/],
    ['x[-1]', 3, /non-negative integer index/],
    ['x0 # 2', 4, /unexpected character '#'/],
    ['min(x0)', 1, /'min' at column 1 takes 2 arguments but got 1/],
    ['exp + 1', 5, /expected '\(' after function 'exp'/],
    ['sum(sum(x))', 5, /nested reductions/],
    ['sum(x, x0)', 1, /takes 1 argument but got 2/],
    ['x0 + x', 6, /bare 'x'.*cannot be mixed/],
    ['x^2 + sum(x)', 1, /bare 'x'.*cannot be mixed/],
    ['sin(x0,)', 8, /expected a number/],
  ];
  test.each(cases)('%j → column %i', (src, col, msg) => {
    let err: unknown;
    try { compileExpr(src); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ExprError);
    const e = err as ExprError;
    expect(e.column).toBe(col);
    expect(e.message).toMatch(msg);
    expect(e.expected.length).toBeGreaterThan(0);
    // caret under the column, after the echoed source
    expect(e.message.split('\n').slice(1)).toEqual([`  ${src}`, `  ${' '.repeat(col - 1)}^`]);
  });
  test('message format of the parse error', () => {
    expect(() => compileExpr('x0 + (x1')).toThrow(
      "numgrad: cannot parse expression at column 9: expected ')' but found end of input\n  x0 + (x1\n          ^");
  });
  test('unknown function lists the known ones', () => {
    expect(() => compileExpr('foo(x)')).toThrow(/unknown function 'foo' at column 1; known: exp, log, sqrt, sin, cos, tan, tanh, sigmoid, abs, sign, min, max, pow, sum, prod/);
  });
  test('unknown identifier suggests variables', () => {
    expect(() => compileExpr('x0 + y')).toThrow(/unknown identifier 'y' at column 6; variables are x0, x1/);
  });
  test('opts.n smaller than the variables used names n', () => {
    expect(() => compileExpr('x0 + x3', { n: 2 })).toThrow(/n = 2 is too small: the expression uses x3/);
    expect(() => compileExpr('x0', { n: 0 })).toThrow(/opts\.n: must be a positive integer, got 0/);
    expect(() => compileExpr('x0', { n: 0 })).toThrow(ArgumentError);
    expect(() => compileExpr('sum(x) + x[4]', { n: 3 })).toThrow(/n must be at least 5/);
  });
});

describe('n inference and input checks', () => {
  test.each([
    ['x0^2 + x1^2', undefined, 2],
    ['x[4] + 1', undefined, 5],
    ['0.01*x^2 + 0.1*x', undefined, 1],
    ['3 + 4', undefined, 1],
    ['sum(x^2)', undefined, null],
    ['sum(x^2) + x3', undefined, null],
    ['x0', 6, 6],
    ['sum(x)', 4, 4],
  ] as const)('%s (opts.n = %s) → n = %s', (src, n, want) => {
    expect(compileExpr(src, n === undefined ? {} : { n }).n).toBe(want);
  });
  test('wrong lengths are reported clearly', () => {
    expect(() => compileExpr('x0 + x1').evalJs([1, 2, 3])).toThrow(/n = 2 parameters but x has length 3/);
    expect(() => compileExpr('x0 + x1').gradJs([1])).toThrow(/n = 2 parameters but x has length 1/);
    expect(() => compileExpr('sum(x)').evalJs([])).toThrow(/at least 1 element/);
    expect(() => compileExpr('sum(x) + x3').evalJs([1, 2, 3])).toThrow(/uses x3, so x needs length ≥ 4 but has length 3/);
  });
  test('bad arguments are ArgumentErrors naming them; syntax errors are ExprErrors, both NumgradErrors', () => {
    const arg = (f: () => unknown) => { try { f(); } catch (e) { return e as ArgumentError; } throw new Error('did not throw'); };
    for (const [f, name] of [
      [() => compileExpr('x0 + x1').evalJs([1, 2, 3]), 'x'],
      [() => compileExpr('sum(x)').gradJs([]), 'x'],
      [() => compileExpr('x0').evalJs(null as never), 'x'],
      [() => compileExpr(42 as never), 'source'],
      [() => compileExpr('x0', { n: 1.5 }), 'opts.n'],
      [() => compileExpr('x0 + x1').derivativeSource(0, 3), 'n'],
      [() => compileExpr('x0 + x1').derivativeSource(-1), 'i'],
    ] as const) {
      const e = arg(f);
      expect(e, name).toBeInstanceOf(ArgumentError);
      expect(e.argument).toBe(name);
      expect(e.message).toMatch(new RegExp(`^numgrad: ${name.replace('.', '\\.')}: `));
    }
    const syntax = arg(() => compileExpr('x0 +'));
    expect(syntax).toBeInstanceOf(ExprError);
    expect(syntax).toBeInstanceOf(NumgradError);
    expect(syntax.name).toBe('ExprError');
  });
  test('reductions resolve the length at call time', () => {
    const c = compileExpr('sum(x^2)');
    expect(c.evalJs([3])).toBe(9);
    expect(c.evalJs(new Float32Array([1, 2, 3]))).toBe(14);
    expect(Array.from(c.gradJs([1, -2, 0.5, 4]))).toEqual([2, -4, 1, 8]);
  });
});

describe('evalJs matches hand-written float64', () => {
  test.each(CASES.map((c) => [c.src, c] as const))('%s', (_src, c) => {
    const e = compileExpr(c.src);
    for (let k = 0; k < 5; k++) {
      const x = point(c);
      const want = c.f(x);
      const got = e.evalJs(x);
      // same float64 operations, possibly associated differently: a few ulps at most
      expect(Math.abs(got - want), `${c.src} at [${x}]`).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(want)));
    }
  });
});

describe('symbolic gradient matches central differences of the reference', () => {
  test.each(CASES.map((c) => [c.src, c] as const))('%s', (_src, c) => {
    const e = compileExpr(c.src);
    for (let k = 0; k < 4; k++) {
      const x = point(c);
      const g = e.gradJs(x);
      expect(g.length).toBe(x.length);
      const fx = Math.abs(c.f(x));
      for (let i = 0; i < x.length; i++) {
        const h = 1e-6 * Math.max(Math.abs(x[i]), 1);
        const xp = x.slice(), xm = x.slice();
        xp[i] += h; xm[i] -= h;
        const ref = (c.f(xp) - c.f(xm)) / (xp[i] - xm[i]);
        // rtol 1e-6 plus the rounding floor of the difference quotient, ≈ ε·|f|/h
        const tol = 1e-6 * Math.abs(ref) + 1e-8 * Math.max(1, fx);
        expect(Math.abs(g[i] - ref), `d/dx${i} of ${c.src} at [${x}]: ${g[i]} vs ${ref}`).toBeLessThanOrEqual(tol);
      }
    }
  });
  test('declaring n (concrete per-index derivatives) agrees with the any-length path', () => {
    for (const src of ['prod(x - x1) + sum(x*x0)', 'x1*sum(x^2) - x0/sum(exp(x))', 'sum(tanh(x)*x0) + x[2]^3']) {
      const free = compileExpr(src), fixed = compileExpr(src, { n: 5 });
      const x = Array.from({ length: 5 }, () => uniform(-2, 2));
      expect(fixed.evalJs(x)).toBe(free.evalJs(x));
      const a = free.gradJs(x), b = fixed.gradJs(x);
      for (let i = 0; i < 5; i++) expect(Math.abs(a[i] - b[i]), `${src} d/dx${i}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(a[i])));
    }
  });
  test('prod with a zero factor: no division by g(x_i)', () => {
    const g = compileExpr('prod(x)').gradJs([0, 2, 3]);
    expect(Array.from(g)).toEqual([6, 0, 0]);
  });
});

describe('derivativeSource', () => {
  test('book examples', () => {
    const f2 = compileExpr('x0^2 + x1^2');
    expect(f2.derivativeSource(0)).toBe('2*x0');
    expect(f2.derivativeSource(1)).toBe('2*x1');
    expect(compileExpr('0.01*x^2 + 0.1*x').derivativeSource(0)).toBe('0.02*x + 0.1');
    expect(compileExpr('sum(x^2)').derivativeSource(2, 4)).toBe('2*x2');
  });
  test('printed derivatives re-parse to the same values as gradJs', () => {
    for (const c of CASES) {
      const e = compileExpr(c.src);
      if (e.n === null) continue; // reductions print prod_except(...), not source syntax
      const x = point(c);
      const g = e.gradJs(x);
      for (let i = 0; i < x.length; i++) {
        const s = e.derivativeSource(i);
        if (s.includes('?')) continue; // min/max select
        const back = compileExpr(s, { n: e.n }).evalJs(x);
        expect(Math.abs(back - g[i]), `${s}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(g[i])));
      }
    }
  });
  test('index out of range', () => {
    expect(() => compileExpr('x0 + x1').derivativeSource(2)).toThrow(/i must be an integer in \[0, 1\]/);
    expect(() => compileExpr('x0 + x1').derivativeSource(2)).toThrow(ArgumentError);
  });
});

describe('WGSL text', () => {
  const exprs = ['x0^2 + x1^2', 'sum(exp(x)*2 + x)', 'prod(x - x1)', 'tanh(x0)*x1^3 + x0^x1',
    'min(x0, x1) + abs(x2) + sigmoid(x1)', '1e39*x0 + 1e-50', 'pow(x0, 0.5) + 2^-3'];
  test.each(exprs)('%s', (src) => {
    const c = compileExpr(src);
    const all = (c.wgsl() + c.wgslGrad()).replace(/\/\/.*$/gm, ''); // comments aside
    expect(c.wgsl()).toMatch(/^fn user_f\(\) -> f32 \{$/m);
    expect(c.wgslGrad()).toMatch(/^fn user_df\(i: u32\) -> f32 \{$/m);
    for (const [o, cl] of [['(', ')'], ['{', '}']]) {
      let depth = 0;
      for (const ch of all) { if (ch === o) depth++; if (ch === cl) depth--; expect(depth).toBeGreaterThanOrEqual(0); }
      expect(depth).toBe(0);
    }
    // every declared function is ours; the harness's N and p are never declared
    const fns = [...all.matchAll(/\bfn\s+(\w+)/g)].map((m) => m[1]);
    for (const f of fns) expect(f === 'user_f' || f === 'user_df' || f.startsWith('ng_'), f).toBe(true);
    expect(new Set(fns).size).toBe(fns.length);
    expect(all).not.toMatch(/override|fn p\(/);
    // numeric literals: floats carry '.' or an exponent; ints are suffixed u/i (indices, powi)
    for (const m of all.matchAll(/(?<![\w.])(\d+\.?\d*(?:[eE][+-]?\d+)?)([ui]?)(?![\w.])/g)) {
      const [, lit, suffix] = m;
      expect(suffix !== '' || /[.eE]/.test(lit), `bare integer literal '${lit}' in ${src}`).toBe(true);
    }
    // f32-overflowing literals never appear (they would be shader-creation errors)
    for (const m of all.matchAll(/\d+\.?\d*[eE]\+?(\d+)/g)) expect(Number(m[1])).toBeLessThanOrEqual(38);
  });
  test('reductions loop over the harness N via p()', () => {
    const w = compileExpr('sum(x^2)').wgsl();
    expect(w).toMatch(/for \(var ng_i0: u32 = 0u; ng_i0 < N; ng_i0\+\+\)/);
    expect(w).toContain('p(ng_i0)');
  });
  test('ng_tanh polynomial: float64 and f32-rounded Horner agree with Math.tanh on |u| < 0.55', () => {
    const f = Math.fround;
    const c32 = TANH_COEFFS.map(f);
    let worst64 = 0, worst32 = 0;
    for (let k = 1; k <= 2000; k++) {
      const u = (0.55 * k) / 2000 * (k % 2 ? 1 : -1);
      const ref = Math.tanh(u);
      let s = TANH_COEFFS[TANH_COEFFS.length - 1];
      for (let j = TANH_COEFFS.length - 2; j >= 0; j--) s = TANH_COEFFS[j] + u * u * s;
      worst64 = Math.max(worst64, Math.abs((u + u * u * u * s - ref) / ref));
      const u32 = f(u), z = f(u32 * u32);
      let s32 = c32[c32.length - 1];
      for (let j = c32.length - 2; j >= 0; j--) s32 = f(c32[j] + f(z * s32));
      const t32 = f(u32 + f(f(u32 * z) * s32));
      const ref32 = Math.tanh(u32);
      worst32 = Math.max(worst32, Math.abs((t32 - ref32) / ref32) / 2 ** -23);
    }
    expect(worst64).toBeLessThan(1e-9);
    expect(worst32).toBeLessThanOrEqual(2); // ulps (relative to 2^-23)
  });
});

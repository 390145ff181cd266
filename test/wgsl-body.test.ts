// ctx.wgsl({ body }) stays inside fn user_f(): hostile bodies are refused with the body's
// line:column before any device work, data names cannot collide with the harness or WGSL,
// compile errors point into the body, and valid bodies still differentiate correctly.
import { expect, it } from 'vitest';
import { ShaderCompileError, type Context } from '../src/entry-node';
import { ArgumentError } from '../src/core/errors';
import { WgslFunction } from '../src/functions/fn';
import { checkBody, tokenize } from '../src/functions/wgsl-body';
import { BODY_HOSTS, reservedDataNames } from '../src/functions/wgsl-names';
import harnessSrc from '../src/features/diff/shaders/ngrad_harness.wgsl';
import descentSrc from '../src/features/descent/shaders/descent_step.wgsl';
import { describeBackends } from './helpers/backends';
import { expectAllclose } from './helpers/allclose';

const refusal = (f: () => unknown): ArgumentError => {
  try {
    f();
  } catch (e) {
    return e as ArgumentError;
  }
  throw new Error('expected a refusal');
};

/** [what, body, line, column, what the message says was found] */
const HOSTILE: [string, string, number, number, RegExp][] = [
  ['a new entry point after closing user_f', 'return p(0u);\n} @compute @workgroup_size(1) fn evil() {', 2, 1, /found '\}' that closes fn user_f\(\)/],
  ['the hostile one-liner', '} @compute fn evil() {\nreturn 1.0;', 1, 1, /found '\}' that closes/],
  ['an attribute', 'return 1.0;\n  @diagnostic(off, derivative_uniformity) { }', 2, 3, /found '@': attributes/],
  ['a nested fn', 'return 1.0;\nfn evil() -> f32 { return 2.0; }', 2, 1, /found 'fn': only statements/],
  ['enable', 'enable f16;\nreturn 1.0;', 1, 1, /found 'enable'/],
  ['requires', 'requires readonly_and_readwrite_storage_textures;\nreturn 1.0;', 1, 1, /found 'requires'/],
  ['diagnostic', 'diagnostic(off, derivative_uniformity);\nreturn 1.0;', 1, 1, /found 'diagnostic'/],
  ['struct', 'struct S { a: f32 }\nreturn 1.0;', 1, 1, /found 'struct'/],
  ['alias', 'alias F = f32;\nreturn 1.0;', 1, 1, /found 'alias'/],
  ['override', 'override K: f32 = 1.0;\nreturn K;', 1, 1, /found 'override'/],
  ['const_assert', 'const_assert 1 < 2;\nreturn 1.0;', 1, 1, /found 'const_assert'/],
  ['var<private>', 'var<private> s: f32;\nreturn s;', 1, 1, /found 'var<private\.\.\.>'/],
  ['var<workgroup>', 'let a = 1.0;\n  var<workgroup> s: f32;\nreturn s;', 2, 3, /found 'var<workgroup\.\.\.>'/],
  ['var<storage>', 'var <storage, read_write> s: array<f32>;\nreturn 1.0;', 1, 1, /found 'var<storage\.\.\.>'/],
  ['writing the perturbed value', 'ngh_xj = 0.0;\nreturn p(0u) * p(1u);', 1, 1, /found 'ngh_xj': identifiers starting with ngh_, ng_, numgrad_/],
  ['writing the lane', 'ngh_j = 7u;\nreturn p(0u);', 1, 1, /found 'ngh_j'/],
  ['writing the output', 'ngh_out[0] = 1.0;\nreturn p(0u);', 1, 1, /found 'ngh_out'/],
  ['reading the point', 'return ngh_x[0];', 1, 8, /found 'ngh_x'/],
  ['descent state', 'atomicStore(&ngh_st[2], 1u);\nreturn p(0u);', 1, 14, /found 'ngh_st'/],
  ['the lane helper', 'return f32(ng_lane(vec3u(), vec3u()));', 1, 12, /found 'ng_lane'/],
  ['the numgrad_ prefix', 'let numgrad_x = 1.0;\nreturn numgrad_x;', 1, 5, /found 'numgrad_x'/],
  ['recursion', 'return user_f();', 1, 8, /found 'user_f'.*no recursion/],
  ['an entry point', 'let q = main;\nreturn 1.0;', 1, 9, /found 'main'.*entry points/],
  ['an unterminated comment', 'return 1.0; /* the closing } is swallowed', 1, 13, /found '\/\*' that is never closed/],
  ['a nested unterminated comment', 'return 1.0; /* a /* b */ c', 1, 13, /never closed/],
  ['a brace hidden after a WGSL line break', 'return 1.0; // \u2028} @compute fn evil() {', 2, 1, /found '\}' that closes/],
  ['an unclosed brace', 'if (p(0u) > 0.0) {\n  return 1.0;', 1, 18, /found '\{' that is never closed/],
  ['an unclosed paren', 'return (p(0u);', 1, 8, /found '\(' that is never closed/],
  ['a stray paren', 'return p(0u));', 1, 13, /found '\)' with no '\('/],
  ['a mismatched bracket', 'return w[0);', 1, 11, /found '\)' while '\[' from line 1, column 9 is open/],
  ['no return', 'let a = p(0u);\nlet b = a * a;', 2, 15, /found no 'return'/],
  ['a character WGSL lacks', 'return 1.0 # 2;', 1, 12, /found "#" \(U\+0023\), which is not WGSL/],
  ['loop {}', 'loop { }\nreturn 1.0;', 1, 1, /found 'loop' that never ends/],
  ['while (true)', 'var s = 0.0;\nwhile (true) { s += 1.0; }\nreturn s;', 2, 1, /found 'while' that never ends/],
  ['while true', 'while ((true)) { continue; }\nreturn 1.0;', 1, 1, /found 'while' that never ends/],
  ['for (;;)', 'for (;;) { }\nreturn 1.0;', 1, 1, /found 'for' that never ends/],
  ['for without a condition', 'for (var i = 0u; ; i++) { let a = i; }\nreturn 1.0;', 1, 1, /found 'for' that never ends/],
  ['for (…; true; …)', 'for (var i = 0u; true; i++) { }\nreturn 1.0;', 1, 1, /found 'for' that never ends/],
  ['a break that exits only the inner loop', 'loop {\n  loop { break; }\n}\nreturn 1.0;', 1, 1, /found 'loop' that never ends/],
  ['a break that exits only a switch', 'loop { switch 1 { default { break; } } }\nreturn 1.0;', 1, 1, /found 'loop' that never ends/],
];

/** Bodies that must stay accepted (and, on the GPU, compile and give these values). */
const VALID: { what: string; body: string; data?: Record<string, number[]>; x: number[]; grad: (x: number[]) => number[] }[] = [
  { what: 'the diff test body', body: 'return p(0u) * p(0u) * w[0] + p(1u);', data: { w: [1.5] }, x: [0.7, -2], grad: (x) => [2 * x[0] * 1.5, 1] },
  {
    what: 'loop with break',
    body: 'var s = 0.0;\nvar i = 0u;\nloop {\n  if (i >= 3u) { break; }\n  s += p(0u);\n  i++;\n}\nreturn s;',
    x: [0.4], grad: () => [3],
  },
  {
    what: 'continuing with break if',
    body: 'var s = 0.0;\nvar i = 0u;\nloop {\n  s += p(0u) * p(0u);\n  continuing {\n    i++;\n    break if i >= 2u;\n  }\n}\nreturn s;',
    x: [0.5], grad: (x) => [4 * x[0]],
  },
  { what: 'while (true) with break', body: 'var k = 0u;\nwhile (true) { k++; if (k > 4u) { break; } }\nreturn f32(k) * p(0u);', x: [1], grad: () => [5] },
  { what: 'for (;;) with return', body: 'for (;;) {\n  return p(0u) * 3.0;\n}', x: [2], grad: () => [3] },
  {
    what: 'nested braces',
    body: '{\n  { let a = p(0u); }\n}\nif (p(0u) > 0.0) { { return p(0u) * p(1u); } } else { return -p(0u); }',
    x: [0.5, 2], grad: (x) => [x[1], x[0]],
  },
  {
    what: 'comments containing }',
    body: '// } a brace in a line comment\n/* nested /* } */ still a comment } */\nreturn p(0u) * 2.0; // }',
    x: [1], grad: () => [2],
  },
  { what: 'function-scope vars and shadowed names', body: 'var<function> t = 2.0;\nlet main = t;\nlet grad = main;\nreturn grad * p(0u);', x: [1], grad: () => [2] },
  { what: 'a constant body (p never called)', body: 'return 1.0;', x: [3], grad: () => [0] },
  { what: 'an unused data array', body: 'return p(0u);', data: { w: [1, 2] }, x: [3], grad: () => [1] },
  {
    what: 'the old harness names as data',
    body: 'return (p(0u) - dx[0]) * (p(0u) - dx[0]) + hist[0] * st[0] * p(1u);',
    data: { dx: [0.25], hist: [2], st: [3] },
    x: [1, 1], grad: (x) => [2 * (x[0] - 0.25), 6],
  },
];

describeBackends('ctx.wgsl bodies: refusals', (ctx, kind) => {
  it.each(HOSTILE)('%s → ArgumentError at the body\'s line:column; no device work; the context still works', async (_w, body, line, col, found) => {
    const rt = ctx().runtime;
    const before = rt?.pool.bytesInUse;
    const err = refusal(() => ctx().wgsl({ n: 2, body, data: { w: [1, 2] }, cpu: () => 0 }));
    expect(err).toBeInstanceOf(ArgumentError);
    expect(err.argument).toBe('body');
    expect(err.message).toContain(`body: line ${line}, column ${col}: `);
    expect(err.message).toMatch(found);
    if (kind === 'webgpu') {
      expect(rt!.pool.bytesInUse).toBe(before);
      expectAllclose(await ctx().numericalGradient('x0^2 + x1^2', [3, 4]), [6, 8], { rtol: 5e-5 });
    }
  });

  it('valid bodies are accepted', () => {
    for (const v of VALID) expect(() => checkBody(v.body), v.what).not.toThrow();
    // the regression body (descent/regression.ts) with its X, y, rows
    const g = ctx().wgsl({ n: 2, body: 'let m = arrayLength(&y);\nlet d = arrayLength(&X) / m;\nvar s = 0.0;\nfor (var r = 0u; r < arrayLength(&rows); r++) {\n  let i = u32(rows[r]);\n  var e = -y[i];\n  for (var j = 0u; j < d; j++) { e += p(j) * X[i * d + j]; }\n  s += e * e;\n}\nreturn s;', data: { X: [1, 2, 3, 4], y: [1, 2], rows: [0, 1] } });
    expect(g).toBeInstanceOf(WgslFunction);
    expect(Object.isFrozen(g)).toBe(true); // what was checked is what compiles
  });

  it('the tokenizer counts WGSL lines and UTF-16 columns, and keeps numbers whole', () => {
    const t = tokenize('a\r\nb\u2028 c /* x\n */ d // e\n0x1p-3f 1e-5 .5h 7u');
    expect(t.map((x) => `${x.text}@${x.line}:${x.col}`)).toEqual(['a@1:1', 'b@2:1', 'c@3:2', 'd@4:5', '0x1p-3f@5:1', '1e-5@5:9', '.5h@5:14', '7u@5:18']);
  });
});

describeBackends('ctx.wgsl data names', (ctx) => {
  const refused = (name: string) => refusal(() => ctx().wgsl({ n: 1, body: 'return p(0u);', data: { [name]: [1] } }));

  it('every module-scope name of every shader a body is appended to is refused as a data name', () => {
    expect(Object.values(BODY_HOSTS)).toEqual([harnessSrc, descentSrc]);
    // an independent reading: module-scope declarations start a line in these shaders
    const decl = /^(?:@[^\n]*?\s)?(?:fn|var(?:<[^>]*>)?|const|override|struct|alias)\s+([A-Za-z_]\w*)/gm;
    const names = new Set([harnessSrc, descentSrc].flatMap((s) => [...s.matchAll(decl)].map((m) => m[1])));
    for (const n of ['ngh_x', 'ngh_j', 'ngh_xj', 'ngh_base', 'ngh_out', 'ngh_dx', 'ngh_hist', 'ngh_w_sq', 'ng_lane', 'WG', 'N', 'STENCIL', 'p', 'main', 'values', 'grad', 'update']) {
      expect(names, n).toContain(n);
    }
    for (const n of names) {
      const err = refused(n);
      expect(err, n).toBeInstanceOf(ArgumentError);
      expect(err.argument).toBe('data');
      expect(err.message).toMatch(new RegExp(`data: '${n}' cannot name a WGSL array`));
      // the namespace: all but the public p, the read-only overrides and the entry points
      if (!['p', 'N', 'STENCIL', 'WG', 'main', 'values', 'grad', 'update'].includes(n)) expect(n, n).toMatch(/^(ngh_|ng_)/);
    }
  });

  it('keywords, reserved words, builtins and predeclared names are refused; the list is what the shaders and WGSL say', () => {
    const list = reservedDataNames();
    for (const n of ['fn', 'while', 'return', 'filter', 'target', 'select', 'arrayLength', 'exp', 'log', 'min', 'max', 'clamp', 'mix', 'dot', 'abs', 'bitcast', 'atomicLoad', 'f32', 'vec3f', 'mat4x4h', 'array', 'read', 'storage', 'user_f', 'main', 'ngh_dx']) {
      expect(list, n).toContain(n);
    }
    for (const n of list) {
      const err = refused(n);
      expect(err.argument, n).toBe('data');
      expect(err.message).toContain(`'${n}' cannot name a WGSL array`);
    }
    expect(refused('ngh_anything').message).toMatch(/starting with ngh_, ng_, numgrad_/);
    expect(refused('ng_x').message).toMatch(/starting with/);
    expect(refused('numgrad_w').message).toMatch(/starting with/);
    expect(refused('max').message).toMatch(/'max' cannot name a WGSL array: it is a WGSL builtin function/);
    expect(refused('hist2 ').message).toMatch(/use a plain identifier/);
    expect(refused('_w').message).toMatch(/use a plain identifier/);
    for (const ok of ['X', 'y', 'rows', 'w', 't', 'dx', 'dg', 'hist', 'st', 'dp', 'w_sq', 'ngram']) {
      expect(() => ctx().wgsl({ n: 1, body: 'return p(0u);', data: { [ok]: [1] } }), ok).not.toThrow();
    }
  });
}, ['cpu']);

describeBackends('ctx.wgsl bodies on the GPU', (ctx) => {
  const fn = (c: Context, body: string, data?: Record<string, number[]>) => c.wgsl({ n: 2, body, ...(data ? { data } : {}) });

  it.each(VALID.map((v) => [v.what, v] as const))('%s: compiles and its gradient is the analytic one', async (_w, v) => {
    const g = ctx().wgsl({ n: v.x.length, body: v.body, ...(v.data ? { data: v.data } : {}) });
    expectAllclose(await ctx().numericalGradient(g, v.x), v.grad(v.x), { rtol: 5e-5, atol: 5e-5 });
    expect(ctx().runtime!.pool.bytesInUse).toBe(0);
  });

  it('a smooth body against its analytic derivative at several points', async () => {
    const g = fn(ctx(), 'let a = sin(p(0u));\nreturn a * exp(p(1u)) + w[0] * p(1u) * p(1u);', { w: [0.5] });
    const xs = [[0.3, -0.7], [1.2, 0.4], [-0.8, 0.1]];
    const exact = xs.map(([a, b]) => [Math.cos(a) * Math.exp(b), Math.sin(a) * Math.exp(b) + b]);
    expectAllclose(await ctx().numericalGradient(g, xs), exact, { rtol: 5e-5, atol: 5e-5 });
  });

  it('gradient descent with data arrays named like the old descent state (dx, hist, st)', async () => {
    const g = ctx().wgsl({ n: 2, body: 'let a = p(0u) - dx[0];\nlet b = p(1u) - hist[0];\nreturn a * a + st[0] * b * b;', data: { dx: [0.5], hist: [-1], st: [2] } });
    const r = await ctx().gradientDescent(g, [3, 3], { lr: 0.1, steps: 200 });
    expectAllclose(r.x, [0.5, -1], { atol: 1e-4 });
    expect(ctx().runtime!.pool.bytesInUse).toBe(0);
  });

  it('compile errors are ShaderCompileErrors at the body\'s line:column, never line 0', async () => {
    const cases: [string, number, number, RegExp][] = [
      ['let a = p(0u);\nlet b: u32 = a;\nreturn f32(b);', 2, 0, /body:2:\d+/],
      ['return p(0u) * missing[0];', 1, 0, /missing/],
      ['let a = p(0u);\nreturn a', 2, 9, /body:2:9 \(the end of the body\): expected ';'/],
      ['if (p(0u) > 0.0) { return 1.0; }', 1, 33, /missing return/],
      ['let k = 1u / (N - N);\nreturn f32(k);', 1, 9, /cannot be represented/],
      ['workgroupBarrier();\nreturn p(0u);', 1, 1, /uniform control flow/],
    ];
    for (const [body, line, col, msg] of cases) {
      const err = await ctx().numericalGradient(fn(ctx(), body), [1, 2]).catch((e: unknown) => e) as ShaderCompileError;
      expect(err, body).toBeInstanceOf(ShaderCompileError);
      expect(err.line, body).toBe(line);
      if (col) expect(err.column, body).toBe(col);
      else expect(err.column, body).toBeGreaterThan(0);
      expect(err.message, body).toMatch(new RegExp(`line ${line}, column ${err.column} of the body`));
      expect(err.message, body).toMatch(msg);
      expect(err.message, body).not.toMatch(/harness:/);
    }
    const err = await ctx().gradientDescent(fn(ctx(), 'let a = p(0u);\nreturn a +;'), [1, 2], { steps: 3 }).catch((e: unknown) => e) as ShaderCompileError;
    expect(err).toBeInstanceOf(ShaderCompileError);
    expect([err.line, err.column]).toEqual([2, 11]);
    expect(ctx().runtime!.pool.bytesInUse).toBe(0);
  });

  it('more data arrays than the device binds is an ArgumentError before any upload', async () => {
    const limit = ctx().runtime!.limits.maxStorageBuffersPerShaderStage;
    // limit − 1 arrays: one too many beside the harness's own 2 buffers (x and the output)
    const data = Object.fromEntries(Array.from({ length: limit - 1 }, (_, k) => [`d${k}`, [k]]));
    const err = await ctx().numericalGradient(fn(ctx(), 'return p(0u) * d0[0];', data), [1, 2]).catch((e: unknown) => e) as ArgumentError;
    expect(err).toBeInstanceOf(ArgumentError);
    expect(err.argument).toBe('data');
    expect(err.message).toMatch(new RegExp(`exceed this device's maxStorageBuffersPerShaderStage \\(${limit}\\)`));
    expect(ctx().runtime!.pool.bytesInUse).toBe(0);
  });
}, ['webgpu']);

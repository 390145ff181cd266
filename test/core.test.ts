import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import iota from './shaders/iota.wgsl';
import { createContextWith } from '../src/context';
import { createContext, DeviceLostError, NoAdapterError, ShaderCompileError } from '../src/entry-node';
import { pairwiseSum } from '../src/features/reduce/cpu';
import { STORAGE_RW } from '../src/gpu/flags';
import { describeBackends, webgpuAdapter } from './helpers/backends';
import { rng, seedFromEnv, uniform } from './helpers/random';

const seed = seedFromEnv('core');
if (webgpuAdapter) console.log(`[core] WebGPU adapter: ${webgpuAdapter}`);

describeBackends('sum (trivial kernel)', (ctx, kind) => {
  it.each([1, 7, 511, 512, 513, 100_003])('matches the float64 pairwise sum for %i elements', async (n) => {
    const v = uniform(rng(seed + n), n, 0.5, 1.5);
    const expected = v.reduce((a, b) => a + b, 0); // independent: plain float64 left-to-right
    const got = await ctx().sum(v);
    // float32 tree sum of n positive values: error ≲ log2(n)·ε·Σ
    const tol = kind === 'cpu' ? 1e-12 : 2e-7 * Math.log2(n + 1) + 1e-7;
    expect(Math.abs(got - expected) / expected).toBeLessThanOrEqual(tol);
  });

  it('is deterministic: the same input gives bitwise the same result', async () => {
    const v = uniform(rng(seed), 50_000, -1, 1);
    const a = await ctx().sum(v);
    const b = await ctx().sum(v);
    expect(Object.is(a, b)).toBe(true);
  });
});

describeBackends('webgpu runtime', (ctx) => {
  it('reuses compiled pipelines; concurrent requests share one compile', async () => {
    const rt = ctx().runtime!;
    const before = rt.pipelines.compiles;
    const [p1, p2] = await Promise.all([rt.pipeline('test_iota', iota, { WG: 64 }), rt.pipeline('test_iota', iota, { WG: 64 })]);
    expect(p1).toBe(p2);
    expect(rt.pipelines.compiles).toBe(before + 1);
    const p3 = await rt.pipeline('test_iota', iota, { WG: 64 });
    expect(p3).toBe(p1);
    expect(rt.pipelines.compiles).toBe(before + 1);
    await rt.pipeline('test_iota', iota, { WG: 32 }); // other constants → another pipeline
    expect(rt.pipelines.compiles).toBe(before + 2);
  });

  it('runs a 2-D workgroup grid past 65,535 workgroups and writes every lane (outputs start as NaN)', async () => {
    const rt = ctx().runtime!;
    const lanes = 70_001; // with WG=1 this needs 70,001 workgroups
    const pipeline = await rt.pipeline('test_iota', iota, { WG: 1 });
    const out = rt.output(lanes * 4);
    const params = rt.uniform(new Uint32Array([lanes]));
    try {
      const enc = rt.encoder();
      rt.dispatch(enc, pipeline, [{ binding: 0, buffer: out }, { binding: 1, buffer: params }], lanes, 1);
      const got = await rt.readF32(out, lanes, 0, enc);
      let wrong = -1;
      for (let i = 0; i < lanes; i++) if (got[i] !== i) { wrong = i; break; }
      expect(wrong).toBe(-1);
    } finally {
      rt.release(out, params);
    }
  });

  it('pools buffers by size class and reuses them', async () => {
    const pool = ctx().runtime!.pool;
    const a = pool.acquire(1000, STORAGE_RW);
    const inUse = pool.bytesInUse;
    pool.release(a);
    const created = pool.created;
    const b = pool.acquire(900, STORAGE_RW); // same size class as 1000
    expect(b).toBe(a);
    expect(pool.created).toBe(created);
    expect(pool.bytesInUse).toBe(inUse);
    pool.release(b);
  });

  it('sums in chunks when the data exceeds the binding limit', async () => {
    const rt = ctx().runtime!;
    const v = uniform(rng(seed + 1), 5000, 0, 1);
    rt.bindingLimit = 1024; // 256 floats per chunk → 20 chunks
    try {
      const got = await ctx().sum(v);
      expect(Math.abs(got - pairwiseSum(v)) / pairwiseSum(v)).toBeLessThan(1e-6);
    } finally {
      rt.bindingLimit = null;
    }
  });

  it('reports a WGSL compile error with line:column and the source line, and stays usable', async () => {
    const rt = ctx().runtime!;
    const broken = 'override WG: u32 = 64u;\n@compute @workgroup_size(WG)\nfn main() {\n  let a: f32 = 1.0 +* 2.0;\n}\n';
    const err = await rt.pipeline('broken', broken).catch((e) => e);
    expect(err).toBeInstanceOf(ShaderCompileError);
    expect(err.line).toBe(4);
    expect(err.column).toBeGreaterThan(0);
    expect(err.message).toMatch(/broken:4:\d+/);
    expect(err.message).toContain('1.0 +* 2.0');
    expect(await ctx().sum([1, 2, 3])).toBe(6);
  });
}, ['webgpu']);

describe('buffer lifetime', () => {
  it.runIf(webgpuAdapter || process.env.REQUIRE_WEBGPU === '1')('dispose() frees every buffer', async () => {
    const ctx = await createContext({ backend: 'webgpu' });
    await ctx.sum(uniform(rng(seed), 10_000));
    const pool = ctx.runtime!.pool;
    expect(pool.bytesInUse).toBe(0); // everything returned after the call
    expect(pool.bytesAllocated).toBeGreaterThan(0);
    await ctx.dispose();
    expect(pool.bytesAllocated).toBe(0);
    await expect(ctx.sum([1])).rejects.toThrow(/disposed/);
  });
});

describe('device loss', () => {
  it.runIf(webgpuAdapter || process.env.REQUIRE_WEBGPU === '1')('an auto context falls back to the CPU path and says why', async () => {
    const ctx = await createContext({ backend: 'auto', warn: false });
    expect(ctx.backend).toBe('webgpu');
    ctx.runtime!.device.destroy();
    const v = [1.5, 2.25, 3.125];
    expect(await ctx.sum(v)).toBe(6.875);
    expect(ctx.backend).toBe('cpu');
    expect(ctx.fallbackReason).toMatch(/device lost/);
    await ctx.dispose();
  });

  it.runIf(webgpuAdapter || process.env.REQUIRE_WEBGPU === '1')('a webgpu context throws DeviceLostError', async () => {
    const ctx = await createContext({ backend: 'webgpu' });
    ctx.runtime!.device.destroy();
    await expect(ctx.sum([1, 2])).rejects.toBeInstanceOf(DeviceLostError);
    expect(ctx.backend).toBe('webgpu');
    await ctx.dispose();
  });
});

describe('context creation', () => {
  it("'webgpu' without an adapter fails with a message saying how to get one (npm i webgpu)", async () => {
    const err = await createContextWith([], { backend: 'webgpu' }).catch((e) => e);
    expect(err).toBeInstanceOf(NoAdapterError);
    expect(err.message).toContain('npm i webgpu');
  });

  it("'auto' without an adapter falls back to cpu with a reason", async () => {
    const ctx = await createContextWith([], { backend: 'auto', warn: false });
    expect(ctx.backend).toBe('cpu');
    expect(ctx.fallbackReason).toMatch(/no WebGPU adapter/);
    expect(await ctx.sum([0.1, 0.2])).toBe(0.1 + 0.2);
  });

  it('rejects an unknown backend by name', async () => {
    await expect(createContextWith([], { backend: 'cuda' as never })).rejects.toThrow(/backend: expected 'auto', 'webgpu' or 'cpu'/);
  });

  it('two contexts live side by side', async () => {
    const [a, b] = await Promise.all([createContext(), createContext()]);
    expect(await a.sum([1, 2])).toBe(3);
    expect(await b.sum([3, 4])).toBe(7);
    await a.dispose();
    expect(await b.sum([5, 6])).toBe(11);
    await b.dispose();
  });

  it('a Node process that creates and disposes a context exits by itself within 5 s', () => {
    expect(existsSync('dist/node.js'), 'run `npm run build` first (npm test does)').toBe(true);
    const script = "import('./dist/node.js').then(async (m) => { const c = await m.createContext(); await c.sum([1,2]); console.log(c.backend); await c.dispose(); })";
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['-e', script], { timeout: 5000, encoding: 'utf8' });
    expect(r.error, 'child did not exit within 5 s').toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(webgpuAdapter ? 'webgpu' : 'cpu');
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

it('error classes carry their own name, spelled out (a minified build renames classes)', async () => {
  const errors = await import('../src/core/errors');
  const { ExprError } = await import('../src/expr/errors');
  const classes: Record<string, unknown> = { ...errors, ExprError };
  const names = Object.keys(classes).filter((k) => typeof classes[k] === 'function' && /Error$/.test(k));
  expect(names.length).toBeGreaterThanOrEqual(8);
  for (const k of names) {
    const src = (classes[k] as { toString(): string }).toString();
    // the name is a string literal in the class body, not derived from the (mangleable) identifier
    expect(src, k).toMatch(new RegExp(`name\\s*=\\s*["']${k}["']`));
  }
  expect(new errors.ArgumentError('x', 'bad').name).toBe('ArgumentError');
  expect(new ExprError('1+', 3, 'a term', 'numgrad: expected a term').name).toBe('ExprError');
});

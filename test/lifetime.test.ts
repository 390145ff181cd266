// Lifetimes and faults, injected on the software GPU: dispose while work is in flight,
// device loss during a batched gradient, a descent and a training run, an app's own device
// shared with numgrad, and a pipeline cache that stays within its bound.
import { describe, expect, it, vi } from 'vitest';
import { createContext, DeviceLostError, DisposedError, type Context } from '../src/entry-node';
import { webgpuAdapter } from './helpers/backends';
import { rng, seedFromEnv, uniform } from './helpers/random';

const seed = seedFromEnv('lifetime');
const gpu = it.runIf(webgpuAdapter || process.env.REQUIRE_WEBGPU === '1');
const points = (n: number, r = rng(seed)) => Array.from({ length: n }, () => uniform(r, 2, -3, 3));

/** Two Gaussian blobs in d dimensions, labels 0/1: a problem a 2-layer net learns quickly. */
function blobs(n: number, d: number, s: number) {
  const r = rng(s);
  const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const x: number[][] = [], t: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    x.push(Array.from({ length: d }, (_, j) => (c ? 1 : -1) * (j < 3 ? 1.5 : 0) + normal()));
    t.push(c);
  }
  return { x, t };
}

describe('dispose while work is in flight', () => {
  gpu('pending calls finish or reject with DisposedError (never a raw AbortError); nothing stays allocated', async () => {
    for (let cycle = 0; cycle < 8; cycle++) {
      const ctx = await createContext({ backend: 'webgpu' });
      const f = ctx.fn('x0^2 + sin(x1)');
      const pending = Array.from({ length: 4 }, (_, i) => ctx.numericalGradient(f, points(500 + i)).then(() => 'ok', (e: unknown) => e));
      await new Promise((r) => setTimeout(r, cycle % 3));
      const pool = ctx.runtime!.pool;
      await ctx.dispose();
      for (const r of await Promise.all(pending)) {
        if (r !== 'ok') expect(r).toBeInstanceOf(DisposedError);
      }
      expect(pool.bytesAllocated).toBe(0);
      await expect(ctx.numericalGradient(f, [1, 2])).rejects.toBeInstanceOf(DisposedError);
    }
  });

  gpu('dispose is idempotent and concurrent dispose calls share one disposal', async () => {
    const ctx = await createContext({ backend: 'webgpu' });
    const a = ctx.dispose(), b = ctx.dispose();
    expect(a).toBe(b);
    await a;
    await ctx.dispose();
  });
});

describe('device loss on an auto context', () => {
  async function pair(): Promise<[Context, Context]> {
    return [await createContext({ backend: 'auto', warn: false }), await createContext({ backend: 'cpu' })];
  }

  gpu('a batched gradient in flight finishes on the CPU with the CPU path\'s result', async () => {
    const [ctx, cpu] = await pair();
    const f = 'x0^2 * x1 + exp(-x1^2)';
    const x = points(2000);
    const p = ctx.numericalGradient(f, x);
    ctx.device!.destroy();
    expect(await p).toEqual(await cpu.numericalGradient(f, x));
    expect(ctx.backend).toBe('cpu');
    expect(ctx.fallbackReason).toMatch(/device lost/);
    // later calls work too
    expect(await ctx.numericalGradient(f, [1, 2])).toEqual(await cpu.numericalGradient(f, [1, 2]));
    await ctx.dispose();
  });

  gpu('a descent in flight finishes on the CPU with the CPU path\'s result', async () => {
    const [ctx, cpu] = await pair();
    const opts = { lr: 0.1, steps: 300, history: true };
    const p = ctx.gradientDescent('x0^2 + 3*x1^2', [-3, 4], opts);
    ctx.device!.destroy();
    expect(await p).toEqual({ ...(await cpu.gradientDescent('x0^2 + 3*x1^2', [-3, 4], opts)), backend: 'cpu' });
    await ctx.dispose();
  });

  gpu('a net\'s numericalGradient and loss finish on the CPU with the CPU path\'s result', async () => {
    const [ctx, cpu] = await pair();
    const { x, t } = blobs(64, 6, seed);
    const spec = { inputSize: 6, hiddenSize: 5, outputSize: 2, seed: 3 };
    const net = ctx.twoLayerNet(spec), ref = cpu.twoLayerNet(spec);
    const p = net.numericalGradient(x, t);
    ctx.device!.destroy();
    expect(await p).toEqual(await ref.numericalGradient(x, t));
    expect(await net.loss(x, t)).toBe(await ref.loss(x, t));
    expect(net.backend).toBe('cpu');
    await ctx.dispose();
  });

  gpu('training with the device lost mid-run resumes on the CPU from its last checkpoint, not from the start', async () => {
    const [ctx] = await pair();
    const data = blobs(400, 8, seed + 1);
    const test = blobs(200, 8, seed + 2);
    const net = ctx.twoLayerNet({ inputSize: 8, hiddenSize: 6, outputSize: 2, seed: 5 });
    const initial = net.params;
    let destroyedAt = 0;
    const res = await net.train({
      data: { xTrain: data.x, tTrain: data.t, xTest: test.x, tTest: test.t }, iters: 400, batchSize: 32, lr: 0.5, evalEvery: 25, seed: 9,
      onProgress: (pr) => {
        if (!destroyedAt && pr.iter >= 151) {
          destroyedAt = pr.iter;
          ctx.device!.destroy();
        }
      },
    });
    expect(destroyedAt).toBeGreaterThan(150);
    expect(net.backend).toBe('cpu');
    expect(res.lossHistory).toHaveLength(400); // every step recorded once, none lost, none twice
    expect(res.evalIters).toEqual(Array.from({ length: 16 }, (_, i) => i * 25 + 1).concat([400]));
    expect(res.testAcc[res.testAcc.length - 1]).toBeGreaterThan(0.9);
    expect(net.params.W1).not.toEqual(initial.W1);
    // the losses before the loss of the device were kept (it did not restart from iteration 1)
    expect(res.lossHistory[0]).toBeGreaterThan(res.lossHistory[399]);
    await ctx.dispose();
  });
});

describe('device loss on a webgpu context', () => {
  gpu('throws DeviceLostError naming the operation', async () => {
    const ctx = await createContext({ backend: 'webgpu' });
    ctx.device!.destroy();
    const err = await ctx.numericalGradient('x0^2', [1]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceLostError);
    expect((err as Error).message).toMatch(/device lost during numericalGradient/);
    const net = await createContext({ backend: 'webgpu' });
    const n = net.simpleNet();
    net.device!.destroy();
    await expect(n.loss([0.6, 0.9], [0, 0, 1])).rejects.toThrow(/device lost during SimpleNet\.loss/);
    await ctx.dispose();
    await net.dispose();
  });
});

describe("an app's own device", () => {
  gpu('createContext({ device }) computes on it, exposes it as ctx.device and never destroys it', async () => {
    const { create } = (await import('webgpu')) as unknown as { create(f: string[]): GPU };
    const instance = create([]); // held for the whole test: Dawn crashes if its GPU object is collected while a device lives
    const adapter = (await instance.requestAdapter())!;
    const device = await adapter.requestDevice();
    let lost = false;
    void device.lost.then(() => { lost = true; });
    const a = await createContext({ device });
    const b = await createContext({ device });
    expect(a.device).toBe(device);
    expect(a.backend).toBe('webgpu');
    expect(await a.numericalGradient('x0^2 + x1^2', [3, 4])).toEqual(expect.arrayContaining([expect.closeTo(6, 3), expect.closeTo(8, 3)]));
    await a.dispose();
    expect(await b.numericalGradient('x0*x1', [3, 4])).toEqual([expect.closeTo(4, 4), expect.closeTo(3, 4)]);
    await b.dispose();
    await new Promise((r) => setTimeout(r, 10));
    expect(lost).toBe(false);
    device.createBuffer({ size: 16, usage: 0x80 }).destroy(); // still usable by the app
    device.destroy();
    expect(instance).toBeDefined();
  });

  it('refuses something that is not a device, and a device with backend: cpu', async () => {
    await expect(createContext({ device: {} as GPUDevice })).rejects.toThrow(/device: expected a GPUDevice/);
    await expect(createContext({ backend: 'cpu', device: { createBuffer() {}, queue: {} } as unknown as GPUDevice })).rejects.toThrow(/device: was given with backend: 'cpu'/);
    await expect(createContext({ backnd: 'cpu' } as never)).rejects.toThrow(/backnd: is not an option of createContext/);
  });
});

describe('pipeline cache', () => {
  gpu('keeps at most its capacity of pipelines (least recently used dropped) and every result stays right', async () => {
    const ctx = await createContext({ backend: 'webgpu' });
    const cache = ctx.runtime!.pipelines;
    cache.capacity = 8;
    for (let k = 1; k <= 30; k++) {
      const g = (await ctx.numericalGradient(`${k}*x0^2 + x1`, [1.5, 2])) as number[];
      expect(g[0]).toBeCloseTo(3 * k, 2);
      expect(cache.size).toBeLessThanOrEqual(8);
    }
    expect(cache.evictions).toBeGreaterThanOrEqual(22);
    expect(cache.moduleCount).toBeLessThanOrEqual(8);
    await ctx.dispose();
  });

  gpu('WebGPU errors are never printed to the console', async () => {
    const spy = vi.spyOn(console, 'error');
    const ctx = await createContext({ backend: 'webgpu' });
    await ctx.wgsl({ n: 1, body: 'return p(0u) * undefined_name;' }).n; // validated lazily: compile error below
    await expect(ctx.numericalGradient(ctx.wgsl({ n: 1, body: 'return p(0u) * undefined_name;' }), [1])).rejects.toThrow(/does not compile/);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    await ctx.dispose();
  });
});

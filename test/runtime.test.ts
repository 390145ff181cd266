// The GPU runtime's own checks: a kernel that binds more storage buffers than the device
// allows is refused by name before dispatch, with nothing left in the pool.
import { expect, it, vi } from 'vitest';
import { GpuError } from '../src/entry-node';
import { describeBackends } from './helpers/backends';

describeBackends('storage-buffer limit', (ctx) => {
  it('refuses nn_grad_hidden (10 storage buffers) on a device that allows 8, naming both numbers', async () => {
    const rt = ctx().runtime!;
    const net = ctx().twoLayerNet({ inputSize: 6, hiddenSize: 4, outputSize: 3, seed: 2 });
    const x = [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [0.6, 0.5, 0.4, 0.3, 0.2, 0.1]];
    const t = [0, 2];
    const ok = await net.numericalGradient(x, t); // works at the device's real limit
    const inUse = rt.pool.bytesInUse;
    rt.storageBufferLimit = 8; // the WebGPU default limit
    try {
      const err = await net.numericalGradient(x, t).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GpuError);
      expect(String((err as Error).message)).toMatch(/nn_grad_hidden.*binds 10 storage buffers.*allows 8/);
      expect(rt.pool.bytesInUse).toBe(inUse);
    } finally {
      rt.storageBufferLimit = null;
    }
    // and the context still works afterwards, with the same result
    expect(await net.numericalGradient(x, t)).toEqual(ok);
    net.dispose();
  });
}, ['webgpu']);

describeBackends('no per-call churn', (ctx) => {
  it('a repeated gradient of the same function and size: no new pipeline, buffer or bind group; one submit and one map per call', async () => {
    const rt = ctx().runtime!;
    const f = ctx().fn('x0^2 + x1^2');
    const x = Float32Array.from({ length: 2 * 500 }, (_, i) => Math.sin(i) * 2);
    for (const opts of [{ h: 1e-3 }, {}] as const) {
      const first = await ctx().numericalGradient(f, x, { shape: [500, 2], ...opts, warn: false });
      const compiles = rt.pipelines.compiles, created = rt.pool.created, hits = rt.bindGroups.hits;
      const submit = vi.spyOn(rt, 'submit'), read = vi.spyOn(rt, 'readF32'), make = vi.spyOn(rt.device, 'createBindGroup');
      try {
        for (let k = 0; k < 3; k++) {
          const again = await ctx().numericalGradient(f, x, { shape: [500, 2], ...opts, warn: false });
          expect(again).toEqual(first); // deterministic, and a Float32Array like x
          expect(again).toBeInstanceOf(Float32Array);
        }
        expect(submit).toHaveBeenCalledTimes(3);
        expect(read).toHaveBeenCalledTimes(3);
        expect(make).not.toHaveBeenCalled();
        expect(rt.bindGroups.hits - hits).toBe(3);
        expect(rt.pipelines.compiles).toBe(compiles);
        expect(rt.pool.created).toBe(created);
      } finally {
        vi.restoreAllMocks();
      }
      // the exact gradient 2x (by hand), within float32 differences
      const g = first as Float32Array;
      for (let i = 0; i < x.length; i++) expect(Math.abs(g[i] - 2 * x[i])).toBeLessThan(opts.h ? 2e-3 : 1e-4);
    }
  });
}, ['webgpu']);

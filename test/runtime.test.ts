// The GPU runtime's own checks: a kernel that binds more storage buffers than the device
// allows is refused by name before dispatch, with nothing left in the pool.
import { expect, it } from 'vitest';
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

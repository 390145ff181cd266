// The bench harness times a workload only when its answer is right: a wrong, non-finite or
// throwing workload is reported as failed, with no time (bench/harness.js).
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module without types
import { timeChecked, relError, flat } from '../bench/harness.js';

const exact = Float64Array.from([2, -4, 6, 0.5]); // gradient of x0² + … at (1, −2, 3, 0.25), by hand

describe('bench harness', () => {
  it('times a workload whose result matches the reference', async () => {
    const r = await timeChecked('right', async () => Float32Array.from([2, -4, 6, 0.5]), (g: Float32Array) => relError(g, exact), { tol: 1e-6, runs: 3 });
    expect(r.ok).toBe(true);
    expect(r.runs).toBe(3);
    expect(Number.isFinite(r.ms) && r.ms >= 0).toBe(true);
    expect(r.err).toBe(0);
  });

  it('reports a wrong result as failed and does not time it', async () => {
    let calls = 0;
    const r = await timeChecked('wrong', async () => (calls++, Float32Array.from([2, -4, 6.01, 0.5])), (g: Float32Array) => relError(g, exact), { tol: 1e-3, runs: 5 });
    expect(r.ok).toBe(false);
    expect(r.ms).toBeNaN();
    expect(r.reason).toMatch(/wrong result at warm-up: error 1\.67e-3 > tolerance/);
    expect(calls).toBe(1); // not timed
  });

  it('catches a result that goes wrong after the warm-up', async () => {
    let calls = 0;
    const r = await timeChecked('drifts', async () => Float32Array.from([2, -4, 6, calls++ ? NaN : 0.5]), (g: Float32Array) => relError(g, exact), { tol: 1e-3, runs: 3 });
    expect(r.ok).toBe(false);
    expect(r.ms).toBeNaN();
    expect(r.reason).toMatch(/in the timed runs/);
  });

  it('reports NaN, a wrong length and a throw as failed', async () => {
    const nan = await timeChecked('nan', async () => [NaN, -4, 6, 0.5], (g: number[]) => relError(g, exact), { tol: 1 });
    const short = await timeChecked('short', async () => [2, -4], (g: number[]) => relError(g, exact), { tol: 1 });
    const thrown = await timeChecked('throws', async () => { throw new Error('device lost'); }, () => 0, { tol: 1 });
    for (const r of [nan, short, thrown]) expect([r.ok, r.ms]).toEqual([false, NaN]);
    expect(thrown.reason).toBe('device lost');
  });

  it('flattens nested and typed results in order', () => {
    expect(Array.from(flat([[1, 2], [3, Float32Array.from([4, 5])]]))).toEqual([1, 2, 3, 4, 5]);
  });
});

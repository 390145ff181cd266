// The default derivative's cost: the step ladder evaluates f 2·LADDER_STEPS = 16 times per
// component (8× one 3-point difference, which costs 2), f(x) only where the ladder needs it
// (a domain edge, a flat or symmetric ladder), and runs as one dispatch with one readback.
import { describe, expect, it, vi } from 'vitest';
import { createContext } from '../src/entry-node';
import { LADDER_STEPS } from '../src/features/diff/ladder';
import { describeBackends } from './helpers/backends';

describe('ladder cost [cpu]', () => {
  it('16 evaluations per component at ordinary points, one more per point where f(x) is needed', async () => {
    const c = await createContext({ backend: 'cpu' });
    let calls = 0;
    const f = (v: number[]) => {
      calls++;
      return Math.sin(v[0]) * v[1] + Math.exp(v[2]);
    };
    const x = [[0.3, -1.2, 0.5], [2, 0.7, -0.1]];
    const g = (await c.numericalGradient(f, x, { batch: true })) as number[][];
    expect(calls).toBe(2 * LADDER_STEPS * 3 * 2);
    // by hand: (cos(x0)·x1, sin(x0), exp(x2))
    x.forEach((p, r) => [Math.cos(p[0]) * p[1], Math.sin(p[0]), Math.exp(p[2])].forEach((e, j) => expect(Math.abs(g[r][j] - e)).toBeLessThan(1e-9 * Math.max(1, Math.abs(e)))));
    // a fixed 3-point step costs 2 per component: the ladder is 8× that
    calls = 0;
    await c.numericalGradient(f, x, { batch: true, h: 1e-4 });
    expect(calls).toBe(2 * 3 * 2);
    // next to a domain edge the one-sided ladders need f(x): once per point
    calls = 0;
    const s = (v: number[]) => {
      calls++;
      return Math.sqrt(v[0]);
    };
    const d = (await c.numericalGradient(s, [1e-3])) as number[];
    expect(calls).toBe(2 * LADDER_STEPS + 1);
    expect(Math.abs(d[0] - 0.5 / Math.sqrt(1e-3)) / (0.5 / Math.sqrt(1e-3))).toBeLessThan(1e-9);
    await c.dispose();
  });
});

describeBackends('ladder cost', (ctx) => {
  it('one dispatch, one submit and one readback for a batch', async () => {
    const rt = ctx().runtime!;
    const f = ctx().fn('sin(x0)*x1 + exp(x2)');
    const x = Float32Array.from({ length: 3 * 200 }, (_, i) => Math.cos(i));
    await ctx().numericalGradient(f, x, { shape: [200, 3], warn: false }); // compiles
    const dispatch = vi.spyOn(rt, 'dispatch'), submit = vi.spyOn(rt, 'submit'), read = vi.spyOn(rt, 'readF32');
    try {
      const g = await ctx().numericalGradient(f, x, { shape: [200, 3], warn: false });
      expect(dispatch).toHaveBeenCalledTimes(1);
      expect(submit).toHaveBeenCalledTimes(1);
      expect(read).toHaveBeenCalledTimes(1);
      for (let r = 0; r < 200; r++) {
        const [a, b, e] = [x[3 * r], x[3 * r + 1], x[3 * r + 2]];
        [Math.cos(a) * b, Math.sin(a), Math.exp(e)].forEach((v, j) => expect(Math.abs(g[3 * r + j] - v)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
      }
    } finally {
      vi.restoreAllMocks();
    }
  });
}, ['webgpu']);

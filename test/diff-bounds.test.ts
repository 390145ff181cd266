// The `bounds` option of the step ladder: no evaluation outside [lo, hi], one-sided
// differences at a bound (status 'one-sided'), and strict validation. Exact derivatives are
// written by hand here.
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../src/core/errors';
import { createContext } from '../src/entry-node';
import { describeBackends } from './helpers/backends';

describeBackends('bounds', (ctx, kind) => {
  const tol = kind === 'cpu' ? 1e-9 : 1e-4;

  it('sqrt at its domain edge and at a bound equal to x: finite, accurate, one-sided where it must be', async () => {
    const c = ctx();
    // x = 0.25 with the bound at x: only x + h is inside, so the result is one-sided
    const d = await c.numericalGradient('sqrt(x)', [0.25], { bounds: [0.25, Infinity], detail: true });
    const exact = 0.5 / Math.sqrt(0.25);
    expect(Math.abs((d.value as number[])[0] - exact) / exact).toBeLessThan(tol);
    // float32 one-sided differences are first order: their estimate can pass the GPU's 1e-3
    // tolerance, which the status then says instead (the estimate still covers the error)
    expect(kind === 'cpu' ? ['one-sided'] : ['one-sided', 'rounding-limited']).toContain((d.status as string[])[0]);
    expect((d.error as number[])[0]).toBeGreaterThanOrEqual(Math.abs((d.value as number[])[0] - exact));
    // the upper bound at x: backward differences
    const u = await c.numericalGradient('log(x)', [2], { bounds: [-Infinity, 2], detail: true });
    expect(Math.abs((u.value as number[])[0] - 0.5) / 0.5).toBeLessThan(kind === 'cpu' ? tol : 1e-3);
    expect((u.error as number[])[0]).toBeGreaterThanOrEqual(Math.abs((u.value as number[])[0] - 0.5));
    expect(kind === 'cpu' ? ['one-sided'] : ['one-sided', 'rounding-limited']).toContain((u.status as string[])[0]);
  });

  it('near a bound: accurate, with an estimate that covers the error', async () => {
    const c = ctx();
    const d = await c.numericalGradient('sqrt(x - 1) + x', [1.01], { bounds: [1, 3], detail: true });
    const exact = 0.5 / Math.sqrt(0.01) + 1;
    const err = Math.abs((d.value as number[])[0] - exact);
    expect(err / exact).toBeLessThan(kind === 'cpu' ? 1e-9 : 1e-3);
    expect((d.error as number[])[0]).toBeGreaterThanOrEqual(err);
  });

  it('per-parameter bounds (typed arrays, nested) for a batch', async () => {
    const c = ctx();
    // f = log(x0) + sqrt(x1): x0 bounded below by 0.5 (at x0 = 0.5 for the first row), x1 by 0
    const x = [[0.5, 4], [3, 0.01]];
    const d = await c.numericalGradient('log(x0) + sqrt(x1)', x, { bounds: [Float64Array.of(0.5, 0), [Infinity, Infinity]], detail: true });
    const exact = x.map(([a, b]) => [1 / a, 0.5 / Math.sqrt(b)]);
    (d.value as number[][]).forEach((row, r) => row.forEach((v, j) => expect(Math.abs(v - exact[r][j]) / exact[r][j]).toBeLessThan(tol)));
    expect(kind === 'cpu' ? ['one-sided'] : ['one-sided', 'rounding-limited']).toContain((d.status as string[][])[0][0]);
  });

  it('refuses bad bounds with an ArgumentError naming them, before any work', async () => {
    const c = ctx();
    const bad: [unknown, RegExp][] = [
      [5, /expected \[lo, hi\]/],
      [[0], /expected \[lo, hi\]/],
      [[1, 0], /lo must be below hi/],
      [[NaN, 1], /NaN/],
      [[[0, 0, 0], 1], /3 entries/],
    ];
    for (const [b, msg] of bad) {
      await expect(c.numericalGradient('x0 + x1', [0.5, 0.5], { bounds: b as never })).rejects.toThrow(msg);
      await expect(c.numericalGradient('x0 + x1', [0.5, 0.5], { bounds: b as never })).rejects.toBeInstanceOf(ArgumentError);
    }
    await expect(c.numericalGradient('x0 + x1', [0.5, 2], { bounds: [0, 1] })).rejects.toThrow(/x\[1\].*outside bounds/);
    await expect(c.numericalGradient('x0 + x1', [0.5, 0.5], { bounds: [0, 1], h: 1e-3 })).rejects.toThrow(/bounds.*h: 'auto'/);
    // still usable
    expect(await c.numericalGradient('x0 + x1', [0.5, 0.5], { bounds: [0, 1] })).toEqual([expect.closeTo(1, 6), expect.closeTo(1, 6)]);
  });
});

describe('bounds [cpu]: f is never evaluated outside them', () => {
  it('a JS function records every point it is called at; sqrt near 0 stays accurate', async () => {
    const c = await createContext({ backend: 'cpu' });
    for (const [x, tol] of [[1e-6, 1e-8], [1e-3, 1e-9], [0.3, 1e-9], [0, NaN]] as const) {
      const seen: number[] = [];
      const f = (v: number[]) => {
        seen.push(v[0]);
        return Math.sqrt(v[0]) + v[0];
      };
      const d = await c.numericalGradient(f, [x], { bounds: [0, 2 * x + 1], detail: true });
      expect(Math.min(...seen)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...seen)).toBeLessThanOrEqual(2 * x + 1);
      if (x === 0) {
        // the derivative is infinite at the bound: reported, never a silent number
        expect(d.issues.count).toBe(1);
        continue;
      }
      const exact = 0.5 / Math.sqrt(x) + 1;
      expect(Math.abs((d.value as number[])[0] - exact) / exact).toBeLessThan(tol);
    }
    await c.dispose();
  });
});

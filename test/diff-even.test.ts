// A derivative that is exactly 0 because f is even around x (x² at 0, cos at 0, |x|² sums at
// the origin: where a descent ends) is 'ok', and warns nothing; a 0 from cancellation or
// saturation is still flagged. Exact derivatives are written here.
import { expect, it, vi } from 'vitest';
import { describeBackends } from './helpers/backends';

describeBackends('even functions at their centre', (ctx) => {
  it('x0² + x1² at the origin, alone and inside a batch: value 0, status ok, no warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const one = await ctx().numericalGradient('x0^2 + x1^2', [0, 0], { detail: true });
      expect(one.value).toEqual([0, 0]);
      expect(one.status).toEqual(['ok', 'ok']);
      const grid = [[-1, 0.5], [0, 0], [0.25, -2]];
      const many = await ctx().numericalGradient('x0^2 + x1^2', grid);
      for (let r = 0; r < grid.length; r++) for (let j = 0; j < 2; j++) {
        expect(Math.abs((many as number[][])[r][j] - 2 * grid[r][j])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(2 * grid[r][j])));
      }
      const c = await ctx().numericalGradient('cos(x0) + x1^4', [0, 0], { detail: true });
      expect(c.value).toEqual([0, 0]);
      expect(c.status).toEqual(['ok', 'ok']);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('not even: x³ at 0 (derivative 0, odd f) is still right and ok; saturation to 0 is still flagged', async () => {
    const odd = await ctx().numericalGradient('x0^3 + x1', [0, 1], { detail: true });
    expect(Math.abs((odd.value as number[])[0])).toBeLessThanOrEqual(1e-6);
    expect(Math.abs((odd.value as number[])[1] - 1)).toBeLessThanOrEqual(1e-5);
    // tanh at 30 is flat to both precisions: the 0 is saturation (exact: 4·e^−60 ≈ 3.5e-26)
    const sat = await ctx().numericalDiff('tanh(x)', 30, { detail: true, warn: false });
    expect(sat.status).not.toBe('ok');
  });
});

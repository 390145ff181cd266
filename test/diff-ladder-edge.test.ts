// The coarse end of the ladder: an entry there has one neighbour, which can agree with it by
// coincidence. sin(x)·exp(−x²/4) at 2.7238899 did so in float32 (the coarsest step, 1.36,
// matched its neighbour to 1e-6 while both were 1e-3 off, under an estimate of 5e-6). The
// derivative is written here; points around it too, and the estimate must cover the error.
import { expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';

const df = (x: number) => Math.exp(-x * x / 4) * (Math.cos(x) - (x / 2) * Math.sin(x));

describeBackends('ladder: the coarse end is no surer than its neighbour', (ctx, kind) => {
  it('sin(x)·exp(−x²/4) near 2.72: accurate, and the estimate covers the error', async () => {
    const xs = [2.7238899, 2.7, 2.71, 2.72, 2.73, 2.74, 2.75, 0.3, -1.7, 5.5];
    const d = await ctx().numericalDiff('sin(x)*exp(-x^2/4)', xs, { detail: true, warn: false });
    for (let i = 0; i < xs.length; i++) {
      const v = (d.value as number[])[i], e = (d.error as number[])[i];
      // float32: relative to max(|f'|, 0.1), f's own scale here
      const err = Math.abs(v - df(xs[i]));
      expect(err, `x = ${xs[i]}`).toBeLessThanOrEqual((kind === 'cpu' ? 1e-10 : 2e-5) * Math.max(Math.abs(df(xs[i])), 0.1));
      expect(err, `estimate at x = ${xs[i]}`).toBeLessThanOrEqual(Math.max(e, kind === 'cpu' ? 1e-15 : 1e-9));
    }
  });
});

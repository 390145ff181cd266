// ctx.gradCheck on both backends: nets (default analytic = backprop, exact with the 1e-7),
// expressions (symbolic gradient), a user analytic with one sign flipped (caught and named),
// non-finite values listed, and shape errors on the analytic argument.
import { describe, expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';
import { rng, seedFromEnv, uniform } from './helpers/random';
import { ArgumentError } from '../src/core/errors';

const seed = seedFromEnv('gradcheck');
const rows = (v: number[], cols: number) => Array.from({ length: v.length / cols }, (_, r) => v.slice(r * cols, (r + 1) * cols));

describeBackends('gradCheck', (ctx, kind) => {
  const setup = () => {
    const r = rng(seed);
    const net = ctx().twoLayerNet({ inputSize: 12, hiddenSize: 7, outputSize: 5, seed: seed % 1000, weightInitStd: 0.5 });
    const x = rows(uniform(r, 20 * 12, 0, 1), 12);
    const t = Array.from({ length: 20 }, () => Math.floor(r() * 5));
    return { net, x, t };
  };

  it('passes for the net against its own backprop, and reports norms and h', async () => {
    const { net, x, t } = setup();
    const rep = await ctx().gradCheck(net, x, t);
    console.log(`[gradcheck] ${kind}\n${rep.toString()}`);
    expect(rep.ok).toBe(true);
    expect(rep.failing).toBe(0);
    expect(rep.count).toBe(12 * 7 + 7 + 7 * 5 + 5);
    expect(rep.normRel).toBeLessThan(kind === 'cpu' ? 1e-7 : 1e-5);
    expect(rep.h).toBe(1e-4);
    expect(rep.nonFinite).toEqual([]);
    expect(rep.toString()).toMatch(/gradCheck OK/);
    net.dispose();
  });

  it('a function undefined near x is reported (failing, non-finite listed), not thrown; tolerances print rounded', async () => {
    // log(x0) at −1: no real value; the analytic 1/x0 = −1 is finite, the numerical one NaN
    const rep = await ctx().gradCheck('log(x0) + x1^2', [-1, 3], { rtol: 0.0004844363561914671 });
    expect(rep.ok).toBe(false);
    // f is NaN wherever x0 < 0, so both numerical components are; the analytic ones are −1 and 6
    expect(rep.nonFinite.map((e) => e.index)).toEqual([[0], [1]]);
    expect(rep.nonFinite.map((e) => e.analytic)).toEqual([-1, 6]);
    expect(rep.nonFinite.every((e) => Number.isNaN(e.numerical))).toBe(true);
    const text = rep.toString();
    expect(text).toMatch(/gradCheck FAILED/);
    expect(text).toMatch(/not finite/);
    expect(text).toContain('rtol 4.84e-4');
    expect(text).not.toContain('0.0004844363561914671');
    expect(rep.count).toBe(2);
    expect(rep.failing).toBe(2);
    // where f is defined nearby, the same check passes: log(x0) + x1² at (1e-3, 3)
    expect((await ctx().gradCheck('log(x0) + x1^2', [1e-3, 3])).ok).toBe(true);
  });

  it('catches a single sign-flipped element of a user analytic gradient and names it', async () => {
    const { net, x, t } = setup();
    const g = await net.gradient(x, t);
    const W1 = g.W1.map((r) => r.slice());
    // flip an element of ordinary size (the median magnitude of W1)
    const mags = W1.flat().map(Math.abs).sort((a, b) => a - b);
    const med = mags[Math.floor(mags.length / 2)];
    let at: [number, number] = [0, 0];
    W1.forEach((row, i) => row.forEach((v, j) => { if (Math.abs(v) === med) at = [i, j]; }));
    W1[at[0]][at[1]] *= -1;
    const rep = await ctx().gradCheck(net, x, t, { analytic: { ...g, W1 } });
    console.log(`[gradcheck] sign flip at W1[${at[0]}][${at[1]}] (${kind})\n${rep.toString()}`);
    expect(rep.ok).toBe(false);
    expect(rep.failing).toBe(1);
    expect(rep.worst!.param).toBe('W1');
    expect(rep.worst!.index).toEqual(at);
    expect(rep.worst!.relError).toBeCloseTo(2, 2);
    expect(rep.toString()).toContain(`W1[${at[0]}][${at[1]}]`);
    net.dispose();
  });

  it('lists non-finite analytic values and rejects a wrongly shaped analytic', async () => {
    const { net, x, t } = setup();
    const g = await net.gradient(x, t);
    const rep = await ctx().gradCheck(net, x, t, { analytic: { ...g, b2: [NaN, 0, 0, 0, Infinity].map((v, i) => (i ? (i === 4 ? v : g.b2[i]) : v)) } });
    expect(rep.ok).toBe(false);
    expect(rep.nonFinite.map((e) => [e.param, e.index[0]])).toEqual([['b2', 0], ['b2', 4]]);
    const err = await ctx().gradCheck(net, x, t, { analytic: { ...g, W2: [[1, 2]] } }).catch((e) => e);
    expect(err).toBeInstanceOf(ArgumentError);
    expect(err.message).toMatch(/analytic\.W2.*\[7, 5\].*\[1, 2\]/);
    net.dispose();
  });

  it('SimpleNet: the book example checks out; analytic given as a plain matrix', async () => {
    const net = ctx().simpleNet({ W: [[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]] });
    const rep = await ctx().gradCheck(net, [0.6, 0.9], [0, 0, 1]);
    expect(rep.ok).toBe(true);
    const bad = await ctx().gradCheck(net, [0.6, 0.9], [0, 0, 1], { analytic: [[0.21924763, 0.14356247, 0.36281009], [0.32887144, 0.2153437, -0.54421514]] });
    expect(bad.failing).toBe(1);
    expect(bad.worst).toMatchObject({ param: 'W', index: [0, 2] });
    net.dispose();
  });

  it('an expression against its symbolic gradient; a flipped component is caught', async () => {
    const f = ctx().fn('x0^2 * x1 + sin(x1)');
    const ok = await ctx().gradCheck(f, [1.5, -0.7]);
    expect(ok.ok).toBe(true);
    const bad = await ctx().gradCheck(f, [1.5, -0.7], { analytic: [2 * 1.5 * -0.7, -(1.5 ** 2 + Math.cos(-0.7))] });
    expect(bad.ok).toBe(false);
    expect(bad.worst).toMatchObject({ param: 'x', index: [1] });
  });
});

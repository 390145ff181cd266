// net.train() reports progress between evaluation points (timed reports, `evaluated: false`)
// and, on the CPU path, yields to the event loop so timers run during a long training (the
// CLI's progress bar redraws from a timer). Strict options. Seeds printed.
import { expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';
import { rng, seedFromEnv, uniform } from './helpers/random';
import { ArgumentError } from '../src/core/errors';
import type { TrainProgress } from '../src/index';

const seed = seedFromEnv('train-progress');

function blobs(n: number, dim: number, s: number) {
  const r = rng(s);
  const x = Array.from({ length: n }, () => uniform(r, dim));
  const t = x.map((row) => (row.reduce((a, v) => a + v, 0) > 0 ? 1 : 0));
  return { x, t };
}

describeBackends('train() progress', (ctx, kind) => {
  it('timed reports between evaluation points: counts increase, accuracies repeat the last evaluation, timers fire', async () => {
    const d = blobs(300, 16, seed);
    const net = ctx().twoLayerNet({ inputSize: 16, hiddenSize: 32, outputSize: 2, seed: 1 });
    const seen: TrainProgress[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      // each report takes 25 ms (a slow UI), so the next step is always past progressEvery:
      // the timed reports do not depend on how fast this machine trains
      const busy = (ms: number) => { const end = performance.now() + ms; while (performance.now() < end); };
      const res = await net.train({ data: { xTrain: d.x, tTrain: d.t }, iters: 20, batchSize: 50, gradient: 'numerical', evalEvery: 10, seed: 2, progressEvery: 20,
        onProgress: (p) => { seen.push(p); busy(25); } });
      expect(res.lossHistory).toHaveLength(20);
      const evaluated = seen.filter((p) => p.evaluated).map((p) => p.iter);
      expect(evaluated).toEqual([1, 11, 20]);
      const timed = seen.filter((p) => !p.evaluated);
      expect(timed.length).toBeGreaterThan(0);
      for (let k = 1; k < seen.length; k++) expect(seen[k].iter).toBeGreaterThan(seen[k - 1].iter);
      for (const p of timed) {
        const lastEval = [...seen].reverse().find((q) => q.evaluated && q.iter < p.iter)!;
        expect(p.trainAcc).toBe(lastEval.trainAcc);
        expect(Number.isFinite(p.loss)).toBe(true);
        if (kind === 'cpu') expect(p.loss).toBe(res.lossHistory[p.iter - 1]); // the CPU reports the current batch loss
        expect(p.itersPerSec).toBeGreaterThan(0);
      }
      expect(ticks, 'a 5 ms interval ran during training').toBeGreaterThan(2);
    } finally {
      clearInterval(timer);
      net.dispose();
    }
  });

  it('progressEvery: 0 reports only evaluation points; bad options are ArgumentErrors naming the key', async () => {
    const d = blobs(60, 4, seed + 1);
    const net = ctx().twoLayerNet({ inputSize: 4, hiddenSize: 5, outputSize: 2, seed: 1 });
    try {
      const seen: boolean[] = [];
      await net.train({ data: { xTrain: d.x, tTrain: d.t }, iters: 10, batchSize: 10, evalEvery: 5, progressEvery: 0, onProgress: (p) => seen.push(p.evaluated) });
      expect(seen).toEqual([true, true, true]); // iterations 1, 6 and 10
      const bad = async (opts: object, key: string) => {
        const e = await net.train({ data: { xTrain: d.x, tTrain: d.t }, iters: 2, ...opts }).catch((x) => x);
        expect(e).toBeInstanceOf(ArgumentError);
        expect((e as ArgumentError).message).toContain(key);
      };
      await bad({ progressEvery: -1 }, 'progressEvery');
      await bad({ progressEvery: Infinity }, 'progressEvery');
      await bad({ onProgress: 42 }, 'onProgress');
      await bad({ evalEvry: 3 }, 'evalEvry');
      // the net still trains after the refused calls
      const r = await net.train({ data: { xTrain: d.x, tTrain: d.t }, iters: 3, batchSize: 10 });
      expect(r.lossHistory).toHaveLength(3);
    } finally {
      net.dispose();
    }
  });
});

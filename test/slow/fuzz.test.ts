// Property-based fuzzing (fast-check, seeded; the seed is printed): any string given to ctx.fn
// either compiles or fails with an ExprError, quickly; any expression of the grammar runs on
// both backends and either returns numbers or fails with a NumgradError, never a raw error,
// and leaves the GPU pool as it found it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createContext, ExprError, NumgradError } from '../../src/entry-node';
import { webgpuAdapter } from '../helpers/backends';
import { seedFromEnv } from '../helpers/random';

const seed = seedFromEnv('fuzz');
const RUNS = 300;

const atom = fc.oneof(
  fc.constantFrom('x0', 'x1', 'x', '1', '0', '2.5', '1e-30', '1e30', '3e38', '0.1'),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => String(Math.abs(v))),
);
const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small' },
    atom,
    fc.tuple(tie('expr'), fc.constantFrom('+', '-', '*', '/', '^'), tie('expr')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(fc.constantFrom('exp', 'log', 'sqrt', 'sin', 'cos', 'tan', 'tanh', 'sigmoid', 'abs'), tie('expr')).map(([f, a]) => `${f}(${a})`),
    tie('expr').map((a) => `-${a}`),
  ),
}));
/** Strings made of the expression alphabet, so the parser sees near-misses, not only noise. */
const noise = fc.string({ unit: fc.constantFrom(...'x01239.e+-*/^()[], sumexplogsqrtn'.split('')), maxLength: 40 });

describe('fuzz: ctx.fn', () => {
  it(`any string compiles or is an ExprError, within 100 ms (${RUNS} cases)`, async () => {
    const ctx = await createContext({ backend: 'cpu' });
    fc.assert(fc.property(fc.oneof(noise, expr, fc.string({ maxLength: 30 })), (s) => {
      const t0 = performance.now();
      try {
        ctx.fn(s);
      } catch (e) {
        expect(e).toBeInstanceOf(ExprError);
        expect(e).toBeInstanceOf(NumgradError);
      }
      expect(performance.now() - t0).toBeLessThan(100);
    }), { seed, numRuns: RUNS });
  });
});

describe('fuzz: gradients of random expressions', () => {
  it.each(webgpuAdapter || process.env.REQUIRE_WEBGPU === '1' ? ['cpu', 'webgpu'] as const : ['cpu'] as const)(
    `%s: numbers or a NumgradError, never a raw error; the pool is left as it was (${RUNS / 3} cases)`,
    async (backend) => {
      const ctx = await createContext({ backend });
      const pool = ctx.runtime?.pool;
      await fc.assert(fc.asyncProperty(expr, fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }), async (s, a, b) => {
        let f;
        try {
          f = ctx.fn(s, { n: 2 });
        } catch (e) {
          expect(e).toBeInstanceOf(ExprError); // e.g. 'x' with n given
          return;
        }
        const before = pool?.bytesInUse ?? 0;
        try {
          const g = (await ctx.numericalGradient(f, [a, b], { warn: false })) as number[];
          expect(g).toHaveLength(2);
          for (const v of g) expect(typeof v).toBe('number');
        } catch (e) {
          expect(e).toBeInstanceOf(NumgradError);
        }
        expect(pool?.bytesInUse ?? 0).toBe(before);
      }), { seed, numRuns: RUNS / 3 });
      await ctx.dispose();
    },
  );
});

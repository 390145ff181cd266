// The test oracle itself: compareClose / isClose against numpy.isclose / numpy.allclose
// semantics, |a − b| ≤ atol + rtol·|b| element by element, non-finite values equal only to
// themselves, NaN only with equalNan, shapes equal. Every expected boolean below is worked out
// by hand from that formula (not by calling the code under test), with values chosen so the
// arithmetic is exact in binary where a case sits on the boundary.
import { describe, expect, it } from 'vitest';
import { closeExcess, compareClose, isClose, type CloseOptions, type Numeric } from '../src/features/check/allclose';
import { expectAllclose } from './helpers/allclose';
import { verifyGradient } from '../src/features/diff/verify';
import { makeExpr } from '../src/functions/fn';
import type { GradientJob, GradientOut } from '../src/features/diff/jobs';

const ok = (a: Numeric, b: Numeric, o?: CloseOptions) => compareClose(a, b, o).ok;

describe('the four cases that used to pass', () => {
  // Before: tol = atol + rtol·|Inf| = Inf and |5 − Inf| = |−Inf − Inf| = |0 + Inf| = Inf ≤ Inf,
  // and both sides were flattened before comparing, so any shapes with the same count matched.
  it('5 vs Infinity fails', () => {
    expect(ok([5], [Infinity])).toBe(false);
    expect(ok(5, Infinity, { rtol: 1, atol: 1e300 })).toBe(false); // no finite tolerance reaches Inf
    expect(ok([Infinity], [5])).toBe(false);
    expect(() => expectAllclose([5], [Infinity])).toThrow(/\[0\].*actual 5 expected Infinity/);
  });

  it('−Infinity vs Infinity fails (and Infinity vs Infinity passes)', () => {
    expect(ok([-Infinity], [Infinity])).toBe(false);
    expect(ok([Infinity], [-Infinity])).toBe(false);
    expect(ok([Infinity], [Infinity])).toBe(true);
    expect(ok([-Infinity, 1], [-Infinity, 1], { rtol: 0, atol: 0 })).toBe(true);
  });

  it('0 vs −Infinity fails at rtol 1e-12', () => {
    expect(ok([0], [-Infinity], { rtol: 1e-12 })).toBe(false);
    expect(ok([0], [-Infinity], { rtol: 1e-12, atol: 0 })).toBe(false);
    expect(() => expectAllclose([0], [-Infinity], { rtol: 1e-12 })).toThrow(/an infinity only equals itself/);
  });

  it('[[1,2,3]] vs [[1],[2],[3]] fails: shapes must match', () => {
    const r = compareClose([[1, 2, 3]], [[1], [2], [3]]);
    expect(r.ok).toBe(false);
    expect(r.actualShape).toEqual([1, 3]);
    expect(r.expectedShape).toEqual([3, 1]);
    expect(r.message).toMatch(/shape mismatch: actual shape \[1, 3\], expected shape \[3, 1\]/);
    expect(() => expectAllclose([[1, 2, 3]], [[1], [2], [3]], {}, 'W')).toThrow(/^W: shape mismatch/);
  });
});

describe('isClose element by element, against numpy.isclose worked by hand', () => {
  // [a, b, rtol, atol, equalNan, expected]; tol = atol + rtol·|b|
  const table: [number, number, number, number, boolean, boolean][] = [
    [1, 1, 0, 0, false, true], //                       exact equality needs no tolerance
    [-0, 0, 0, 0, false, true], //                      −0 == 0
    [1.5, 1, 0, 0.5, false, true], //                   |0.5| ≤ 0.5: the boundary is inclusive (exact in binary)
    [1.5 + 2 ** -52, 1, 0, 0.5, false, false], //       one ulp past it
    [1, 2, 0.5, 0, false, true], //                     |−1| ≤ 0.5·|2| = 1: relative to b …
    [2, 1, 0.5, 0, false, false], //                    … not to a: |1| > 0.5·|1| (numpy is asymmetric)
    [1 + 1e-6, 1, 1e-5, 1e-8, false, true], //          1e-6 ≤ 1.001e-5: within rtol
    [1 + 2e-5, 1, 1e-5, 1e-8, false, false], //         2e-5 > 1.001e-5
    [-100, -100.5, 0.01, 0, false, true], //            0.5 ≤ 1.005
    [1e-9, 0, 1e-5, 1e-8, false, true], //              near 0 only atol helps: 1e-9 ≤ 1e-8
    [2e-8, 0, 1e-5, 1e-8, false, false], //             2e-8 > 1e-8
    [1e-300, 0, 1e-5, 0, false, false], //              atol 0: nothing but 0 is close to 0
    [Infinity, Infinity, 0, 0, false, true],
    [-Infinity, -Infinity, 0, 0, false, true],
    [Infinity, -Infinity, 1, 1, false, false],
    [5, Infinity, 1e-5, 1e-8, false, false],
    [Infinity, 5, 1e-5, 1e-8, false, false],
    [0, -Infinity, 1e-12, 1e-8, false, false],
    [1.7976931348623157e308, Infinity, 1, 1e308, false, false], // the largest double is still finite
    [NaN, NaN, 1, 1, false, false], //                  NaN never equals NaN …
    [NaN, NaN, 0, 0, true, true], //                    … unless equalNan
    [NaN, 1, 1, 1, true, false], //                     equalNan does not make NaN equal a number
    [1, NaN, 1, 1, true, false],
    [NaN, Infinity, 1, 1, true, false],
  ];
  it.each(table)('isClose(%s, %s, rtol %s, atol %s, equalNan %s) is %s', (a, b, rtol, atol, equalNan, want) => {
    expect(isClose(a, b, rtol, atol, equalNan)).toBe(want);
    expect(compareClose([a], [b], { rtol, atol, equalNan }).ok).toBe(want);
    // the excess agrees where the tolerance is positive: close ⇔ excess ≤ 1
    if (atol + rtol * Math.abs(b) > 0) expect(closeExcess(a, b, rtol, atol, equalNan) <= 1).toBe(want);
  });

  it('a mixed array: failing counts the false entries, the worst is the first infinite excess', () => {
    const o = { rtol: 1e-5, atol: 1e-8 };
    const a = [1, 1 + 1e-6, 1 + 2e-5, 1e-9, 2e-8, Infinity, 5, NaN];
    const b = [1, 1, 1, 0, 0, Infinity, Infinity, NaN];
    const want = [true, true, false, true, false, true, false, false];
    expect(a.map((v, i) => isClose(v, b[i], o.rtol, o.atol))).toEqual(want);
    const r = compareClose(a, b, o);
    expect(r).toMatchObject({ ok: false, failing: 4, count: 8, worstIndex: 6, worstAt: [6], worstExcess: Infinity });
    expect(r.message).toMatch(/^4 of 8 elements not close \(rtol=1e-5, atol=1e-8; actual shape \[8\], expected shape \[8\]\)/);
    // 5 vs Inf and NaN vs NaN have infinite excess (listed in index order), then [4]: 2e-8 / 1e-8 = 2,
    // then [2]: (2e-5 + 5.8e-17) / 1.001e-5 = 1.998
    expect(r.message.split('\n').slice(1).map((l) => l.trim().split(' ')[0])).toEqual(['[6]', '[7]', '[4]', '[2]']);
    expect(compareClose(a, b, { ...o, equalNan: true }).failing).toBe(3);
  });

  it('numpy defaults rtol 1e-5, atol 1e-8', () => {
    expect(ok([1 + 1e-5], [1])).toBe(true); //  1e-5 (+ rounding 7e-17) ≤ 1.001e-5
    expect(ok([1 + 1.1e-5], [1])).toBe(false); // 1.1e-5 > 1.001e-5
    expect(ok([5e-9], [0])).toBe(true);
    expect(ok([2e-8], [0])).toBe(false);
  });
});

describe('compareClose reports', () => {
  it('exact equality: ok, zero errors, and the shapes in the message', () => {
    const r = compareClose([[1, 2], [3, 4]], [[1, 2], [3, 4]], { rtol: 0, atol: 0 });
    expect(r).toMatchObject({ ok: true, failing: 0, count: 4, maxAbs: 0, maxRel: 0, actualShape: [2, 2], expectedShape: [2, 2] });
    expect(r.message).toMatch(/all 4 elements close \(actual shape \[2, 2\], expected shape \[2, 2\]/);
  });

  it('maxAbs / maxRel and the worst element, by multi-index, also when all pass', () => {
    // rtol 0.5: element [1][0] has |2.5 − 2| = 0.5 ≤ 1 (excess 0.5), element [0][1] 0.25 ≤ 0.5·4 = 2 (excess 0.125)
    const r = compareClose([[1, 4.25], [2.5, 8]], [[1, 4], [2, 8]], { rtol: 0.5, atol: 0 });
    expect(r).toMatchObject({ ok: true, maxAbs: 0.5, maxRel: 0.25, worstIndex: 2, worstAt: [1, 0], worstExcess: 0.5 });
    const bad = compareClose([[1, 4.25], [2.5, 8]], [[1, 4], [2, 8]], { rtol: 0.1, atol: 0 });
    // tol [0.4, 0.2]: [0][1] 0.25 > 0.4? no; [1][0] 0.5 > 0.2: fails with excess 2.5
    expect(bad).toMatchObject({ ok: false, failing: 1, worstIndex: 2, worstAt: [1, 0], worstExcess: 2.5 });
    expect(bad.message).toMatch(/1 of 4 elements not close \(rtol=0.1, atol=0; actual shape \[2, 2\], expected shape \[2, 2\]\); worst:\n {2}\[1\]\[0\] \(flat 2\): actual 2.5 expected 2 \(\|diff\| 5.000e-1 > allowed 2.000e-1\)/);
  });

  it('scalars compare as shape []', () => {
    expect(compareClose(3, 3 + 1e-12, { rtol: 1e-11 })).toMatchObject({ ok: true, actualShape: [], expectedShape: [] });
    expect(compareClose(3, 3.1, { rtol: 0, atol: 0.05 }).message).toMatch(/\(scalar\) \(flat 0\): actual 3 expected 3.1/);
  });

  it('shape mismatches fail, with both shapes: no broadcasting, not even of a scalar', () => {
    const cases: [Numeric, Numeric, string][] = [
      [[1, 2, 3], [[1, 2, 3]], 'actual shape \\[3\\], expected shape \\[1, 3\\]'],
      [[[1, 2], [3, 4], [5, 6]], [[1, 2, 3], [4, 5, 6]], 'actual shape \\[3, 2\\], expected shape \\[2, 3\\]'],
      [[1], 1, 'actual shape \\[1\\], expected shape \\[\\]'],
      [[2, 2], 2, 'actual shape \\[2\\], expected shape \\[\\]'],
      [Float64Array.of(1, 2, 3, 4, 5, 6), [[1, 2, 3], [4, 5, 6]], 'actual shape \\[6\\], expected shape \\[2, 3\\]'],
      [[1, 2], [1, 2, 3], 'actual shape \\[2\\], expected shape \\[3\\]'],
      [[[]], [], 'actual shape \\[1, 0\\], expected shape \\[0\\]'],
    ];
    for (const [a, b, shapes] of cases) {
      const r = compareClose(a, b);
      expect(r.ok, shapes).toBe(false);
      expect(r.message).toMatch(new RegExp(`shape mismatch: ${shapes}`));
    }
  });

  it('typed arrays have shape [length]; nested typed rows work; empty equals empty', () => {
    expect(ok(Float32Array.of(1, 2, 3), [1, 2, 3], { rtol: 0, atol: 0 })).toBe(true);
    expect(ok([Float64Array.of(1, 2), Float64Array.of(3, 4)], [[1, 2], [3, 4]], { rtol: 0, atol: 0 })).toBe(true);
    expect(ok([], [])).toBe(true);
    // float32 rounding is visible: fround(0.1) − 0.1 = 1.49e-9 > 0 + 1e-9·0.1
    expect(ok(Float32Array.of(0.1), [0.1], { rtol: 1e-9, atol: 0 })).toBe(false);
  });

  it('ragged or non-numeric input fails with a message instead of being flattened', () => {
    const r = compareClose([[1, 2], [3]], [[1, 2], [3, 4]]);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/actual is ragged: actual\[0\] has shape \[2\], actual\[1\] has shape \[1\]/);
    // flattened, [[1, 2], [3]] vs [[1], [2, 3]] would have matched element for element
    expect(ok([[1, 2], [3]], [[1], [2, 3]])).toBe(false);
    expect(compareClose([1, undefined as unknown as number], [1, 2]).message).toMatch(/actual\[1\] is undefined, not a number/);
    expect(compareClose([1, 2], [1, '2' as unknown as number]).message).toMatch(/expected\[1\] is string/);
  });

  it('refuses a tolerance that is negative, NaN or infinite (Infinity would pass every finite pair)', () => {
    expect(() => compareClose([1], [1], { rtol: -1 })).toThrow(/numgrad: rtol: must be a finite number ≥ 0/);
    expect(() => compareClose([1], [1], { atol: NaN })).toThrow(/numgrad: atol: must be a finite number ≥ 0/);
    expect(() => compareClose([1], [1], { atol: Infinity })).toThrow(/atol: must be a finite number ≥ 0, got Infinity/);
  });
});

describe('one comparison: expectAllclose and verify both go through compareClose', () => {
  it('expectAllclose throws exactly compareClose\'s message', () => {
    const a = [[1, 2], [3, 4.5]], b = [[1, 2], [3, 4]];
    expect(() => expectAllclose(a, b, { rtol: 0.1 }, 'm')).toThrow(`m: ${compareClose(a, b, { rtol: 0.1 }).message}`);
    expect(() => expectAllclose(a, b, { rtol: 0.2 })).not.toThrow(); // 0.5 ≤ 1e-8 + 0.8
  });

  // verify on the CPU backend compares the given gradient with the symbolic one
  const job = (expr: string, x: number[]): GradientJob => ({
    f: makeExpr(expr), x: Float64Array.from(x), rows: 1, n: x.length, pointShape: [x.length], h: 'auto', stencil: 3,
  });

  const out = (g: number[], err?: number[]): GradientOut => ({ grad: Float64Array.from(g), vanished: [], vanishedCount: 0, error: err ? Float64Array.from(err) : undefined });

  it('verify judges each element with isClose at its own tolerance: 2·(error estimates) + a floor scaled to the values', () => {
    const j = job('x0^2 + x1^2', [3, 4]); // symbolic gradient (6, 8)
    const floor = 16 * 2 ** -52 * 8;
    expect(verifyGradient(j, out([6, 8]), 'cpu')).toMatchObject({ ok: true, failing: 0, reference: 'symbolic', atol: floor });
    expect(verifyGradient(j, out([6, 8 + 1e-9]), 'cpu')).toMatchObject({ ok: false, worstIndex: 1, failing: 1 }); // no estimate: floor only
    expect(verifyGradient(j, out([6, 8 + 1e-9], [0, 1e-9]), 'cpu')).toMatchObject({ ok: true, worstIndex: 1 }); // 1e-9 ≤ 2e-9 + floor
    expect(verifyGradient(j, out([6, 8 + 3e-9], [0, 1e-9]), 'cpu')).toMatchObject({ ok: false, worstIndex: 1 }); // 3e-9 > 2e-9 + floor
    expect(verifyGradient(j, out([NaN, 8]), 'cpu')).toMatchObject({ ok: false, worstIndex: 0 });
    // all pass: the worst is still named (the one nearest its tolerance)
    expect(verifyGradient(j, out([6 + 1e-15, 8 + 1e-13], [1e-12, 1e-12]), 'cpu')).toMatchObject({ ok: true, worstIndex: 1 });
  });

  it('verify: a finite gradient is not close to an infinite reference (it was: atol became Infinity)', () => {
    const j = job('sqrt(x0)', [0]); // symbolic d/dx √x at 0 is Infinity
    expect(verifyGradient(j, out([1e6]), 'cpu')).toMatchObject({ ok: false, atol: expect.any(Number) });
    expect(Number.isFinite(verifyGradient(j, out([1e6]), 'cpu').atol)).toBe(true);
    expect(verifyGradient(j, out([Infinity]), 'cpu').ok).toBe(true); // the same infinity
  });
});

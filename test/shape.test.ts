import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../src/core/errors';
import { nest, readPoints, readTensor, unravel } from '../src/core/input';

describe('readTensor', () => {
  it('reads numbers, nested arrays of any depth and typed arrays with their shape', () => {
    expect(readTensor(5, 'x')).toEqual({ data: Float64Array.of(5), shape: [] });
    expect(readTensor([3, 4], 'x').shape).toEqual([2]);
    const t = readTensor([[[1, 2], [3, 4], [5, 6]]], 'x');
    expect(t.shape).toEqual([1, 3, 2]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(readTensor(Float32Array.of(1, 2, 3, 4, 5, 6), 'x', [2, 3]).shape).toEqual([2, 3]);
    expect(readTensor(Float64Array.of(1, 2), 'x').shape).toEqual([2]);
  });

  it.each([
    [[[1, 2], [3]], /x: ragged: x\[1\] is an array of length 1, expected an array of length 2/],
    [[1, [2]], /x\[1\] is an array of length 1; expected a number \(ragged/],
    [[[1, 2], 3], /ragged: x\[1\] is 3/],
    [[1, 'a'], /x\[1\] is a string \("a"\)/],
    [[[1, NaN]], /x\[0\]\[1\] \(flat index 1\) is NaN/],
    [[1, Infinity], /x\[1\] \(flat index 1\) is Infinity/],
    [[], /x is empty/],
    [[[]], /x\[0\] is empty/],
    [null, /expected a number, a \(nested\) array/],
    [NaN, /x: is NaN/],
  ])('rejects %j with an error naming the element', (x, msg) => {
    const e = (() => { try { readTensor(x, 'x'); } catch (err) { return err; } })();
    expect(e).toBeInstanceOf(ArgumentError);
    expect((e as ArgumentError).argument).toBe('x');
    expect((e as Error).message).toMatch(msg);
  });

  it('rejects a shape that does not fit the typed array, and non-finite typed values', () => {
    expect(() => readTensor(Float32Array.of(1, 2, 3), 'x', [2, 2])).toThrow(/shape \[2, 2\] does not fit a typed array of 3/);
    expect(() => readTensor(Float64Array.of(1, NaN, 3, 4), 'x', [2, 2])).toThrow(/x\[0\]\[1\] \(flat index 1\) is NaN/);
    expect(() => readTensor([1, 2], 'x', [2])).toThrow(/only for typed arrays/);
  });
});

describe('readPoints', () => {
  const t = (x: unknown) => readTensor(x, 'x');
  it('x with exactly n numbers is one point, in any nesting', () => {
    const p = readPoints(t([[1, 2, 3], [4, 5, 6]]), 6, undefined);
    expect(p).toMatchObject({ rows: 1, n: 6, batch: false, pointShape: [2, 3], shape: [2, 3] });
  });
  it('rows of n numbers are a batch', () => {
    expect(readPoints(t([[1, 2], [3, 4], [5, 6]]), 2, undefined)).toMatchObject({ rows: 3, n: 2, batch: true, pointShape: [2] });
    expect(readPoints(t([1, 2, 3]), 1, undefined)).toMatchObject({ rows: 3, n: 1, batch: true, pointShape: [] });
  });
  it('batch overrides; n null means one point unless batch: true', () => {
    expect(() => readPoints(t([[1, 2], [3, 4]]), 2, false)).toThrow(/shape \[2, 2\] \(4 numbers\) but f takes n = 2/);
    expect(readPoints(t([[1, 2], [3, 4]]), null, undefined)).toMatchObject({ rows: 1, n: 4 });
    expect(readPoints(t([[1, 2], [3, 4]]), null, true)).toMatchObject({ rows: 2, n: 2 });
    expect(readPoints(t([[1, 2], [3, 4]]), 4, undefined)).toMatchObject({ rows: 1, n: 4 });
  });
  it('a wrong size is an ArgumentError saying what fits', () => {
    expect(() => readPoints(t([1, 2, 3]), 2, undefined)).toThrow(/x: x has shape \[3\] \(3 numbers\) but f takes n = 2 parameters: give one point of 2 numbers/);
    expect(() => readPoints(t([[1, 2, 3]]), 2, true)).toThrow(/each row of x holds 3 numbers but f takes n = 2/);
    expect(() => readPoints(t(5), 1, true)).toThrow(/batch: true needs an array/);
  });
});

describe('nest / unravel', () => {
  it('rebuild plain nested arrays in the input shape', () => {
    expect(nest([7], [])).toBe(7);
    expect(nest([1, 2, 3, 4, 5, 6], [2, 3])).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(nest([1, 2, 3, 4, 5, 6, 7, 8], [2, 2], 4)).toEqual([[5, 6], [7, 8]]);
    expect(unravel(5, [2, 3])).toEqual([1, 2]);
  });
});

import { compareClose, type CloseOptions, type Numeric } from '../../src/features/check/allclose';

/** Throws with the worst indices and both values when `actual` is not close to `expected`. */
export function expectAllclose(actual: Numeric, expected: Numeric, opts: CloseOptions = {}, what = 'values'): void {
  const r = compareClose(actual, expected, opts);
  if (!r.ok) throw new Error(`${what}: ${r.message}`);
}

/** ‖a − b‖ / ‖b‖ over flat arrays. */
export function normRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

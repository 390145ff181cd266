// A net's numerical gradient with entries that are not finite is said so, never handed back
// silently: with inputs or weights so large that h·x moves a unit past float range (or a
// sigmoid that saturated to exactly 0 or 1 in the working precision), the loss change is
// Inf − Inf on either path.
import type { FlatParams } from './ops';

/** The warning for g's non-finite entries (null when all are finite); `names`/`shapes` of the parameters in g's order. */
export function nonFiniteWarning(g: FlatParams, params: readonly { name: string; shape: readonly number[] }[], h: number, backend: string): string | null {
  let count = 0, total = 0;
  let first: string | null = null;
  g.forEach((p, k) => {
    total += p.length;
    for (let i = 0; i < p.length; i++) {
      if (Number.isFinite(p[i])) continue;
      if (count++ === 0) {
        const { name, shape } = params[k];
        first = shape.length === 2 ? `${name}[${Math.floor(i / shape[1])}][${i % shape[1]}] = ${p[i]}` : `${name}[${i}] = ${p[i]}`;
      }
    }
  });
  if (count === 0) return null;
  return `numgrad: ${count} of ${total} entries of the numerical gradient are not finite (first ${first}; h = ${h}, ${backend}): ` +
    'the inputs or weights are so large that a unit saturates or the loss change overflows at w ± h; scale the inputs or use a smaller h';
}

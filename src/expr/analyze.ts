// What the parsed expression reads: the largest fixed index (x3) and, through the bounds of
// the sums around it, the largest computed index (x[i+1] for i ≤ 8 reads x9), so n can be
// inferred for sums with constant bounds.
import { children, type IVar, type Node } from './ast';
import { ExprError } from './errors';
import { interval } from './iexpr';

export interface Analysis {
  /** largest fixed index used (x3, x[3]), -1 if none */
  maxIndex: number;
  /** column of the variable with the largest index, for error messages */
  maxIndexCol: number;
  /** largest index a computed read x[...] reaches when its sums have constant bounds, -1 if none */
  maxRead: number;
  maxReadCol: number;
}

export function analyze(ast: Node, src: string, usesLen: boolean): Analysis {
  const out: Analysis = { maxIndex: -1, maxIndexCol: 0, maxRead: -1, maxReadCol: 0 };
  const bounds = new Map<number, [number, number] | null>();
  const env = (v: IVar) => bounds.get(v.id) ?? null;
  const go = (n: Node): void => {
    switch (n.k) {
      case 'var':
        if (n.i > out.maxIndex) { out.maxIndex = n.i; out.maxIndexCol = n.col ?? 0; }
        return;
      case 'xat': {
        const r = interval(n.idx, env);
        if (r && r[1] > out.maxRead) { out.maxRead = r[1]; out.maxReadCol = n.col ?? 0; }
        if (r && r[0] < 0 && r[1] < 0 && !usesLen) {
          throw new ExprError(src, n.col ?? 0, 'a non-negative index', `x[...] at column ${n.col} only reads negative indices (${r[0]} to ${r[1]})`);
        }
        return;
      }
      case 'loop': {
        const lo = interval(n.lo, env), hi = interval(n.hi, env);
        bounds.set(n.v.id, lo && hi ? [lo[0], hi[1]] : null);
        go(n.body);
        return;
      }
      default:
        for (const c of children(n)) go(c);
    }
  };
  go(ast);
  return out;
}

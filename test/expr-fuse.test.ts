// The fused closures of the float64 evaluator (src/expr/eval-ops.ts: monomials c·x_i and
// c·x_i² folded into their neighbours, unary functions of a parameter) do the same operations
// in the same order as the plain closures, so they must give the same bits: random
// expressions (seeded), at random points and at 0, −0, ±inf, NaN and values that overflow.
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from '../src/expr/parser';
import { substLen } from '../src/expr/derivative';
import { closureScalar, compileScalar } from '../src/expr/eval';
import { fuseConfig } from '../src/expr/eval-ops';
import { compileExpr } from '../src/expr/index';
import { rng, seedFromEnv } from './helpers/random';

const seed = seedFromEnv('expr-fuse');
const N = 4;

function randomExpr(r: () => number, depth: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const atom = () => pick(['x0', 'x1', 'x2', 'x3', 'x0', 'x1', '0', '1', '2.5', '-3', '0.01', '1e300', '1e-300']);
  if (depth <= 0 || r() < 0.2) return atom();
  const a = () => randomExpr(r, depth - 1);
  switch (pick(['mono', 'mono', 'bin', 'bin', 'bin', 'pow', 'call', 'neg', 'chain'])) {
    case 'mono': return `${pick(['0.5', '-2', '1', '0', '3e200'])}*${pick(['x0', 'x1', 'x2', 'x3'])}${pick(['', '^2'])}`;
    case 'bin': return `(${a()} ${pick(['+', '-', '*', '/'])} ${a()})`;
    case 'pow': return `(${a()})^${pick(['2', '3', '0.5', '-1'])}`;
    case 'call': return `${pick(['exp', 'log', 'sqrt', 'sin', 'cos', 'tanh', 'abs', 'sigmoid', 'atan', 'cbrt'])}(${pick([a(), 'x0', 'x3'])})`;
    case 'neg': return `-${a()}`;
    default: return Array.from({ length: 2 + Math.floor(r() * 4) }, (_, k) => (k ? pick([' + ', ' - ']) : '') + a()).join('');
  }
}

function compiled(src: string, fuse: boolean) {
  fuseConfig.monomials = fuse;
  const ast = substLen(parse(src).ast, N);
  return [compileScalar(ast, new Map(), N), closureScalar(ast, new Map(), N)];
}

afterEach(() => {
  fuseConfig.monomials = true;
});

describe('fused closures give the plain closures\' bits', () => {
  it(`on random expressions (seed ${seed})`, () => {
    const r = rng(seed);
    const special = [0, -0, 1, -1, Infinity, -Infinity, NaN, 1e200, -1e200, 5e-324];
    let compared = 0, fusedSomewhere = 0;
    for (let e = 0; e < 400; e++) {
      const src = randomExpr(r, 4);
      const [plain, plainTree] = compiled(src, false);
      const [fused, fusedTree] = compiled(src, true);
      const points = [
        ...Array.from({ length: 6 }, () => Float64Array.from({ length: N }, () => (r() - 0.5) * 10 ** Math.floor(r() * 6 - 2))),
        ...Array.from({ length: 4 }, () => Float64Array.from({ length: N }, () => special[Math.floor(r() * special.length)])),
      ];
      for (const x of points) {
        const want = plain(x, 0);
        expect(Object.is(fused(x, 0), want), `'${src}' at [${Array.from(x)}]: fused ${fused(x, 0)}, plain ${want}`).toBe(true);
        expect(Object.is(fusedTree(x, 0), plainTree(x, 0)), `'${src}' (closure tree) at [${Array.from(x)}]`).toBe(true);
        compared++;
      }
      if (/\*x\d(\^2)?/.test(src)) fusedSomewhere++;
    }
    expect(compared).toBe(4000);
    expect(fusedSomewhere).toBeGreaterThan(100); // the generator does reach the fused shapes
  });

  it('the fused shapes against values written out', () => {
    const x = [0.3, -1.7, 2.5, 4];
    const cases: [string, number][] = [
      ['0.01*x0^2 + 0.1*x0', 0.01 * (0.3 * 0.3) + 0.1 * 0.3],
      ['x0^2 + x1^2', 0.3 * 0.3 + -1.7 * -1.7],
      ['x2^2*3 - x1*2', (2.5 * 2.5) * 3 - (-1.7) * 2],
      ['sin(x0) - 0.5*x3^2', Math.sin(0.3) - 0.5 * 16],
      ['exp(x1) + 2*x2', Math.exp(-1.7) + 2 * 2.5],
      ['7 - x3^2', 7 - 16],
      ['x0^2 - 1', 0.3 * 0.3 - 1],
      ['(1*x3)*0.01 + 0.5*x0', 4 * 0.01 + 0.5 * 0.3], // a coefficient on 1·x, not a square (seed 157962391)
    ];
    for (const [src, want] of cases) expect(compileExpr(src, { n: N }).evalJs(x), src).toBe(want);
  });
});

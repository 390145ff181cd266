// ns per float64 evaluation: how numgrad evaluates expressions now (no eval: closures, with
// every sum over an index on the block machine, src/expr/vm.ts), the closure tree alone (as
// before, src/expr/eval.ts with the machine off) and the `new Function` code numgrad generated
// before both (the same JS its old js.ts emitted: fully parenthesised arithmetic on locals,
// Math.pow for ^, reductions hoisted into for-loops), on the same parsed expressions.
// Run: npx vite-node bench/expr.js [--quick] [--no-fuse], or bundled as the library is (module accesses
// cost less): npx esbuild bench/expr.js --bundle --platform=node --format=esm
// --outfile=/tmp/expr-bench.mjs && node /tmp/expr-bench.mjs [--quick]
import { parse } from '../src/expr/parser.ts';
import { closureScalar, compileScalar } from '../src/expr/eval.ts';
import { substLen } from '../src/expr/derivative.ts';
import { fuseConfig } from '../src/expr/eval-ops.ts';

const quick = process.argv.includes('--quick');
// --no-fuse: without the fused monomial/unary-of-parameter closures (eval-ops.ts), for before/after
if (process.argv.includes('--no-fuse')) fuseConfig.monomials = false;

/** The pre-closure-tree code generator, on the current AST (for this comparison only). */
function legacy(ast) {
  const HELPERS = ['exp', 'log', 'sqrt', 'sin', 'cos', 'tan', 'tanh', 'abs', 'min', 'max', 'sign', 'pow'];
  const stmts = [];
  let tmp = 0;
  const idx = (e) => {
    switch (e.k) {
      case 'int': return String(e.v);
      case 'iv': return `j${e.v.id}`;
      case 'len': return 'L';
      case 'iop': return `(${idx(e.a)} ${e.op} ${idx(e.b)})`;
      default: throw new Error(`legacy: no ${e.k}`);
    }
  };
  const num = (v) => (v < 0 || Object.is(v, -0) ? `(-${String(-v)})` : String(v));
  const expr = (n, out) => {
    switch (n.k) {
      case 'num': return num(n.v);
      case 'var': return `x[${n.i}]`;
      case 'xat': return `x[${idx(n.idx)}]`;
      case 'neg': return `(-${expr(n.a, out)})`;
      case 'add': case 'mul': {
        const flags = n.k === 'add' ? n.neg : n.inv;
        const ops = n.k === 'add' ? ['+', '-'] : ['*', '/'];
        return n.xs.reduce((acc, x, k) => (k === 0 ? expr(x, out) : `(${acc} ${ops[flags[k] ? 1 : 0]} ${expr(x, out)})`), '');
      }
      case 'pow': return `pow(${expr(n.a, out)}, ${expr(n.b, out)})`;
      case 'call': {
        const args = n.args.map((a) => expr(a, out));
        return n.f === 'sigmoid' ? `(1 / (1 + exp(-${args[0]})))` : `${n.f}(${args.join(', ')})`;
      }
      case 'loop': {
        const r = `r${tmp++}`, j = `j${n.v.id}`;
        const body = [];
        const e = expr(n.body, body);
        out.push(`let ${r} = ${n.op === 'sum' ? 0 : 1};`,
          `for (let ${j} = ${idx(n.lo)}; ${j} <= ${idx(n.hi)}; ${j}++) { ${body.join(' ')} ${r} ${n.op === 'sum' ? '+=' : '*='} ${e}; }`);
        return r;
      }
      default: throw new Error(`legacy: no ${n.k}`);
    }
  };
  const e = expr(ast, stmts);
  const src = `return function (x, i) {\n  const L = x.length;\n  ${stmts.join('\n  ')}\n  return ${e};\n};`;
  // eslint-disable-next-line no-new-func
  const factory = new Function(...HELPERS, src);
  return factory(...HELPERS.map((h) => Math[h]));
}

function time(f, x, reps) {
  let sink = 0;
  for (let k = 0; k < Math.max(1, reps / 10); k++) sink += f(x, 0);
  const best = [];
  for (let run = 0; run < 5; run++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < reps; k++) sink += f(x, 0);
    best.push(Number(process.hrtime.bigint() - t0) / reps);
  }
  if (sink === 42.4242) console.log(''); // keep the result alive
  return Math.min(...best);
}

const N = 1e4;
const rnd = (n) => Float64Array.from({ length: n }, (_, k) => Math.sin(k * 12.9898) * 0.9);
const explicit = Array.from({ length: N }, (_, k) => `x${k}^2`).join(' + ');
const cases = [
  { name: "'x0^2 + x1^2'", src: 'x0^2 + x1^2', n: 2, reps: 2e6 },
  { name: "'0.01*x^2 + 0.1*x'", src: '0.01*x^2 + 0.1*x', n: 1, reps: 2e6 },
  { name: "'sin(x0)*cos(x1) + tan(x2/3) + exp(-x0^2)'", src: 'sin(x0)*cos(x1) + tan(x2/3) + exp(-x0^2)', n: 3, reps: 1e6 },
  { name: "'x0*x1 - x2/x0 + 3*x3^3 - x4'", src: 'x0*x1 - x2/x0 + 3*x3^3 - x4', n: 5, reps: 2e6 },
  { name: "'sum(x^2)', n = 10⁴", src: 'sum(x^2)', n: N, reps: 2e3 },
  { name: "'sum(sin(x)*exp(-x^2/4))', n = 10⁴", src: 'sum(sin(x)*exp(-x^2/4))', n: N, reps: 300 },
  { name: 'Rosenbrock sum(i, 0, n-2, …), n = 10⁴', src: 'sum(i, 0, n-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)', n: N, reps: 1e3 },
  { name: "10⁴ explicit terms 'x0^2 + … + x9999^2'", src: explicit, n: N, reps: 1e3 },
];

console.log(`float64 evaluation, ns per call (best of 5 runs; node ${process.version})`);
console.log('| expression | numgrad: closures, sums on the block machine | closure tree alone | new Function (legacy) | numgrad / legacy | tree / legacy |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const c of cases) {
  const ast = substLen(parse(c.src).ast, c.n);
  const x = rnd(c.n);
  const reps = quick ? Math.max(1, Math.round(c.reps / 10)) : c.reps;
  const vm = compileScalar(ast, new Map(), c.n);
  const tree = closureScalar(ast, new Map(), c.n);
  const a0 = vm(x, 0), b0 = tree(x, 0);
  if (!Object.is(a0, b0)) throw new Error(`${c.name}: machine ${a0} and closure tree ${b0} differ`);
  const tVm = time(vm, x, reps);
  const tTree = time(tree, x, reps);
  let old = 'fails';
  let ratio = '', ratioTree = '';
  try {
    const f = legacy(ast);
    const a = f(x, 0);
    if (Math.abs(a - a0) > 1e-9 * Math.max(1, Math.abs(a))) throw new Error(`values differ: ${a} vs ${a0}`);
    const tOld = time(f, x, reps);
    old = tOld.toFixed(1);
    ratio = (tVm / tOld).toFixed(2);
    ratioTree = (tTree / tOld).toFixed(2);
  } catch (e) {
    old = `fails (${e.constructor.name})`;
  }
  console.log(`| ${c.name} | ${tVm.toFixed(1)} | ${tTree.toFixed(1)} | ${old} | ${ratio} | ${ratioTree} |`);
}

// ns per float64 evaluation: how numgrad evaluates expressions now (no eval: closures, with
// every sum over an index on the block machine, src/expr/vm.ts), the closure tree alone (as
// before, src/expr/eval.ts with the machine off) and the `new Function` code numgrad generated
// before both (the same JS its old js.ts emitted: fully parenthesised arithmetic on locals,
// Math.pow for ^, reductions hoisted into for-loops), on the same parsed expressions.
// The batched machine (src/expr/batch.ts) is timed as the CPU path uses it, in ns per point: the
// step ladder's points at x (16 per component, x_j ± h_k; for n = 10⁴, 16 components spread
// over x), beside the legacy function called at the same points as the per-point path does
// (x_j set in place, then restored); the fixed step's 2n points per row (rows of them up to
// ≥ 256 points for a small n); and 256 arbitrary points (a batch of rows) through evalBatch as the
// library routes them (a sum over an index at such points goes point by point, see compiled.ts).
// Run: npx vite-node bench/expr.js [--quick] [--no-fuse], or bundled as the library is (module accesses
// cost less): npx esbuild bench/expr.js --bundle --platform=node --format=esm
// --outfile=/tmp/expr-bench.mjs && node /tmp/expr-bench.mjs [--quick]
import { parse } from '../src/expr/parser.ts';
import { closureScalar, compileScalar } from '../src/expr/eval.ts';
import { substLen } from '../src/expr/derivative.ts';
import { fuseConfig } from '../src/expr/eval-ops.ts';
import { compileBatch } from '../src/expr/batch.ts';
import { FN_IMPL } from '../src/expr/fns.ts';
import { compileExpr } from '../src/expr/index.ts';

const quick = process.argv.includes('--quick');
// --no-fuse: without the fused monomial/unary-of-parameter closures (eval-ops.ts), for before/after
if (process.argv.includes('--no-fuse')) fuseConfig.monomials = false;

/** The pre-closure-tree code generator, on the current AST (for this comparison only). */
function legacy(ast) {
  // the old generator's Math helpers, and the functions the language gained since (as it would have called them)
  const HELPERS = ['exp', 'log', 'sqrt', 'sin', 'cos', 'tan', 'tanh', 'abs', 'min', 'max', 'sign', 'pow', 'erf', 'atan2', 'asinh', 'log1p', 'expm1', 'cbrt', 'atan'];
  const impl = (h) => (h === 'pow' ? Math.pow : FN_IMPL[h]);
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
  return factory(...HELPERS.map(impl));
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
  { name: "'erf(x0/x1) + atan2(x1, x0)*asinh(x2)'", src: 'erf(x0/x1) + atan2(x1, x0)*asinh(x2)', n: 3, reps: 1e6 },
  { name: "'sum(log1p(x^2) + atan(x))', n = 10⁴", src: 'sum(log1p(x^2) + atan(x))', n: N, reps: 300 },
  { name: "10⁴ explicit terms 'x0^2 + … + x9999^2'", src: explicit, n: N, reps: 1e3 },
];

/** ns per point of the batched machine over `src`, and its values checked against `f` point by point */
function timeBatch(prog, f, src, reps, name) {
  const out = new Float64Array(src.points), x = new Float64Array(src.n);
  prog.run(src, out, 1, 0);
  for (let p = 0; p < src.points; p += Math.max(1, Math.floor(src.points / 97))) {
    const r = src.row ? src.row[p] : p;
    x.set(src.base.subarray(r * src.n, (r + 1) * src.n));
    if (src.j1 && src.j1[p] < src.n) x[src.j1[p]] = src.v1[p];
    if (!Object.is(out[p], f(x, 0))) throw new Error(`${name}: batched ${out[p]} and closure tree ${f(x, 0)} differ at point ${p}`);
  }
  const runs = Math.max(1, Math.round(reps / src.points));
  const best = [];
  for (let run = 0; run < 5; run++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < runs; k++) prog.run(src, out, 1, 0);
    best.push(Number(process.hrtime.bigint() - t0) / (runs * src.points));
  }
  return Math.min(...best);
}

/** the ladder's points: 16 per component (x_j ± h_k, 8 steps), for every component of rows
 *  of x (enough rows for ≥ 512 points), or for n = 10⁴ for 16 blocks of 16 consecutive
 *  components spread over x (the CPU path evaluates consecutive components together) */
function ladderPoints(x) {
  const n = x.length, rows = n <= 256 ? Math.ceil(512 / (16 * n)) : 1;
  const comps = n <= 256 ? Array.from({ length: n }, (_, j) => j) : Array.from({ length: 256 }, (_, k) => Math.floor(((k >> 4) * n) / 16) + (k & 15));
  const base = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) base[r * n + j] = r === 0 ? x[j] : Math.sin((r * n + j) * 3.7) * 0.9;
  const points = 16 * comps.length * rows, row = new Uint32Array(points), j1 = new Uint32Array(points), v1 = new Float64Array(points);
  // laid out as the CPU path lays them out (diff/cpu.ts layout): component by component when a row has fewer than 256 points
  const byComponent = 16 * n < 256;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < comps.length; c++) {
      const j = comps[c];
      for (let k = 0, p = 16 * (byComponent ? c * rows + r : r * comps.length + c); k < 8; k++, p += 2) {
        const h = 1e-2 * 2 ** -k;
        row[p] = row[p + 1] = r; j1[p] = j1[p + 1] = j;
        v1[p] = base[r * n + j] + h; v1[p + 1] = base[r * n + j] - h;
      }
    }
  }
  return { base, n, points, row, j1, v1 };
}

/** ns per point of f called at the source's points as the per-point path calls it (row by
 *  row; x_j set in place, then restored) */
function timePoints(f, src, reps) {
  const n = src.n, x = new Float64Array(n), runs = Math.max(1, Math.round(reps / src.points));
  // row by row, as the per-point path visits them (x set once per row)
  const order = Uint32Array.from({ length: src.points }, (_, p) => p).sort((a, b) => src.row[a] - src.row[b] || a - b);
  let sink = 0;
  const once = () => {
    let r = -1;
    for (let q = 0; q < src.points; q++) {
      const p = order[q];
      if (src.row[p] !== r) { r = src.row[p]; for (let k = 0; k < n; k++) x[k] = src.base[r * n + k]; }
      const j = src.j1[p], old = x[j];
      x[j] = src.v1[p];
      sink += f(x, 0);
      x[j] = old;
    }
  };
  once();
  const best = [];
  for (let run = 0; run < 5; run++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < runs; k++) once();
    best.push(Number(process.hrtime.bigint() - t0) / (runs * src.points));
  }
  if (sink === 42.4242) console.log('');
  return Math.min(...best);
}

/** the fixed step's points: rows of x ± 1e-5·e_j, 2n per row, at least 256 in all, laid out as the CPU path does */
function gradientPoints(n) {
  const rows = Math.max(1, Math.ceil(256 / (2 * n))), points = 2 * n * rows;
  const base = Float64Array.from({ length: rows * n }, (_, k) => Math.sin(k * 12.9898 + 1) * 0.9);
  const row = new Uint32Array(points), j1 = new Uint32Array(points), v1 = new Float64Array(points);
  const byComponent = 2 * n < 256;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < n; j++) {
      const p = 2 * (byComponent ? j * rows + r : r * n + j);
      row[p] = row[p + 1] = r; j1[p] = j1[p + 1] = j;
      v1[p] = base[r * n + j] + 1e-5; v1[p + 1] = base[r * n + j] - 1e-5;
    }
  }
  return { base, n, points, row, j1, v1 };
}

/** evalBatch as the library routes it (arbitrary rows with a sum over an index go point by point) */
function timeEval(ce, src, reps) {
  const out = new Float64Array(src.points);
  ce.evalBatch(src, 0, out);
  const runs = Math.max(1, Math.round(reps / src.points));
  const best = [];
  for (let run = 0; run < 5; run++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < runs; k++) ce.evalBatch(src, 0, out);
    best.push(Number(process.hrtime.bigint() - t0) / (runs * src.points));
  }
  return Math.min(...best);
}

const matrixPoints = (n, rows) => ({ base: Float64Array.from({ length: rows * n }, (_, k) => Math.sin(k * 7.31) * 0.9), n, points: rows });

console.log(`float64 evaluation, ns per call or per point (best of 5 runs; node ${process.version})`);
console.log('| expression | numgrad: closures, sums on the block machine | closure tree alone | new Function (legacy) | numgrad / legacy | tree / legacy | batched, ladder points | legacy, same points | batched / legacy | batched, fixed-step points | legacy, same points | batched / legacy | evalBatch, 256 rows | / legacy per call |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
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
  const prog = compileBatch(ast, new Map());
  const lad = ladderPoints(x);
  const tLad = timeBatch(prog, vm, lad, reps, c.name);
  const fixed = gradientPoints(c.n);
  const tGrad = timeBatch(prog, vm, fixed, reps, c.name);
  const tMat = timeEval(compileExpr(c.src, { n: c.n }), matrixPoints(c.n, 256), Math.max(256, reps / 4));
  let old = 'fails', oldPts = '', oldFixed = '', ratioFixed = '';
  let ratio = '', ratioTree = '', ratioBatch = '', ratioMat = '';
  try {
    const f = legacy(ast);
    const a = f(x, 0);
    if (Math.abs(a - a0) > 1e-9 * Math.max(1, Math.abs(a))) throw new Error(`values differ: ${a} vs ${a0}`);
    const tOld = time(f, x, reps);
    old = tOld.toFixed(1);
    ratio = (tVm / tOld).toFixed(2);
    ratioTree = (tTree / tOld).toFixed(2);
    ratioMat = (tMat / tOld).toFixed(2);
    const tOldPts = timePoints(f, lad, reps);
    oldPts = tOldPts.toFixed(1);
    ratioBatch = (tLad / tOldPts).toFixed(2);
    const tOldFixed = timePoints(f, fixed, reps);
    oldFixed = tOldFixed.toFixed(1);
    ratioFixed = (tGrad / tOldFixed).toFixed(2);
  } catch (e) {
    old = `fails (${e.constructor.name})`;
  }
  console.log(`| ${c.name} | ${tVm.toFixed(1)} | ${tTree.toFixed(1)} | ${old} | ${ratio} | ${ratioTree} | ${tLad.toFixed(1)} | ${oldPts} | ${ratioBatch} | ${tGrad.toFixed(1)} | ${oldFixed} | ${ratioFixed} | ${tMat.toFixed(1)} | ${ratioMat} |`);
}

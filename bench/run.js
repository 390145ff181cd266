// `npm run bench`: numgrad beside the floor and the peers, measured side by side in one
// process (after warm-up; medians; every GPU result read back before the clock stops;
// a row whose answer is wrong is reported as failed, not timed: bench/harness.js).
// Writes bench/results/latest.{md,json}, readme-table.md and SVG charts, and prints them.
// --quick: fewer sizes and repetitions (under 2 minutes here). --only=scaling|diff|nn|extra|leaks.
import './peers/navigator.js'; // before numgrad and the peers load: one Dawn GPU object for all
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { barChart, createContext, linePlot, loadMnist } from '../dist/node.js';
import { benchScaling } from './scaling.js';
import { benchLeaks, leakTable } from './leaks.js';
import { benchNet } from './nn.js';
import { fmtMs } from './timing.js';
import { poolWatch, memoryLine, mib } from './memory.js';
import { genericTable, peerBars, pts, ratio, ratioTable, scalingChart, scalingTable, sci } from './report.js';

const t0 = performance.now();
const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const want = (g) => !only || only.split(',').includes(g);
const outDir = 'bench/results';
mkdirSync(outDir, { recursive: true });

const gpu = await createContext({ backend: 'webgpu' });
const cpu = await createContext({ backend: 'cpu' });
const watch = poolWatch(gpu);
const a = gpu.adapterInfo;
const adapter = `${a.vendor} / ${a.architecture} / ${a.description || a.device}`;
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} logical cores), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.arch()}`;
const md = [`# numgrad benchmarks`, '',
  `${quick ? '`npm run bench:quick`' : '`npm run bench`'}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}.`, '',
  `- Machine: ${machine}.`, `- GPU adapter: ${adapter}.`,
  '- One process; after warm-up; medians; every GPU result read back before the clock stops; each cell is "median time · worst error against the float64 reference". A row whose result is wrong is marked failed and not timed.',
  '- On a software GPU (lavapipe) the "GPU" is the same CPU cores, so only ratios carry over to real hardware.', ''];
const json = { adapter, machine, date: new Date().toISOString(), quick, node: process.version, memory: {} };
let groupStart = performance.now();
let printed = 0;
const groupTimes = [];
const afterGroup = (name) => {
  const s = watch?.snapshot();
  json.memory[name] = s;
  const sec = (performance.now() - groupStart) / 1000;
  groupTimes.push([name, sec]);
  md.push(memoryLine(name, s), `(${name}: ${sec.toFixed(0)} s of bench time)`, '');
  // progress as it goes (a later group that dies must not take the earlier tables with it)
  console.log(md.slice(printed).join('\n'));
  printed = md.length;
  writeFileSync(`${outDir}/latest.partial.md`, md.join('\n') + '\n');
  console.error(`bench: ${name} done in ${sec.toFixed(0)} s, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
  watch?.reset();
  groupStart = performance.now();
};
const readme = [];

if (want('scaling')) {
  const s = await benchScaling(cpu, gpu, { quick, watch });
  json.scaling = s;
  const big = s.sizes[s.sizes.length - 1];
  // the floor ratios from floor and numgrad in alternation (bench/timing.js paired): separate
  // medians of calls that take 0.15 ms (or of 3 runs at 10⁶ points) drift apart from run to run
  const acc = [
    [`${pts(big)} points, GPU 3-point / floor, alternating (goal ≤ 2×)`, s.pairs?.[big]?.ratio ?? NaN],
    [`${pts(big)} points, GPU 3-point / CPU 3-point (goal < 1×)`, ratio(s, 'numgrad-gpu', 'numgrad-cpu', big)],
    ['324 points (the quiver grid), GPU 3-point / floor, alternating (goal ≤ 2×)', s.pairs?.[324]?.ratio ?? NaN],
    ['1 point, GPU 3-point / floor, alternating (goal ≤ 1.5×)', s.pairs?.[1]?.ratio ?? NaN],
  ];
  json.acceptance = Object.fromEntries(acc);
  const table = scalingTable(s);
  md.push('## Batched gradient of x0² + x1², typed arrays in', '',
    `Points: uniform in [−2, 2)² as float32 (seeded LCG, seed ${s.seed}; 324 = the book's 18×18 quiver grid). Error: max |g − 2x| / max(|2x|, 1) in float64. The floor is one bare round trip on numgrad's runtime over the same lanes (point × parameter): upload, one dispatch that writes 2x, readback. numgrad's 3-point rows use a fixed step; the default is the step ladder with error estimates. TF.js and jax-js do what their users would: the 2n perturbed copies of every point in one batch (step ∛ε·max(|x|, 1)) for the numerical gradient, and their autodiff for the analytic one.`, '',
    ...table, '', ...ratioTable(s), '',
    ...acc.map(([k, v]) => `- ${k}: **${Number.isFinite(v) ? v.toFixed(2) + '×' : 'n/a'}**`), '',
    ...Object.entries(s.pairs ?? {}).map(([N, p]) => `- ${pts(Number(N))} point(s) in alternation, ${p.runs} pairs: floor ${fmtMs(p.a)}, numgrad GPU 3-point ${fmtMs(p.b)} (medians), median ratio ${p.ratio.toFixed(2)}×`), '',
    ...s.notes.map((n) => `- ${n}`), '');
  const peak = s.impls.find((i) => i.kind === 'numgrad-gpu')?.rows[1e6]?.memory;
  const peakL = s.impls.find((i) => i.kind === 'numgrad-gpu-ladder')?.rows[1e6]?.memory;
  if (peak) md.push(`Peak device memory in numgrad's pool for the 10⁶-point row: ${mib(peak.peakInUse)} in use at most (3-point)${peakL ? `, ${mib(peakL.peakInUse)} (ladder)` : ''}; ${mib(peak.bytesAllocated)} allocated after it.`, '');
  writeFileSync(`${outDir}/scaling.svg`, scalingChart(s, linePlot));
  writeFileSync(`${outDir}/peers.svg`, peerBars(s, big, barChart));
  md.push('![scaling](scaling.svg)', '', '![peers](peers.svg)', '');
  readme.push(...table, '', ...acc.map(([k, v]) => `- ${k}: ${Number.isFinite(v) ? v.toFixed(2) + '×' : 'n/a'}`));
  afterGroup('the scaling rows');
}

if (want('diff') && existsSync('bench/diff.js')) {
  json.diff = await optional('Batched numerical gradients: default ladder vs fixed step', 'diff.js', (m) => m.benchDiff(cpu, gpu, { quick }));
}

/** An optional group from another module: its rows as a generic table, or why it failed. */
async function optional(title, file, run) {
  console.error(`bench: starting bench/${file}`);
  md.push(`## ${title} (bench/${file})`, '');
  try {
    const rows = await run(await import(`./${file}`));
    md.push(...genericTable(rows), '');
    return rows;
  } catch (e) {
    md.push(`**failed**: ${String(e?.message ?? e).split('\n')[0]}`, '');
    return { error: String(e?.message ?? e) };
  } finally {
    afterGroup(`the ${title.toLowerCase()} rows`);
  }
}

if (want('scaling') && existsSync('bench/diff-floor.js')) {
  json.diffFloor = await optional('Raw Dawn round trip vs numgrad', 'diff-floor.js', (m) => m.benchFloor(gpu, cpu, { quick }));
}

// rows other modules add when they exist: Jacobians and Hessians, expression sums
for (const [file, fn, title] of [['jacobian.js', 'benchJacobian', 'Jacobians and Hessians'], ['expr-sums.js', 'benchExprSums', 'Expression sums']]) {
  if (want('extra') && existsSync(`bench/${file}`)) json[fn] = await optional(title, file, (m) => m[fn](cpu, gpu, { quick }));
}

if (want('nn')) {
  const mnist = await loadMnist({ trainCount: 1000, testCount: 100, seed: 0 });
  const { rows, fastestPeerGrad } = await benchNet(cpu, gpu, mnist, { quick });
  json.nn = rows;
  json.nnFastestPeerGrad = fastestPeerGrad;
  md.push('## TwoLayerNet 784-50-10, batch 100 (39,760 parameters): one full gradient', '',
    'Same weights and MNIST batch for every row (x as a Float32Array, labels as Int32Array). Error: max |g − ref| / max |ref| against numgrad\'s float64 CPU backprop.', '',
    '| implementation | time | error | × numgrad GPU numerical | note |', '| --- | ---: | ---: | ---: | --- |',
    ...rows.map((r) => `| ${r.name} | ${r.ok ? fmtMs(r.ms) : '**failed**'} | ${sci(r.err)} | ${Number.isFinite(r.vsGpu) ? r.vsGpu.toFixed(r.vsGpu < 10 ? 2 : 0) + '×' : 'n/a'} | ${r.note ?? ''} |`), '',
    fastestPeerGrad ? `- numgrad GPU numerical / fastest peer autodiff of any kind (${fastestPeerGrad.name}, ${fmtMs(fastestPeerGrad.ms)}): **${fastestPeerGrad.ratio.toFixed(2)}×** (for scale; the goal is against TF.js, below)` : '', '');
  const tfFast = rows.filter((r) => r.ok && /^TF\.js .*tf\.grads/.test(r.name)).sort((p, q) => p.ms - q.ms)[0];
  if (tfFast) {
    json.acceptance = { ...json.acceptance, 'TwoLayerNet GPU numerical / fastest TF.js tf.grads (goal ≤ 0.5×)': rows[0].ms / tfFast.ms };
    md.push(`- numgrad GPU numerical / fastest TF.js tf.grads (${tfFast.name}): **${(rows[0].ms / tfFast.ms).toFixed(2)}×** (goal ≤ 0.5×)`, '');
    readme.push(`- TwoLayerNet 784-50-10, batch 100: numgrad GPU numerical gradient ${fmtMs(rows[0].ms)} vs ${tfFast.name} ${fmtMs(tfFast.ms)} (${(rows[0].ms / tfFast.ms).toFixed(2)}×)`);
  }
  writeFileSync(`${outDir}/nn.svg`, barChart(rows.filter((r) => r.ok && Number.isFinite(r.ms)).map((r) => ({
    label: r.name.replace('numgrad ', '').slice(0, 38), value: r.ms, color: r.name.startsWith('numgrad GPU') ? '#1f77b4' : r.name.startsWith('numgrad') ? '#2ca02c' : '#888' })),
  { title: 'TwoLayerNet gradient, 39,760 params (ms, log scale)', unit: 'ms', width: 900 }));
  md.push('![nn](nn.svg)', '');
  afterGroup('the network rows');
}

if (want('leaks')) {
  const rows = await benchLeaks(gpu, { quick });
  json.leaks = rows;
  md.push('## Memory over long runs (each count in a fresh process, RSS in MiB)', '', ...leakTable(rows), '');
  afterGroup('the leak runs');
}

md.push(`Total bench time: ${((performance.now() - t0) / 1000).toFixed(0)} s (${groupTimes.map(([n, t]) => `${n.replace(/^the /, '')} ${t.toFixed(0)} s`).join(', ')}).`);
json.groupSeconds = Object.fromEntries(groupTimes);
writeFileSync(`${outDir}/latest.md`, md.join('\n') + '\n');
writeFileSync(`${outDir}/latest.json`, JSON.stringify(json, null, 2));
if (readme.length) writeFileSync(`${outDir}/readme-table.md`, [`Measured by \`npm run bench${quick ? ':quick' : ''}\` on ${adapter} (${machine}); the full table and charts: docs/benchmarks.md (bench/results/latest.md after a run).`, '', ...readme, ''].join('\n'));
console.log(md.slice(printed).join('\n'));
rmSync(`${outDir}/latest.partial.md`, { force: true });
console.log(`written: ${outDir}/latest.md, latest.json, readme-table.md, *.svg`);
await gpu.dispose();
await cpu.dispose();
process.exit(0); // the peers' devices (TF.js, jax-js) keep Node alive otherwise

// `npm run bench`: CPU vs GPU vs peers, measured side by side in one run. Writes
// bench/results/latest.{md,json} and SVG charts, and prints the tables.
// --quick: smaller sizes and fewer repetitions.
import { mkdirSync, writeFileSync } from 'node:fs';
import { barChart, createContext, loadMnist } from '../dist/node.js';
import { benchDiff } from './diff.js';
import { benchLeaks, leakTable } from './leaks.js';
import { benchNet } from './nn.js';
import { fmtMs } from './timing.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const outDir = 'bench/results';
mkdirSync(outDir, { recursive: true });

const gpu = await createContext({ backend: 'webgpu' });
const cpu = await createContext({ backend: 'cpu' });
const a = gpu.adapterInfo;
const adapter = `${a.vendor} / ${a.architecture} / ${a.description || a.device}`;
const md = [`# numgrad benchmarks`, '', `GPU: ${adapter}. ${new Date().toISOString().slice(0, 10)}, Node ${process.version}.`,
  'Absolute times are from this adapter; on a software GPU only the ratios carry over.', ''];
const json = { adapter, date: new Date().toISOString(), quick };

if (!only || only === 'diff') {
  const rows = await benchDiff(cpu, gpu, { quick });
  json.diff = rows;
  const e = (v) => v.toExponential(1);
  md.push('## Batched numerical gradients (one lane per point × parameter)', '',
    'Default: the step ladder (8 steps, error estimates; one dispatch). Fixed: one 3-point step (∛ε on the GPU, the book\'s 1e-4 on the CPU). Errors: worst relative error against the exact gradient.', '',
    '| case | points | CPU ladder | GPU ladder | CPU fixed | GPU fixed | GPU ladder / fixed | CPU / GPU (ladder) | error CPU ladder / fixed | error GPU ladder / fixed |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.case} | ${r.points.toLocaleString('en-US')} | ${fmtMs(r.cpuMs)} | ${fmtMs(r.gpuMs)} | ${fmtMs(r.cpuFixedMs)} | ${fmtMs(r.gpuFixedMs)} | ${r.ladderCost.toFixed(1)}× | ${r.speedup.toFixed(1)}× | ${e(r.cpuErr)} / ${e(r.cpuFixedErr)} | ${e(r.gpuErr)} / ${e(r.gpuFixedErr)} |`), '');
  writeFileSync(`${outDir}/diff.svg`, barChart(rows.flatMap((r) => [
    { label: `${r.case} · CPU`, value: r.cpuMs, color: '#888' },
    { label: `${r.case} · GPU`, value: r.gpuMs, color: '#1f77b4' }]), { title: 'Batched numerical gradient time (ms, log scale)', unit: 'ms' }));
}

if (!only || only === 'nn') {
  const mnist = await loadMnist({ trainCount: 1000, testCount: 100, seed: 0 });
  const { rows, memory } = await benchNet(cpu, gpu, mnist, { quick });
  json.nn = rows;
  json.nnMemory = memory;
  md.push('## TwoLayerNet 784-50-10, batch 100 (39,760 parameters): one full numerical gradient', '',
    '| implementation | time | × GPU numerical | note |', '| --- | ---: | ---: | --- |',
    ...rows.map((r) => `| ${r.name} | ${fmtMs(r.ms)} | ${Number.isFinite(r.vsGpu) ? r.vsGpu.toFixed(r.vsGpu < 10 ? 2 : 0) + '×' : 'n/a'} | ${r.note} |`), '',
    memory ? `GPU memory held by numgrad's buffer pool after these calls: ${(memory.bytesAllocated / 2 ** 20).toFixed(1)} MiB allocated, ${(memory.bytesInUse / 2 ** 20).toFixed(1)} MiB in use (the net's parameters and cached activations).` : '', '');
  writeFileSync(`${outDir}/nn.svg`, barChart(rows.filter((r) => Number.isFinite(r.ms)).map((r) => ({
    label: r.name.replace('numgrad ', ''), value: r.ms, color: r.name.startsWith('numgrad GPU') ? '#1f77b4' : r.name.startsWith('numgrad') ? '#2ca02c' : '#888' })),
  { title: 'TwoLayerNet gradient, 39,760 params (ms, log scale)', unit: 'ms', width: 820 }));
}

if (!only || only === 'leaks') {
  const rows = await benchLeaks(gpu, { quick });
  json.leaks = rows;
  md.push('## Memory over long runs (each count in a fresh process, RSS in MiB)', '', ...leakTable(rows), '');
}

writeFileSync(`${outDir}/latest.md`, md.join('\n'));
writeFileSync(`${outDir}/latest.json`, JSON.stringify(json, null, 2));
console.log(md.join('\n'));
console.log(`written: ${outDir}/latest.md, latest.json, *.svg`);
await gpu.dispose();
await cpu.dispose();

// Rendering of the bench results: markdown tables and SVG charts.
import { fmtMs } from './timing.js';

export const sci = (v) => (Number.isFinite(v) ? (v === 0 ? '0' : v.toExponential(1)) : 'n/a');
const SUP = { 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
export const pts = (n) => {
  const e = Math.log10(n);
  return Number.isInteger(e) && e >= 2 ? `10${String(e).split('').map((d) => SUP[d]).join('')}` : n.toLocaleString('en-US');
};

const cell = (r) => (!r ? '' : r.ok ? `${fmtMs(r.ms)} · ${sci(r.err)}` : r.skipped ? `— (${r.reason.replace(/^skipped: /, '')})` : `**failed**: ${r.reason ?? 'wrong result'}`);

/** The scaling table: one row per implementation, one column per size, "time · error" cells. */
export function scalingTable(s) {
  const head = `| implementation | ${s.sizes.map(pts).join(' | ')} |`;
  const lines = [head, `| --- | ${s.sizes.map(() => '---:').join(' | ')} |`];
  for (const im of s.impls) lines.push(`| ${im.name} | ${s.sizes.map((N) => cell(im.rows[N])).join(' | ')} |`);
  return lines;
}

export function ratio(s, a, b, N) {
  const ra = s.impls.find((i) => i.kind === a)?.rows[N], rb = s.impls.find((i) => i.kind === b)?.rows[N];
  return ra?.ok && rb?.ok ? ra.ms / rb.ms : NaN;
}

/** numgrad's GPU rows over the floor and the CPU, per size. */
export function ratioTable(s) {
  const r = (v) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 2 : 0)}×` : 'n/a');
  const rows = [
    ['GPU 3-point / floor', 'numgrad-gpu', 'floor'],
    ['GPU ladder / floor', 'numgrad-gpu-ladder', 'floor'],
    ['GPU 3-point / CPU 3-point', 'numgrad-gpu', 'numgrad-cpu'],
    ['GPU ladder / CPU ladder', 'numgrad-gpu-ladder', 'numgrad-cpu-ladder'],
  ];
  return [`| ratio | ${s.sizes.map(pts).join(' | ')} |`, `| --- | ${s.sizes.map(() => '---:').join(' | ')} |`,
    ...rows.map(([name, a, b]) => `| ${name} | ${s.sizes.map((N) => r(ratio(s, a, b, N))).join(' | ')} |`)];
}

/** Any list of flat row objects as a table: ...Ms columns as times, ...Err columns as errors. */
export function genericTable(rows) {
  if (!rows?.length) return ['(no rows)'];
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => typeof rows.find((r) => r[k] !== undefined)[k] !== 'object');
  const fmt = (k, v) => (v === undefined ? '' : typeof v !== 'number' ? String(v) : /ms$/i.test(k) ? fmtMs(v) : /err/i.test(k) ? sci(v) : Number.isInteger(v) ? v.toLocaleString('en-US') : v.toPrecision(3));
  return [`| ${keys.join(' | ')} |`, `| ${keys.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${keys.map((k) => fmt(k, r[k])).join(' | ')} |`)];
}

const COLORS = { floor: '#000', 'numgrad-gpu': '#1f77b4', 'numgrad-gpu-ladder': '#6baed6', 'numgrad-cpu': '#2ca02c', 'numgrad-cpu-ladder': '#98df8a', numpy: '#8c564b' };
const peerColor = (k) => (k.startsWith('tf-webgpu') ? '#ff7f0e' : k.startsWith('tf-cpu') ? '#ffbb78' : k.startsWith('jax-webgpu') ? '#d62728' : k.startsWith('jax') ? '#ff9896' : '#9467bd');

/** Scaling curves, log-log (x: log₁₀ points), the floor drawn dashed in black. */
export function scalingChart(s, linePlot) {
  const series = s.impls.map((im) => {
    const ok = s.sizes.filter((N) => im.rows[N]?.ok);
    return { x: ok.map((N) => Math.log10(N)), y: ok.map((N) => im.rows[N].ms), label: im.name.replace(/ \(.*$/, '').slice(0, 48), color: COLORS[im.kind] ?? peerColor(im.kind), dashed: im.kind === 'floor' || im.kind.endsWith('grad'), markers: true };
  }).filter((x) => x.x.length);
  return linePlot(series, { title: 'Batched gradient of x0² + x1²: time per call (ms)', xLabel: 'log₁₀ points', yLabel: 'ms', logY: true, width: 900, height: 560 });
}

/** Bars at one size: numgrad against the peers. */
export function peerBars(s, N, barChart) {
  const bars = s.impls.filter((im) => im.rows[N]?.ok).map((im) => ({ label: im.name.slice(0, 38), value: im.rows[N].ms, color: COLORS[im.kind] ?? peerColor(im.kind), note: `${fmtMs(im.rows[N].ms)} · err ${sci(im.rows[N].err)}` }));
  return barChart(bars, { title: `${pts(N)} points of x0² + x1² (ms, log scale)`, unit: 'ms', width: 900 });
}

// Timing helpers: warm up, then the median of repeated runs (robust on a busy 2-core box).
export async function median(fn, { runs = 7, warmup = 1, maxMs = 20_000 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
    if (performance.now() - start > maxMs && times.length >= 3) break;
  }
  times.sort((a, b) => a - b);
  return { ms: times[times.length >> 1], runs: times.length, min: times[0], max: times[times.length - 1] };
}

export function fmtMs(ms) {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(1)} µs`;
}

export function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN;
}

/**
 * Two workloads timed in alternation (a, b, a, b, ...), so drift and scheduler hiccups hit
 * both alike: the medians of each and the median of the per-pair ratios b/a. For a ratio of
 * sub-millisecond calls (numgrad against the floor) this is steadier than two separate medians.
 */
export async function paired(fa, fb, { runs = 301, warmup = 20 } = {}) {
  for (let i = 0; i < warmup; i++) { await fa(); await fb(); }
  const ta = [], tb = [], q = [];
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    await fa();
    const a = performance.now() - t0;
    t0 = performance.now();
    await fb();
    const b = performance.now() - t0;
    ta.push(a); tb.push(b); q.push(b / a);
  }
  const mid = (v) => v.sort((x, y) => x - y)[v.length >> 1];
  return { a: mid(ta), b: mid(tb), ratio: mid(q), runs };
}

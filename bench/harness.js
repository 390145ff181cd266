// The bench harness: a workload is timed only if its answer is right. Each row runs
// `work()` (which must return host data: every GPU result is read back before the clock
// stops), checks the warm-up result against the float64 reference with `error(result)`,
// and only then takes the median of several timed runs; the last timed result is checked
// again. A wrong, non-finite or throwing workload is reported as failed, with no time.

/**
 * @param {string} name
 * @param {() => Promise<unknown>} work  one complete call, host data in and out
 * @param {(result: unknown) => number} error  error against the float64 reference
 * @param {{ tol: number, runs?: number, warmup?: number, maxMs?: number }} opts
 * @returns {Promise<{ name: string, ok: boolean, ms: number, min: number, runs: number, err: number, tol: number, reason?: string }>}
 */
export async function timeChecked(name, work, error, { tol, runs = 7, warmup = 1, maxMs = 15_000 }) {
  const row = { name, ok: false, ms: NaN, min: NaN, runs: 0, err: NaN, tol };
  const judge = (result, when) => {
    const err = error(result);
    row.err = Number.isNaN(row.err) ? err : Math.max(row.err, err);
    if (!(err <= tol)) throw new Error(`wrong result ${when}: error ${Number.isFinite(err) ? err.toExponential(2) : err} > tolerance ${tol.toExponential(1)}`);
  };
  try {
    for (let i = 0; i < Math.max(1, warmup); i++) judge(await work(), 'at warm-up');
    const times = [];
    const start = performance.now();
    let last;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      last = await work();
      times.push(performance.now() - t0);
      if (performance.now() - start > maxMs && times.length >= 3) break;
    }
    judge(last, 'in the timed runs');
    times.sort((a, b) => a - b);
    Object.assign(row, { ok: true, ms: times[times.length >> 1], min: times[0], runs: times.length });
  } catch (e) {
    row.reason = String(e?.message ?? e).split('\n')[0];
  }
  return row;
}

/** Largest error of a flat gradient g against the exact one, relative to max(|exact|, 1). */
export function relError(g, exact) {
  if (!g || g.length !== exact.length) return Infinity;
  let w = 0;
  for (let i = 0; i < exact.length; i++) {
    const e = Math.abs(g[i] - exact[i]) / Math.max(Math.abs(exact[i]), 1);
    if (!(e <= w)) w = Number.isNaN(e) ? Infinity : e;
  }
  return w;
}

/** A result of any nesting (or typed array) as one flat Float64Array. */
export function flat(x) {
  if (ArrayBuffer.isView(x)) return Float64Array.from(x);
  const out = [];
  const walk = (v) => (Array.isArray(v) || ArrayBuffer.isView(v) ? Array.from(v).forEach(walk) : out.push(v));
  walk(x);
  return Float64Array.from(out);
}

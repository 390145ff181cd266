/** Linear or log10 map from a data range to pixels, with "nice" tick values. */
export interface Scale {
  (v: number): number;
  ticks: number[];
  log: boolean;
}

export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

export function scale(lo: number, hi: number, p0: number, p1: number, log = false): Scale {
  if (log) {
    const a = Math.log10(lo);
    const b = Math.log10(hi);
    const s = ((v: number) => p0 + ((Math.log10(v) - a) / (b - a || 1)) * (p1 - p0)) as Scale;
    s.ticks = [];
    // at most ~8 labels: every k-th decade when the range spans many
    const every = Math.max(1, Math.ceil((Math.floor(b) - Math.ceil(a) + 1) / 8));
    for (let e = Math.ceil(a); e <= Math.floor(b); e += every) s.ticks.push(10 ** e);
    s.log = true;
    return s;
  }
  const s = ((v: number) => p0 + ((v - lo) / (hi - lo || 1)) * (p1 - p0)) as Scale;
  s.ticks = niceTicks(lo, hi);
  s.log = false;
  return s;
}

export function extent(values: number[], pad = 0): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}

export function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

// Number and table formatting for the demo: float64 values in full (as Python prints them,
// so they can be compared digit by digit with the book), float32 results to the digits they
// carry, differences as "≈ 1.2e-7".

/** Shortest round-trip form, like Python's repr (0.1999999999990898). */
export function f64(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (v !== 0 && (a >= 1e9 || a < 1e-5)) return v.toExponential(8).replace(/\.?0+e/, 'e');
  return String(v);
}

/** A float32 result: 8 significant digits (float32 carries about 7). */
export function f32(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (v !== 0 && (a >= 1e9 || a < 1e-5)) return v.toExponential(7);
  return String(Number(v.toPrecision(8)));
}

/** |a − b| in scientific notation. */
export function diff(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b ? '≈ 0' : '—';
  const d = Math.abs(a - b);
  return d === 0 ? '= 0' : `≈ ${d.toExponential(1)}`;
}

/** Largest |aᵢ − bᵢ| of two vectors, scientific. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): string {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d; // NaN wins
  }
  return Number.isNaN(m) ? '—' : m === 0 ? '= 0' : `≈ ${m.toExponential(1)}`;
}

export function vec(v: ArrayLike<number>, f: (x: number) => string): string {
  return '[' + Array.from(v, f).join(', ') + ']';
}

/** Left-aligned first column, the rest right-aligned; columns separated by two spaces. */
export function table(header: string[], rows: string[][], indent = '  '): string {
  const w = header.map((h, j) => Math.max(len(h), ...rows.map((r) => len(r[j] ?? ''))));
  const line = (r: string[]) => indent + r.map((c, j) => (j === 0 ? pad(c, w[j], 'end') : pad(c, w[j], 'start'))).join('  ').trimEnd();
  return [line(header), indent + w.map((n) => '─'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

/** Display width: code points (the demo uses no wide characters). */
function len(s: string): number {
  return [...s].length;
}

function pad(s: string, w: number, side: 'start' | 'end'): string {
  const fill = ' '.repeat(Math.max(0, w - len(s)));
  return side === 'start' ? fill + s : s + fill;
}

export function section(n: number, title: string): string {
  const head = `${n}. ${title}`;
  return `\n${head}\n${'═'.repeat(len(head))}`;
}

/**
 * Seeded random inputs for tests; the seed is printed so a failure can be replayed. By default
 * each suite's seed is fixed (a hash of its name), so a run passes or fails on its merits, not
 * on the draw: CI lands a change or not for what it changed. NUMGRAD_SEED=random draws fresh
 * seeds (to explore; a failure found so is a bug, replayed with the printed seed);
 * NUMGRAD_SEED=<n> replays one.
 */
export function seedFromEnv(name: string): number {
  const env = process.env.NUMGRAD_SEED;
  const s = env === 'random' ? (Date.now() ^ (Math.random() * 2 ** 31)) >>> 0 : env ? Number(env) >>> 0 : fnv1a(name);
  console.log(`[${name}] seed ${s} (replay with NUMGRAD_SEED=${s})`);
  return s;
}

/** mulberry32: tiny, fast, good enough for test inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function uniform(r: () => number, n: number, lo = -1, hi = 1): number[] {
  return Array.from({ length: n }, () => lo + (hi - lo) * r());
}

/** 32-bit FNV-1a of a string: a suite's default seed. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Seeded random inputs for tests; the seed is printed so a failure can be replayed. */
export function seedFromEnv(name: string): number {
  const s = process.env.NUMGRAD_SEED ? Number(process.env.NUMGRAD_SEED) : (Date.now() ^ (Math.random() * 2 ** 31)) >>> 0;
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

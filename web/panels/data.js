// The small dataset the training panel learns, bundled with the page (no network): three
// interleaved spiral arms in the plane, 100 points each, from a fixed seed. Classic for a
// two-layer net: no straight line separates the classes.

/** mulberry32: a tiny seeded PRNG, so the page always trains on the same points. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** { x: rows × 2 (nested), labels: Int32Array, classes } — `perClass` points per arm. */
export function spirals(perClass = 100, classes = 3, seed = 7) {
  const r = rng(seed);
  const x = [];
  const labels = new Int32Array(perClass * classes);
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < perClass; i++) {
      const rad = i / perClass;
      const angle = c * 4 + rad * 4 + (r() - 0.5) * 0.4;
      x.push([rad * Math.sin(angle), rad * Math.cos(angle)]);
      labels[c * perClass + i] = c;
    }
  }
  return { x, labels, classes };
}

// Fault runs in a child process, so that a crash fails a test instead of killing the runner.
// usage: node fault-child.mjs <mode> <count>   (against the built library, dist/node.js)
//   dispose-idle     create a context and dispose it without running anything
//   dispose-busy     dispose while several batched gradients are in flight
//   lose-device      an 'auto' context loses its device during a call, repeatedly
//   contexts         create/dispose cycles, reporting RSS before and after
//   expressions      distinct expressions on one context, reporting RSS before and after
// Prints one JSON line with what happened; exits 0 only if every cycle behaved.
import { createContext, DisposedError } from '../../dist/node.js';

const [mode, countArg] = process.argv.slice(2);
const count = Number(countArg ?? 10);
const mib = () => process.memoryUsage().rss / 2 ** 20;
const out = { mode, count, ok: 0, bad: [] };
const pts = (n, k) => Array.from({ length: n }, (_, i) => [((i * 7919 + k) % 1000) / 250 - 2, ((i * 104729 + k) % 1000) / 250 - 2]);

async function cycle(k) {
  if (mode === 'dispose-idle') {
    const c = await createContext({ backend: 'webgpu' });
    await c.dispose();
    return true;
  }
  if (mode === 'dispose-busy') {
    const c = await createContext({ backend: 'webgpu' });
    const f = c.fn('x0^2 + sin(x1)');
    const pending = Array.from({ length: 5 }, (_, i) => c.numericalGradient(f, pts(2000, k + i)).then(() => 'ok', (e) => e));
    await new Promise((r) => setTimeout(r, k % 4));
    await c.dispose();
    const rs = await Promise.all(pending);
    return rs.every((r) => r === 'ok' || r instanceof DisposedError) || rs.find((r) => r !== 'ok' && !(r instanceof DisposedError));
  }
  if (mode === 'lose-device') {
    const c = await createContext({ backend: 'auto', warn: false });
    const p = c.numericalGradient('x0^2 * x1', pts(3000, k));
    if (k % 2) await new Promise((r) => setTimeout(r, 1));
    c.device?.destroy();
    const g = await p;
    const ok = c.backend === 'cpu' && g.length === 3000 && Math.abs(g[5][1] - pts(3000, k)[5][0] ** 2) < 1e-6;
    await c.dispose();
    return ok;
  }
  throw new Error(`unknown mode ${mode}`);
}

if (mode === 'contexts' || mode === 'expressions') {
  const warm = await createContext({ backend: 'webgpu' });
  await warm.numericalGradient('x0^2', [1]);
  await warm.dispose();
  global.gc?.();
  out.rssBefore = mib();
  if (mode === 'contexts') {
    for (let k = 0; k < count; k++) {
      const c = await createContext({ backend: 'webgpu' });
      await c.numericalGradient('x0^2 + x1', [1, 2]);
      await c.dispose();
      out.ok++;
      if ((k + 1) % Math.max(1, Math.floor(count / 4)) === 0) { global.gc?.(); (out.rssAt ??= []).push([k + 1, Math.round(mib())]); }
    }
  } else {
    const c = await createContext({ backend: 'webgpu' });
    for (let k = 0; k < count; k++) {
      // a fixed step: its kernel compiles in ~60 ms on lavapipe, the ladder's in ~350 ms
      const g = await c.numericalGradient(`${k + 1}*x0^2 + x1`, [1, 2], { h: 1e-2 });
      if (Math.abs(g[0] - 2 * (k + 1)) < 1e-2 * (k + 1)) out.ok++;
      else out.bad.push(k);
      if ((k + 1) % Math.max(1, Math.floor(count / 4)) === 0) { global.gc?.(); (out.rssAt ??= []).push([k + 1, Math.round(mib())]); }
    }
    out.pipelines = c.runtime.pipelines.size;
    await c.dispose();
  }
  global.gc?.();
  await new Promise((r) => setTimeout(r, 50));
  out.rssAfter = mib();
} else {
  for (let k = 0; k < count; k++) {
    try {
      const r = await cycle(k);
      if (r === true) out.ok++;
      else out.bad.push({ k, r: String(r) });
    } catch (e) {
      out.bad.push({ k, error: `${e?.constructor?.name}: ${e?.message}` });
    }
  }
}
console.log(JSON.stringify(out));
process.exit(out.bad.length ? 1 : 0);

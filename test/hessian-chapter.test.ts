// apps/chapter/curvature.ts: the chapter's Hessians through the public API on a CPU and a
// WebGPU context, against the values the issue prints (2I and [[802, −400], [−400, 200]]).
import { expect, it } from 'vitest';
import { createContext } from '../src/entry-node';
import { curvature } from '../apps/chapter/curvature';
import { webgpuAdapter } from './helpers/backends';

it('the curvature section: 2I and Rosenbrock at (1, 1) on both contexts, with text lines', async () => {
  const cpu = await createContext({ backend: 'cpu' });
  const gpu = await createContext({ backend: webgpuAdapter || process.env.REQUIRE_WEBGPU === '1' ? 'webgpu' : 'cpu' });
  try {
    const r = await curvature({ cpu, gpu });
    console.log(r.lines.join('\n'));
    const [bowl, rosen] = r.cases;
    for (const side of ['cpu', 'gpu'] as const) {
      const tol = side === 'cpu' ? 1e-9 : 1e-3;
      bowl.value[side].flat().forEach((v, k) => expect(Math.abs(v - [2, 0, 0, 2][k])).toBeLessThanOrEqual(2 * tol));
      rosen.value[side].flat().forEach((v, k) => expect(Math.abs(v - [802, -400, -400, 200][k])).toBeLessThanOrEqual(802 * tol));
    }
    expect(rosen.eigen[0]).toBeCloseTo(501 + Math.sqrt(501 ** 2 - 400), 9);
    expect(r.lines.some((l) => l.includes('[[802, -400], [-400, 200]]'))).toBe(true);
  } finally {
    await cpu.dispose();
    await gpu.dispose();
  }
});

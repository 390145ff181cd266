// Fault runs in child processes (test/support/fault-child.mjs against dist/node.js), so a
// crash of the native WebGPU layer fails a test instead of killing the runner: dispose with
// nothing run and with work in flight, repeated device losses on an 'auto' context, and
// leak runs whose RSS must level off (the full counts run in `npm run bench`).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { webgpuAdapter } from '../helpers/backends';

const child = join(__dirname, '../support/fault-child.mjs');
const gpu = it.runIf(webgpuAdapter || process.env.REQUIRE_WEBGPU === '1');

/** Runs the child without blocking this worker (a long synchronous wait stalls vitest's own messages). */
function run(mode: string, count: number): Promise<{ status: number | null; signal: NodeJS.Signals | null; out: Record<string, unknown>; log: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, ['--expose-gc', child, mode, String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (b) => (stdout += b));
    p.stderr.on('data', (b) => (stderr += b));
    const timer = setTimeout(() => p.kill('SIGKILL'), 240_000);
    p.on('close', (status, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      done({ status, signal, out: line ? JSON.parse(line) : {}, log: `${stdout}\n${stderr}`.slice(-2000) });
    });
  });
}

describe('faults in a child process', () => {
  for (const [mode, count] of [['dispose-idle', 40], ['dispose-busy', 40], ['lose-device', 25]] as const) {
    gpu(`${mode}: ${count} of ${count} cycles exit cleanly`, async () => {
      const r = await run(mode, count);
      expect({ status: r.status, signal: r.signal }, r.log).toEqual({ status: 0, signal: null });
      expect(r.out.ok).toBe(count);
      console.log(`[faults] ${mode}: ${r.out.ok}/${count} clean`);
    }, 240_000);
  }

  gpu('80 context cycles: RSS levels off (under 1.5 MiB a cycle after the first 20; 2.9 before one Dawn instance per process)', async () => {
    const r = await run('contexts', 80);
    expect(r.status, r.log).toBe(0);
    const at = r.out.rssAt as [number, number][];
    console.log(`[faults] contexts: RSS ${JSON.stringify(at)} MiB (before ${Math.round(r.out.rssBefore as number)})`);
    const growth = (at[at.length - 1][1] - at[0][1]) / (at[at.length - 1][0] - at[0][0]);
    expect(growth).toBeLessThan(1.5);
  }, 240_000);

  gpu('300 distinct expressions on one context: the pipeline cache stays at its bound and RSS levels off', async () => {
    const r = await run('expressions', 300);
    expect(r.status, r.log).toBe(0);
    const at = r.out.rssAt as [number, number][];
    console.log(`[faults] expressions: RSS ${JSON.stringify(at)} MiB, pipelines kept ${r.out.pipelines}`);
    expect(r.out.pipelines).toBeLessThanOrEqual(128);
    // once the cache is full (128 pipelines), later expressions replace earlier ones
    expect(at[3][1] - at[1][1]).toBeLessThan(40);
  }, 240_000);
});

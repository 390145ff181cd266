// Leak runs at full count, each in its own child process (test/support/fault-child.mjs):
// 200 context create/dispose cycles and 1,200 distinct expressions on one context (RSS
// before and after, and along the way), plus 10,000 calls on one context (the pool's bytes
// in use must return to 0 and its allocation must stop growing).
import { spawnSync } from 'node:child_process';

function child(mode, count) {
  const r = spawnSync(process.execPath, ['--expose-gc', 'test/support/fault-child.mjs', mode, String(count)], { encoding: 'utf8', timeout: 900_000 });
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  return { status: r.status, signal: r.signal, ...(line ? JSON.parse(line) : {}) };
}

export async function benchLeaks(gpu, { quick }) {
  const rows = [];
  const contexts = child('contexts', quick ? 50 : 200);
  rows.push({ run: `${contexts.count} context cycles`, ok: contexts.status === 0, rssBefore: contexts.rssBefore, rssAfter: contexts.rssAfter, along: contexts.rssAt });
  const exprs = child('expressions', quick ? 300 : 1200);
  rows.push({ run: `${exprs.count} distinct expressions`, ok: exprs.status === 0, rssBefore: exprs.rssBefore, rssAfter: exprs.rssAfter, along: exprs.rssAt, note: `pipelines kept ${exprs.pipelines}` });
  // 10,000 calls on one context: the pool must not grow after the first few
  const pool = gpu.runtime.pool;
  const f = gpu.fn('x0^2 + sin(x1)');
  const calls = quick ? 2000 : 10_000;
  const rss0 = process.memoryUsage().rss / 2 ** 20;
  let alloc100 = 0;
  for (let i = 0; i < calls; i++) {
    await gpu.numericalGradient(f, [[i % 7, 1], [2, i % 5]]);
    if (i === 99) alloc100 = pool.bytesAllocated;
  }
  rows.push({ run: `${calls.toLocaleString('en-US')} gradient calls on one context`, ok: pool.bytesInUse === 0 && pool.bytesAllocated === alloc100,
    rssBefore: rss0, rssAfter: process.memoryUsage().rss / 2 ** 20, note: `pool: ${pool.bytesInUse} B in use, ${(pool.bytesAllocated / 1024).toFixed(1)} KiB allocated (after 100 calls: ${(alloc100 / 1024).toFixed(1)} KiB)` });
  return rows;
}

export function leakTable(rows) {
  const mb = (v) => (Number.isFinite(v) ? `${v.toFixed(0)} MiB` : 'n/a');
  return ['| run | clean | RSS before | RSS after | along the way | note |', '| --- | --- | ---: | ---: | --- | --- |',
    ...rows.map((r) => `| ${r.run} | ${r.ok ? 'yes' : '**no**'} | ${mb(r.rssBefore)} | ${mb(r.rssAfter)} | ${(r.along ?? []).map(([k, v]) => `${k}: ${v}`).join(', ')} | ${r.note ?? ''} |`)];
}

// What every section runs on: a `cpu` context (the float64 reference) and a `gpu` one (the
// context under study: 'auto' in the CLI, the page's backend on the web page). The two may be
// one and the same context (the page on ?backend=cpu); then each computation runs once.
import type { Context } from 'numgrad';

/** The two contexts a section runs on. */
export interface Contexts {
  cpu: Context;
  gpu: Context;
}

/** One quantity on both contexts. */
export interface Side<T> {
  cpu: T;
  gpu: T;
}

export interface BackendInfo {
  backend: 'webgpu' | 'cpu';
  adapter: string | null;
  fallbackReason: string | null;
}

/** Runs op on both contexts, in parallel; once when they are the same context. */
export async function both<T>(c: Contexts, op: (ctx: Context) => Promise<T>): Promise<Side<T>> {
  if (c.cpu === c.gpu) {
    const v = await op(c.cpu);
    return { cpu: v, gpu: v };
  }
  const [cpu, gpu] = await Promise.all([op(c.cpu), op(c.gpu)]);
  return { cpu, gpu };
}

export function backendInfo(ctx: Context): BackendInfo {
  const a = ctx.adapterInfo;
  return {
    backend: ctx.backend,
    adapter: a ? [a.vendor || '?', a.architecture || '?', a.description || a.device || '?'].join(' / ') : null,
    fallbackReason: ctx.fallbackReason,
  };
}

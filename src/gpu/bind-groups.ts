// Bind groups reused across calls. Pooled buffers come back in the same order when a call
// repeats, so the same function at the same size meets the same buffers again; its bind
// group is then taken from here instead of being created anew.
/** What a binding is keyed by (runtime.ts's Binding; not imported, so the two files form no cycle). */
interface Binding {
  binding: number;
  buffer: GPUBuffer;
  offset?: number;
  size?: number;
}

/** Bind groups kept per pipeline (oldest dropped first). */
export const BIND_GROUPS_PER_PIPELINE = 32;

export class BindGroupCache {
  /** bind groups reused (for tests of reuse) */
  hits = 0;
  private readonly perPipeline = new WeakMap<GPUComputePipeline, Map<string, GPUBindGroup>>();
  private readonly ids = new WeakMap<GPUBuffer, number>();
  private nextId = 1;

  private id(b: GPUBuffer): number {
    let id = this.ids.get(b);
    if (id === undefined) this.ids.set(b, (id = this.nextId++));
    return id;
  }

  /**
   * The bind group of `pipeline` over exactly these bindings (buffer identity, offset, size),
   * made with `create` when not held. A destroyed buffer never comes back from the pool, so
   * its entries are never hit again; the per-pipeline bound keeps them from piling up.
   */
  get(pipeline: GPUComputePipeline, bindings: Binding[], group: number, create: () => GPUBindGroup): GPUBindGroup {
    let map = this.perPipeline.get(pipeline);
    if (!map) this.perPipeline.set(pipeline, (map = new Map()));
    let key = String(group);
    for (const b of bindings) key += `|${b.binding}:${this.id(b.buffer)}:${b.offset ?? 0}:${b.size ?? -1}`;
    const hit = map.get(key);
    if (hit) {
      this.hits++;
      return hit;
    }
    const made = create();
    if (map.size >= BIND_GROUPS_PER_PIPELINE) map.delete(map.keys().next().value!);
    map.set(key, made);
    return made;
  }
}

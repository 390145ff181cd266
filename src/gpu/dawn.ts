import type { AdapterSource } from './device';

/**
 * Dawn (the `webgpu` npm package) for Node: the default adapter (a real GPU, or Mesa's
 * lavapipe), then Dawn's OpenGL ES backend in compatibility mode (works with older Mesa).
 * Imported lazily. One Dawn instance per process and backend, shared by every context:
 * a new instance per context grew memory by ~3 MB a cycle and never gave it back, and
 * contexts disposing while another instance was alive crashed Dawn. Holding the instance
 * does not keep Node alive; a live device does, until the context is disposed.
 */
type DawnModule = { create(flags: string[]): GPU };

let dawn: Promise<DawnModule> | undefined;
const instances = new Map<string, GPU>();

/** The process's Dawn instance for these flags, created on first use. */
function instance(create: DawnModule['create'], flags: string[]): GPU {
  const key = flags.join(' ');
  let gpu = instances.get(key);
  if (!gpu) instances.set(key, (gpu = create(flags)));
  return gpu;
}
function loadDawn(): Promise<DawnModule> {
  // The specifier is hidden from bundlers so that a browser bundle can never include Dawn.
  const spec = 'webgpu';
  dawn ??= import(/* @vite-ignore */ spec) as Promise<DawnModule>;
  dawn.catch(() => (dawn = undefined));
  return dawn;
}

export function dawnSources(): AdapterSource[] {
  return [
    {
      name: 'dawn (default backend)',
      async request() {
        const { create } = await loadDawn();
        const gpu = instance(create, []);
        const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
        return adapter ? { adapter, gpu, source: 'dawn' } : null;
      },
    },
    {
      name: 'dawn (opengles, compatibility)',
      async request() {
        const { create } = await loadDawn();
        const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
        if (env && !env.EGL_PLATFORM) env.EGL_PLATFORM = 'surfaceless';
        const gpu = instance(create, ['backend=opengles']);
        const adapter = await gpu.requestAdapter({ featureLevel: 'compatibility' } as GPURequestAdapterOptions);
        return adapter ? { adapter, gpu, source: 'dawn-opengles' } : null;
      },
    },
  ];
}

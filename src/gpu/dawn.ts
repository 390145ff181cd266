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

/** Why Dawn could not be loaded, in words a user can act on. */
export function dawnLoadError(e: unknown): Error {
  const code = (e as { code?: string } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && /'webgpu'/.test(message)) {
    return new Error('the `webgpu` package (Dawn, an optional peer dependency of numgrad) is not installed: `npm i webgpu`');
  }
  return new Error(`Dawn (the \`webgpu\` package) did not load: ${message}`);
}

let failed: Error | undefined;
function loadDawn(): Promise<DawnModule> {
  // The specifier is hidden from bundlers so that a browser bundle can never include Dawn.
  const spec = 'webgpu';
  dawn ??= (import(/* @vite-ignore */ spec) as Promise<DawnModule>).then(
    (m) => ((failed = undefined), m),
    (e) => {
      dawn = undefined; // a later context tries again (the package may have been installed since)
      throw (failed = dawnLoadError(e));
    },
  );
  return dawn;
}

/** The second source after the first could not load Dawn: say so once, not twice. */
async function loadDawnAgain(): Promise<DawnModule> {
  if (failed) throw new Error('not tried');
  return loadDawn();
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
        const { create } = await loadDawnAgain();
        const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
        if (env && !env.EGL_PLATFORM) env.EGL_PLATFORM = 'surfaceless';
        const gpu = instance(create, ['backend=opengles']);
        const adapter = await gpu.requestAdapter({ featureLevel: 'compatibility' } as GPURequestAdapterOptions);
        return adapter ? { adapter, gpu, source: 'dawn-opengles' } : null;
      },
    },
  ];
}

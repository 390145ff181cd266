// Node entry: navigator.gpu if the host provides one, then Dawn (loaded lazily); loadMnist.
import { createContextWith, type Context, type ContextOptions } from './context';
import { navigatorSource } from './gpu/device';
import { dawnSources } from './gpu/dawn';

export * from './index';
// MNIST ships inside the `mnist` package (no network); Node-only so browser bundles skip it.
export { loadMnist, type MnistSplit, type LoadMnistOptions, type MnistSource } from './features/nn/data/mnist';

/**
 * Creates a context: one backend for its whole life, and every numgrad operation as a method.
 *
 * In Node the GPU comes from `navigator.gpu` when the host has one, else from Dawn (the
 * `webgpu` package, an optional peer dependency: `npm i webgpu`), loaded on first use.
 * With `backend: 'auto'` (the default) a missing adapter, or a missing `webgpu` package,
 * falls back to the float64 CPU path, logs one line and says why in
 * {@link Context.fallbackReason}; `'webgpu'` throws {@link NoAdapterError} instead.
 *
 * Call {@link Context.dispose} when done: it frees the device, after which Node can exit.
 *
 * @example
 * ```ts
 * const ctx = await createContext();          // { backend: 'auto' }
 * await ctx.numericalGradient(ctx.fn('x0^2 + x1^2'), [3, 4]); // ≈ [6, 8]
 * await ctx.dispose();
 * ```
 * @throws {@link ArgumentError} for unknown options or values.
 */
export function createContext(options?: ContextOptions): Promise<Context> {
  return createContextWith([navigatorSource(), ...dawnSources()], options);
}

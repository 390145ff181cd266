// Browser entry: navigator.gpu only; this file never imports Dawn.
import { BROWSER_HINT, createContextWith, type Context, type ContextOptions } from './context';
import { navigatorSource } from './gpu/device';

export * from './index';

/**
 * Creates a context: one backend for its whole life, and every numgrad operation as a method.
 *
 * In a browser the GPU is `navigator.gpu` (WebGPU needs a secure context: https or
 * localhost). With `backend: 'auto'` (the default) a browser without WebGPU falls back to
 * the float64 CPU path, logs one line and says why in {@link Context.fallbackReason};
 * `'webgpu'` throws {@link NoAdapterError} instead. Pass `device` to share a GPUDevice
 * your app already has.
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
  return createContextWith([navigatorSource()], options, BROWSER_HINT);
}

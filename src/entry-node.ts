// Node entry: navigator.gpu if the host provides one, then Dawn (loaded lazily).
import { createContextWith, type Context, type ContextOptions } from './context';
import { navigatorSource } from './webgpu/device';
import { dawnSources } from './webgpu/dawn';

export * from './index';

export function createContext(options?: ContextOptions): Promise<Context> {
  return createContextWith([navigatorSource(), ...dawnSources()], options);
}

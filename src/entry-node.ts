// Node entry: navigator.gpu if the host provides one, then Dawn (loaded lazily).
import { createContextWith, type Context, type ContextOptions } from './context';
import { navigatorSource } from './gpu/device';
import { dawnSources } from './gpu/dawn';

export * from './index';
// MNIST ships inside the `mnist` package (no network); Node-only so browser bundles skip it.
export { loadMnist, type MnistSplit } from './features/nn/data/mnist';

export function createContext(options?: ContextOptions): Promise<Context> {
  return createContextWith([navigatorSource(), ...dawnSources()], options);
}

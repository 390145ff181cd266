// Browser entry: navigator.gpu only; this file never imports Dawn.
import { BROWSER_HINT, createContextWith, type Context, type ContextOptions } from './context';
import { navigatorSource } from './gpu/device';

export * from './index';

export function createContext(options?: ContextOptions): Promise<Context> {
  return createContextWith([navigatorSource()], options, BROWSER_HINT);
}

// ctx.simpleNet and ctx.twoLayerNet: the book's networks on the context's backend.
import type { Runner } from '../../core/backend';
import { SimpleNet, type SimpleNetOptions } from './simple-net';
import { TwoLayerNet, type TwoLayerNetOptions } from './two-layer-net';

export interface NnMethods {
  /** The book's simpleNet: { W } (inputSize×outputSize, default 2×3) or a seeded N(0,1) init. */
  simpleNet(opts?: SimpleNetOptions): SimpleNet;
  /** The book's TwoLayerNet (affine → sigmoid → affine → softmax), parameters on this context's backend. */
  twoLayerNet(opts: TwoLayerNetOptions): TwoLayerNet;
}

export const nnMethods = {
  simpleNet(this: Runner, opts: SimpleNetOptions = {}) {
    return new SimpleNet(this, opts);
  },
  twoLayerNet(this: Runner, opts: TwoLayerNetOptions) {
    return new TwoLayerNet(this, opts);
  },
};

// What a backend provides for the nets: a NetImpl per net, holding its parameters where the
// backend computes (float64 arrays on the CPU, f32 buffers on the GPU). The public classes
// (simple-net.ts, two-layer-net.ts) validate input once and forward here.
import type { Target } from './cpu/targets';

/** Layer sizes. SimpleNet: hidden = 0 (a = x·W, no bias). TwoLayerNet: hidden > 0, biases. */
export interface NetSpec {
  inputSize: number;
  hiddenSize: number;
  outputSize: number;
}

/**
 * Parameters as flat float64 arrays in a fixed order: SimpleNet [W]; TwoLayerNet
 * [W1 (I×H), b1 (H), W2 (H×K), b2 (K)], matrices row-major.
 */
export type FlatParams = Float64Array[];

/** A validated batch: `rows` samples of `x` (row-major) and their targets. */
export interface Batch {
  x: Float64Array;
  rows: number;
  t: Target;
}

/** 'structured': loss differences from the cached forward pass; 'generic': a whole forward per perturbed copy. */
export type GradMethod = 'structured' | 'generic';

export interface NetImpl {
  readonly kind: 'cpu' | 'webgpu';
  readonly spec: NetSpec;
  setParams(p: FlatParams): void;
  getParams(): Promise<FlatParams>;
  /** rows×K: logits x·W for SimpleNet (the book's predict), softmax output for TwoLayerNet */
  predict(x: Float64Array, rows: number): Promise<Float64Array>;
  loss(b: Batch): Promise<number>;
  accuracy(b: Batch): Promise<number>;
  /** h already resolved (a positive number) */
  numericalGradient(b: Batch, h: number, method: GradMethod): Promise<FlatParams>;
  /** exact backprop gradient of the loss as defined (the 1e-7 in the log included) */
  gradient(b: Batch): Promise<FlatParams>;
  /**
   * One SGD step on the batch, then the batch loss at the updated parameters (as the book
   * records it) is kept for takeLosses(). No readback on the GPU.
   */
  trainStep(b: Batch, lr: number, gradient: 'numerical' | 'backprop', h: number): Promise<void>;
  /** the losses recorded by trainStep since the last call (one readback on the GPU) */
  takeLosses(): Promise<Float64Array>;
  /** waits for queued device work (the GPU path throttles training with it); no readback */
  settle(): Promise<void>;
  dispose(): void;
}

/** Shapes of the parameters in FlatParams order. */
export function paramShapes(s: NetSpec): { name: string; shape: number[] }[] {
  if (s.hiddenSize === 0) return [{ name: 'W', shape: [s.inputSize, s.outputSize] }];
  return [
    { name: 'W1', shape: [s.inputSize, s.hiddenSize] },
    { name: 'b1', shape: [s.hiddenSize] },
    { name: 'W2', shape: [s.hiddenSize, s.outputSize] },
    { name: 'b2', shape: [s.outputSize] },
  ];
}

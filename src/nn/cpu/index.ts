// The float64 reference networks and their float32 emulation, for the nn layer and tests.
export { type Mat, type MatInput, zeros, toMat, toRows, shapeOf } from './tensor';
export { type Target, type TargetInput, toTarget } from './targets';
export {
  CE_EPS, matmul, matmulInto, addBias, addBiasInto, sigmoid, sigmoidInto, softmaxRows,
  softmaxRowsInto, crossEntropy, accuracy, argmaxRows, treeSum,
} from './ops';
export { exactLogitGradInto, bookLogitGradInto, sampleLossChange, sampleLossChange1 } from './output-layer';
export { structuredOutputGrad, structuredHiddenGrad } from './structured';
export { Rng } from './rng';
export { SimpleNet, type SimpleNetOptions } from './simple-net';
export {
  TwoLayerNet, type TwoLayerNetOptions, type TwoLayerParams, type NumericalGradientOptions,
} from './two-layer-net';
export {
  structuredNumericalGradientF32, naiveNumericalGradientF32, simpleNetStructuredGradientF32,
  simpleNetNaiveGradientF32, twoLayerLossF32, type NaiveF32Options,
} from './f32-emulation';

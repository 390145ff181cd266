// Public exports shared by the browser and Node entries.
export { Context, type BackendChoice, type ContextOptions } from './context';
export type { AdapterInfo } from './webgpu/device';
export {
  NumgradError,
  ArgumentError,
  NoAdapterError,
  DeviceLostError,
  ShaderCompileError,
  GpuError,
  DisposedError,
} from './errors';

export { linePlot, quiverPlot, barChart, type Series, type Frame, type Bar } from './plot/svg';

// --- differentiation exports ---
export { ExprFunction, WgslFunction, type WgslSpec, type JsFunction, type DiffFunction } from './fn';
export { ExprError } from './expr/index';
export type { DiffOptions, PointOptions, GradientDetail, FunctionInput, Like } from './diff/api';
export type { VerifyReport } from './diff/verify';
export type { Step, Stencil } from './diff/ops';
export type { DescentOptions, DescentResult } from './optim/descent';
export type { Nested, NestedOut, NumericInput } from './shape';

export {
  linearRegressionDescent, normalEquations, manualGradientDescent,
  type LinearRegressionOptions, type LinearRegressionResult, type RegressionMode,
} from './optim/regression';

// --- networks exports ---
export { SimpleNet, type SimpleNetOptions } from './nn/simple-net';
export { TwoLayerNet, type TwoLayerNetOptions, type TwoLayerParams } from './nn/two-layer-net';
export { Net, type NetGradientOptions } from './nn/net';
export type { TrainOptions, TrainResult, TrainProgress, TrainData } from './nn/train';
export type { GradCheckOptions, GradCheckReport, GradCheckElement, NonFiniteElement } from './check/gradcheck';

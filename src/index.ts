// Public exports shared by the browser and Node entries.
export { Context, type BackendChoice, type ContextOptions } from './context';
export type { Mat } from './features/nn/cpu/tensor';
export type { AdapterInfo } from './gpu/device';
export {
  NumgradError,
  ArgumentError,
  NoAdapterError,
  DeviceLostError,
  ShaderCompileError,
  GpuError,
  DisposedError,
} from './core/errors';

export { linePlot, quiverPlot, barChart, type Series, type Frame, type Bar } from './plot/svg';

// --- differentiation exports ---
export { ExprFunction, WgslFunction, type WgslSpec, type JsFunction, type DiffFunction, type ExprOptions } from './functions/fn';
export type { PointSource } from './expr/batch-source';
export { ExprError, type Dependencies, type TermDependency } from './expr/index';
export type { DiffOptions, PointOptions, GradientDetail, FunctionInput, Like, Nest, Detailed, DirectionalOptions } from './features/diff/api';
export type { Shaped } from './features/diff/api';
export type { BoundsInput } from './features/diff/bounds';
export type { DerivativeStatus } from './features/diff/status';
export type { VerifyReport } from './features/diff/verify';
export { exprSumsConfig } from './features/sums/config';
export type { Step, Stencil } from './core/steps';
export type { DescentOptions, DescentResult } from './features/descent/api';
export type { Nested, NestedOut, NumericInput } from './core/input';

export {
  linearRegressionDescent, normalEquations, manualGradientDescent, manualGradient, manualLoss, manualLossExpr, regressionCost,
  type LinearRegressionOptions, type LinearRegressionResult, type RegressionMode, type ManualDescentOptions, type ManualDescentResult,
} from './features/descent/regression';
export {
  makeLinearRegression, regressionLoss, regressionGradient, type RegressionOptions, type RegressionData,
} from './features/descent/regression-data';

// --- networks exports ---
export { SimpleNet, type SimpleNetOptions } from './features/nn/simple-net';
export { TwoLayerNet, type TwoLayerNetOptions, type TwoLayerParams } from './features/nn/two-layer-net';
export { Net, type NetGradientOptions, type NetGradientDetail } from './features/nn/net';
export type { NetSpec, GradMethod } from './features/nn/ops';
export type { NetStep } from './features/nn/steps';
export type { TrainOptions, TrainResult, TrainProgress, TrainData } from './features/nn/train';
export type { GradCheckOptions, GradCheckReport, GradCheckElement, NonFiniteElement } from './features/check/gradcheck';

// --- Jacobians and Hessians ---
export type { JacobianOptions, HessianOptions, ProductOptions, HvpOptions, VectorFunctionInput } from './features/jacobian/api';
export type { EntriesDetail, CooMatrix } from './features/jacobian/shape';
export type { SparsityPattern } from './features/jacobian/colouring';
export type { MatrixCheckOptions, MatrixCheckReport, MatrixCheckElement } from './features/jacobian/check';

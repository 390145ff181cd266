// The differentiation operations on both paths (see core/backend.ts for the seam).
import type { Op } from '../../core/backend';
import { cpuEvaluate, cpuGradient } from './cpu';
import { gpuEvaluate, gpuGradient } from './gpu';
import type { GradientJob, GradientOut, PointsJob } from './jobs';

export const evaluateOp: Op<PointsJob, Float64Array> = { name: 'evaluate', cpu: cpuEvaluate, webgpu: gpuEvaluate };
export const gradientOp: Op<GradientJob, GradientOut> = { name: 'numericalGradient', cpu: cpuGradient, webgpu: gpuGradient };

// The structured gradient on both paths (see core/backend.ts for the seam); chosen over
// diff's gradientOp by src/features/diff/api.ts when structuredApplies(job).
import type { Op } from '../../core/backend';
import type { GradientJob, GradientOut } from '../diff/jobs';
import { cpuSumsGradient } from './cpu';
import { gpuSumsGradient } from './gpu';

export { structuredApplies } from './api';

export const sumsGradientOp: Op<GradientJob, GradientOut> = { name: 'numericalGradient', cpu: cpuSumsGradient, webgpu: gpuSumsGradient };

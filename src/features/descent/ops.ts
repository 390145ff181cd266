// Gradient descent on both paths: the CPU loop in float64, or the whole run on the device.
import type { Op } from '../../core/backend';
import { cpuDescent } from './cpu';
import { gpuDescent } from './gpu';
import type { DescentJob, DescentOut } from './jobs';

export const descentOp: Op<DescentJob, DescentOut> = { name: 'gradientDescent', cpu: cpuDescent, webgpu: gpuDescent };

// A net's parameters live where its backend computes: float64 arrays, or f32 device buffers.
import type { Backend } from '../../core/backend';
import { CpuNet } from './cpu-net';
import { GpuNet } from './gpu/net';
import type { FlatParams, NetImpl, NetSpec } from './ops';

export function createNetImpl(b: Backend, spec: NetSpec, params: FlatParams): NetImpl {
  return b.kind === 'cpu' ? new CpuNet(spec, params) : new GpuNet(b.rt, spec, params);
}

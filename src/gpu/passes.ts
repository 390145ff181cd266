// Compute passes as the runtime records them: one pass per kernel (a pass boundary is where
// WebGPU orders one kernel's storage writes before the next one's reads), or one pass for a
// repeated sequence (dispatches inside one pass are ordered too).

/** One compute pass holding one dispatch, direct or indirect (`record`). */
export function onePass(encoder: GPUCommandEncoder, pipeline: GPUComputePipeline, bindGroup: GPUBindGroup, group: number, record: (pass: GPUComputePassEncoder) => void): void {
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(group, bindGroup);
  record(pass);
  pass.end();
}

/** `times` repetitions of a sequence of dispatches in one pass (an iterative method's steps per submit). */
export function repeatPass(encoder: GPUCommandEncoder, steps: { pipeline: GPUComputePipeline; bindGroup: GPUBindGroup; workgroups: [number, number] }[], times: number): void {
  const pass = encoder.beginComputePass();
  for (let t = 0; t < times; t++) {
    for (const s of steps) {
      pass.setPipeline(s.pipeline);
      pass.setBindGroup(0, s.bindGroup);
      pass.dispatchWorkgroups(...s.workgroups);
    }
  }
  pass.end();
}

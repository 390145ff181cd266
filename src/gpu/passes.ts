// Compute passes as the runtime records them: the kernels recorded one after another on an
// encoder share its open pass (see openPass below); a repeated sequence of dispatches (an
// iterative method's steps per submit) goes into that pass too.

/** One dispatch, direct or indirect (`record`), in the encoder's open pass. */
export function onePass(encoder: GPUCommandEncoder, pipeline: GPUComputePipeline, bindGroup: GPUBindGroup, group: number, record: (pass: GPUComputePassEncoder) => void): void {
  const pass = openPass(encoder);
  pass.setPipeline(pipeline);
  pass.setBindGroup(group, bindGroup);
  record(pass);
}

/** `times` repetitions of a sequence of dispatches in the encoder's open pass. */
export function repeatPass(encoder: GPUCommandEncoder, steps: { pipeline: GPUComputePipeline; bindGroup: GPUBindGroup; workgroups: [number, number] }[], times: number): void {
  const pass = openPass(encoder);
  for (let t = 0; t < times; t++) {
    for (const s of steps) {
      pass.setPipeline(s.pipeline);
      pass.setBindGroup(0, s.bindGroup);
      pass.dispatchWorkgroups(...s.workgroups);
    }
  }
}

// The compute pass each encoder has open: consecutive kernels share one pass (each dispatch
// is its own usage scope, so one kernel's writes are visible to the next, indirect arguments
// included), and the pass ends before anything else is recorded (a copy, a submit).
const open = new WeakMap<GPUCommandEncoder, GPUComputePassEncoder>();

/** The encoder's open compute pass, begun if none is. */
export function openPass(encoder: GPUCommandEncoder): GPUComputePassEncoder {
  let pass = open.get(encoder);
  if (!pass) open.set(encoder, (pass = encoder.beginComputePass()));
  return pass;
}

/** Ends the encoder's open compute pass, if any (before a copy, a submit or another pass). */
export function endPass(encoder: GPUCommandEncoder): void {
  const pass = open.get(encoder);
  if (!pass) return;
  open.delete(encoder);
  pass.end();
}

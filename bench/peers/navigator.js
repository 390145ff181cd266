// A browser-like `navigator` for the peers (TF.js's webgpu backend, jax-js) and numgrad,
// set before any of them loads: one Dawn GPU object for the whole process, so every row
// runs on the same adapter. numgrad's Node entry uses navigator.gpu when it exists.
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
if (!globalThis.navigator?.gpu) {
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]), userAgent: `Node.js ${process.version}` }, configurable: true });
}

// Shaders are bundled as strings by build/wgsl-plugin.js (rollup and vitest alike).
declare module '*.wgsl' {
  const source: string;
  export default source;
}

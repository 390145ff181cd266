// The layout rules of docs/design.md, checked on the source itself: only the GPU runtime
// (src/gpu/) calls the WebGPU API, src/ has no import cycle (type-only imports included),
// no file in src/ is over 400 lines, and the library's entry points hold no app or test code.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const src = join(root, 'src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const tsFiles = walk(src).filter((f) => f.endsWith('.ts'));
const rel = (f: string) => relative(root, f);
/** Source text without comments, so prose that names an API does not count. */
const code = (f: string) => readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

describe('layout', () => {
  it('only src/gpu/ calls the WebGPU API', () => {
    const api = /\.(createBuffer|createBindGroup|createBindGroupLayout|createComputePipeline|createComputePipelineAsync|createShaderModule|createCommandEncoder|writeBuffer|mapAsync|getMappedRange|onSubmittedWorkDone|beginComputePass|copyBufferToBuffer|getBindGroupLayout|requestDevice|requestAdapter)\s*\(|\.queue\.submit\s*\(/;
    const offenders: string[] = [];
    for (const f of tsFiles) {
      if (rel(f).startsWith('src/gpu/')) continue;
      code(f).split('\n').forEach((line, i) => {
        if (api.test(line)) offenders.push(`${rel(f)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders, offenders.join('\n')).toEqual([]);
  });

  it('a check of the API rule would catch a call (the pattern is not vacuous)', () => {
    const api = /\.(createBindGroup|writeBuffer)\s*\(/;
    expect(api.test('rt.device.createBindGroup({')).toBe(true);
    expect(api.test('device.queue.writeBuffer(b, 0, d)')).toBe(true);
  });

  it('src/ has no import cycle, type-only imports included', () => {
    const graph = new Map<string, string[]>();
    for (const f of tsFiles) {
      const deps: string[] = [];
      for (const m of readFileSync(f, 'utf8').matchAll(/(?:import|export)\s[^'";]*?from\s+'(\.[^']+)'/g)) {
        const base = resolve(dirname(f), m[1]);
        const hit = [base, base + '.ts', join(base, 'index.ts')].find((p) => existsSync(p) && statSync(p).isFile());
        if (hit && hit.endsWith('.ts')) deps.push(hit);
      }
      graph.set(f, deps);
    }
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, stack: string[]) => {
      state.set(f, 'open');
      for (const d of graph.get(f) ?? []) {
        if (state.get(d) === 'open') cycles.push([...stack.slice(stack.indexOf(d)), d].map(rel).join(' → '));
        else if (!state.has(d)) visit(d, [...stack, d]);
      }
      state.set(f, 'done');
    };
    for (const f of tsFiles) if (!state.has(f)) visit(f, [f]);
    expect(cycles, cycles.join('\n')).toEqual([]);
  });

  it('no file in src/ is over 400 lines', () => {
    const long = walk(src).map((f) => [rel(f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, n]) => n > 400);
    expect(long).toEqual([]);
  });

  it("the library's entry points hold no app, demo or test module", () => {
    const maps = readdirSync(join(root, 'dist')).filter((f) => f.endsWith('.js.map')).map((f) => join(root, 'dist', f));
    const chunks = existsSync(join(root, 'dist/chunks')) ? readdirSync(join(root, 'dist/chunks')).filter((f) => f.endsWith('.map')).map((f) => join(root, 'dist/chunks', f)) : [];
    const sources = [...maps, ...chunks].flatMap((m) => (JSON.parse(readFileSync(m, 'utf8')).sources as string[]).map((s) => resolve(dirname(m), s)));
    expect(sources.length).toBeGreaterThan(10);
    const foreign = sources.map(rel).filter((s) => !s.startsWith('src/'));
    expect(foreign).toEqual([]);
    // and the library's own source really is what they are built from
    expect(sources.map(rel)).toContain('src/features/diff/api.ts');
  });
});

describe('constants shared by TypeScript and WGSL', () => {
  const shader = (p: string) => readFileSync(join(src, p), 'utf8');
  const wgslConst = (text: string, name: string) => {
    const m = new RegExp(`const ${name}: (?:u32|f32) = ([0-9.e+-]+)u?;`).exec(text);
    if (!m) throw new Error(`no const ${name} in the shader`);
    return Number(m[1]);
  };

  it('the consts WGSL cannot take as overrides equal their TypeScript twins', async () => {
    const { MATMUL_R } = await import('../src/gpu/constants');
    const { GENERIC_MAX_OUTPUTS } = await import('../src/features/nn/gpu/kernels');
    const { CE_EPS } = await import('../src/features/nn/cpu/ops');
    expect(wgslConst(shader('features/nn/shaders/nn_matmul.wgsl'), 'R')).toBe(MATMUL_R);
    const { LADDER_STEPS } = await import('../src/features/diff/ladder');
    expect(wgslConst(shader('features/diff/shaders/ladder.wgsl'), 'LK')).toBe(LADDER_STEPS);
    expect(wgslConst(shader('features/diff/shaders/ladder.wgsl'), 'LG')).toBe(2 * LADDER_STEPS);
    expect(wgslConst(shader('features/nn/shaders/nn_generic.wgsl'), 'MAXK')).toBe(GENERIC_MAX_OUTPUTS);
    for (const f of ['nn_generic', 'nn_hidden_common', 'nn_grad_out', 'nn_loss']) {
      expect(Math.fround(wgslConst(shader(`features/nn/shaders/${f}.wgsl`), 'EPS'))).toBe(Math.fround(CE_EPS));
    }
  });

  it('workgroup sizes are overrides without defaults (set from src/gpu/constants.ts only)', () => {
    const offenders = walk(src).filter((f) => f.endsWith('.wgsl'))
      .filter((f) => /override (WG|TN|TK)\s*:\s*u32\s*=/.test(readFileSync(f, 'utf8')) || /@workgroup_size\(\d/.test(readFileSync(f, 'utf8')))
      .map(rel);
    expect(offenders).toEqual([]);
  });
});

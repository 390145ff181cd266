import { ArgumentError, ShaderCompileError } from '../../core/errors';
import { ExprFunction, WgslFunction, type DiffFunction } from '../../functions/fn';
import type { Constants } from '../../gpu/pipelines';
import type { GpuRuntime } from '../../gpu/runtime';

/** A JS function cannot run on the GPU: say what to use instead. */
export function gpuFunction(f: DiffFunction): ExprFunction | WgslFunction {
  if (typeof f === 'function') {
    throw new ArgumentError('f', 'a plain JS function cannot run on the webgpu backend: write it as an expression with ' +
      "ctx.fn('x0^2 + x1^2') or as a WGSL body with ctx.wgsl({ n, body }), or create the context with { backend: 'cpu' }");
  }
  return f;
}

/** 53-bit FNV-1a-style hash of the module text, to name generated pipelines. */
export function hashText(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return ((h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0'));
}

/**
 * Compiles harness + stencil + user code into a pipeline named by the hash of the full
 * source. A WGSL body that does not compile becomes a ShaderCompileError whose line and
 * column refer to the user's body, with that line shown.
 */
export async function harnessPipeline(
  rt: GpuRuntime,
  fn: ExprFunction | WgslFunction,
  harnessName: string,
  harness: string,
  firstBinding: number,
  entry: string,
  constants: Constants,
): Promise<GPUComputePipeline> {
  checkDataCount(rt, fn, harness);
  // the module text and its hash, once per function and harness (a call of the same function
  // again goes straight to the pipeline cache: no WGSL generation, no hashing)
  const { code, name, bodyLine, body, prefix } = moduleFor(fn, harnessName, harness, firstBinding);
  try {
    return await rt.pipeline(name, code, constants, entry);
  } catch (e) {
    if (!(e instanceof ShaderCompileError) || !(fn instanceof WgslFunction)) throw e;
    throw bodyError(e, name, body, lineCount(prefix) + bodyLine - 1);
  }
}

interface ModuleText {
  code: string;
  name: string;
  bodyLine: number;
  body: string;
  prefix: string;
}
// per function, per harness text (a module constant: its hash is computed once by the engine)
// and first data binding; no string is built on a hit
const modules = new WeakMap<ExprFunction | WgslFunction, Map<string, Map<number, ModuleText>>>();

function moduleFor(fn: ExprFunction | WgslFunction, harnessName: string, harness: string, firstBinding: number): ModuleText {
  let perFn = modules.get(fn);
  if (!perFn) modules.set(fn, (perFn = new Map()));
  let perHarness = perFn.get(harness);
  if (!perHarness) perFn.set(harness, (perHarness = new Map()));
  let m = perHarness.get(firstBinding);
  if (!m) {
    const prefix = harness + '\n';
    let user: string;
    let bodyLine = 0;
    let body = '';
    if (fn instanceof WgslFunction) {
      const c = fn.wgslCode(firstBinding);
      user = c.code;
      bodyLine = c.bodyLine;
      body = c.body;
    } else {
      user = fn.expr.wgsl({ dataBinding: firstBinding }); // data as storage, like a WGSL body's
    }
    const code = prefix + user;
    m = { code, name: `${harnessName}_${hashText(code)}`, bodyLine, body, prefix };
    perHarness.set(firstBinding, m);
  }
  return m;
}

function lineCount(s: string): number {
  return s.split('\n').length - 1;
}

/** Data arrays are storage buffers next to the harness's own: refuse too many before compiling. */
const ownStorage = new Map<string, number>();
function checkDataCount(rt: GpuRuntime, fn: ExprFunction | WgslFunction, harness: string): void {
  let own = ownStorage.get(harness);
  if (own === undefined) ownStorage.set(harness, (own = harness.match(/^\s*@group\(0\)\s*@binding\(\d+\)\s*var<storage\b/gm)?.length ?? 0));
  const limit = rt.limits.maxStorageBuffersPerShaderStage;
  if (fn.data.length + own > limit) {
    throw new ArgumentError('data', `${fn.data.length} data arrays and the harness's ${own} storage buffers exceed this device's ` +
      `maxStorageBuffersPerShaderStage (${limit}): give at most ${limit - own} arrays (concatenate some)`);
  }
}

/**
 * Rewrites `name:L:C` positions to the user's body (line 1 = the body's first line). The line
 * after the body is the `}` numgrad appends: what the compiler finds there ("expected ';'",
 * "missing return at end of function") is about the end of the body, and is reported there.
 */
function bodyError(e: ShaderCompileError, name: string, body: string, offset: number): ShaderCompileError {
  const bodyLines = body.split('\n');
  const last = bodyLines.length;
  const toBody = (line: number, col: number): [number, number] | null => {
    const b = line - offset;
    if (b >= 1 && b <= last) return [b, col];
    if (b === last + 1) return [last, bodyLines[last - 1].length + 1];
    return null;
  };
  const where = (l: string, c: string) => {
    const b = toBody(Number(l), Number(c));
    return b ? `body:${b[0]}:${b[1]}${Number(l) - offset > last ? ' (the end of the body)' : ''}` : `harness:${l}:${c}`;
  };
  let at = e.line > 0 ? toBody(e.line, e.column) : null;
  // pipeline-creation errors (override values known) come as ":L:C error: ..." in the text
  const late = e.line > 0 ? null : /^:(\d+):(\d+) error/m.exec(e.messages);
  if (late) at = toBody(Number(late[1]), Number(late[2]));
  const messages = e.messages
    .replace(new RegExp(`${name}:(\\d+):(\\d+)`, 'g'), (_m, l: string, c: string) => where(l, c))
    .replace(/^:(\d+):(\d+)(?= (?:error|warning|note))/gm, (_m, l: string, c: string) => where(l, c));
  const err = new ShaderCompileError('wgsl body', at ? at[0] : 0, at ? at[1] : 0, messages, body);
  err.message = at
    ? `numgrad: the WGSL body does not compile (line ${at[0]}, column ${at[1]} of the body):\n${messages}`
    : `numgrad: the WGSL body does not compile together with the harness:\n${messages}`;
  return err;
}

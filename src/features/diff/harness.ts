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
  const prefix = harness + '\n';
  let user: string;
  let bodyLine = 0;
  if (fn instanceof WgslFunction) {
    const c = fn.wgslCode(firstBinding);
    user = c.code;
    bodyLine = c.bodyLine;
  } else {
    user = fn.expr.wgsl();
  }
  const code = prefix + user;
  const name = `${harnessName}_${hashText(code)}`;
  try {
    return await rt.pipeline(name, code, constants, entry);
  } catch (e) {
    if (!(e instanceof ShaderCompileError) || !(fn instanceof WgslFunction) || e.line === 0) throw e;
    throw bodyError(e, name, fn, lineCount(prefix) + bodyLine - 1);
  }
}

function lineCount(s: string): number {
  return s.split('\n').length - 1;
}

/** Rewrites `name:L:C` positions to the user's body (line 1 = the body's first line). */
function bodyError(e: ShaderCompileError, name: string, fn: WgslFunction, offset: number): ShaderCompileError {
  const bodyLines = fn.body.split('\n');
  const toBody = (line: number) => line - offset;
  const line = toBody(e.line);
  const inBody = line >= 1 && line <= bodyLines.length;
  const messages = e.messages.replace(new RegExp(`${name}:(\\d+):(\\d+)`, 'g'), (_m, l: string, c: string) => {
    const b = toBody(Number(l));
    return b >= 1 && b <= bodyLines.length ? `body:${b}:${c}` : `harness:${l}:${c}`;
  });
  const err = new ShaderCompileError('wgsl body', inBody ? line : 0, inBody ? e.column : 0, messages, fn.body);
  err.message = inBody
    ? `numgrad: the WGSL body does not compile (line ${line}, column ${e.column} of the body):\n${messages}`
    : `numgrad: the WGSL body does not compile together with the harness (it may use a name the harness defines):\n${messages}`;
  return err;
}

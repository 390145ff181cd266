import { ArgumentError } from '../core/errors';
import type { Node } from './ast';
import { Compiled } from './compiled';
import { ExprError } from './errors';
import { parse, RESERVED } from './parser';
import { substLen } from './derivative';
import type { CompiledExpr, CompileOptions } from './types';

export { ExprError } from './errors';
export type { Dependencies, TermDependency } from './deps';
export type { CompiledExpr, CompileOptions } from './types';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function readParams(p: unknown): string[] | null {
  if (p === undefined) return null;
  if (!Array.isArray(p) || p.length === 0) throw new ArgumentError('params', 'expected a non-empty array of parameter names');
  const seen = new Set<string>();
  for (const name of p) {
    if (typeof name !== 'string' || !IDENT.test(name)) throw new ArgumentError('params', `'${String(name)}' is not a name (letters, digits, _)`);
    if (RESERVED.has(name)) throw new ArgumentError('params', `'${name}' is a function or constant name`);
    if (seen.has(name)) throw new ArgumentError('params', `'${name}' appears twice`);
    seen.add(name);
  }
  return [...p];
}

function readData(d: unknown, params: readonly string[] | null): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  if (d === undefined) return out;
  if (d === null || typeof d !== 'object' || Array.isArray(d)) throw new ArgumentError('data', 'expected { name: array of numbers, ... }');
  for (const [name, values] of Object.entries(d)) {
    if (!IDENT.test(name) || RESERVED.has(name)) throw new ArgumentError('data', `'${name}' cannot name a data array (a function, constant or not a name)`);
    if (params?.includes(name)) throw new ArgumentError('data', `'${name}' is also a parameter`);
    if (!params && (name === 'x' || /^x\d+$/.test(name))) throw new ArgumentError('data', `'${name}' is a variable name; use params to name the parameters`);
    const v = values as ArrayLike<number>;
    if (v == null || typeof v.length !== 'number' || v.length === 0) throw new ArgumentError('data', `'${name}' must be a non-empty array of numbers`);
    const f = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) {
      if (typeof v[i] !== 'number' || !Number.isFinite(v[i])) throw new ArgumentError('data', `${name}[${i}] is ${String(v[i])}; expected a finite number`);
      f[i] = v[i];
    }
    out.set(name, f);
  }
  return out;
}

export function compileExpr(source: string | readonly string[], opts: CompileOptions = {}): CompiledExpr {
  const list = Array.isArray(source) ? source : [source];
  if (list.length === 0) throw new ArgumentError('source', 'expected an expression or a non-empty list of expressions');
  for (const s of list) if (typeof s !== 'string') throw new ArgumentError('source', `expression must be a string, got ${typeof s}`);
  if (opts === null || typeof opts !== 'object') throw new ArgumentError('opts', 'expected { n?, params?, data? }');
  const params = readParams(opts.params);
  const data = readData(opts.data, params);
  const lengths = new Map([...data].map(([k, v]) => [k, v.length]));
  const parsed = (list as string[]).map((s) => ({ s, r: parse(s, { params: params ?? undefined, data: lengths }) }));
  let n: number | null;
  let minLen = 1;
  for (const { r } of parsed) minLen = Math.max(minLen, r.maxIndex + 1);
  if (params) {
    n = params.length;
    if (opts.n !== undefined && opts.n !== n) throw new ArgumentError('opts.n', `is ${String(opts.n)} but ${n} parameters are named`);
  } else {
    const anyLen = parsed.some(({ r }) => r.usesLen);
    n = anyLen ? null : Math.max(1, ...parsed.map(({ r }) => (r.scalarX ? 1 : Math.max(r.maxIndex, r.maxRead) + 1)));
    if (opts.n !== undefined) {
      if (!Number.isInteger(opts.n) || opts.n < 1) throw new ArgumentError('opts.n', `must be a positive integer, got ${String(opts.n)}`);
      for (const { s, r } of parsed) {
        if (opts.n < r.maxIndex + 1) {
          throw new ExprError(s, r.maxIndexCol, `n >= ${r.maxIndex + 1}`,
            `n = ${opts.n} is too small: the expression uses x${r.maxIndex} (column ${r.maxIndexCol}), so n must be at least ${r.maxIndex + 1}`);
        }
        if (opts.n < r.maxRead + 1) {
          throw new ExprError(s, r.maxReadCol, `n >= ${r.maxRead + 1}`,
            `n = ${opts.n} is too small: x[...] at column ${r.maxReadCol} reads up to x${r.maxRead}, so n must be at least ${r.maxRead + 1}`);
        }
      }
      n = opts.n;
    }
  }
  const vector = parsed.filter(({ r }) => r.vectorData);
  if (vector.length && list.length > 1) {
    const { s, r } = vector[0];
    throw new ExprError(s, 1, 'a scalar expression', `in a list of expressions each must be one value, but '${s}' uses data '${r.vectorData!.name}' outside any sum (one value per element)`);
  }
  const asts: Node[] = parsed.map(({ r }) => (n !== null ? substLen(r.ast, n) : r.ast));
  const outputs = vector.length ? vector[0].r.vectorData!.length : asts.length;
  const text = Array.isArray(source) ? `[${list.join(', ')}]` : (source as string);
  return new Compiled(text, asts, n, minLen, outputs, vector.length > 0, params, data);
}

/**
 * Keeps a `ctx.wgsl({ body })` inside the one function the harness appends it to,
 * `fn user_f() -> f32 { <body> }`. The body is tokenized (comments, identifiers, numbers,
 * punctuation, as WGSL lexes them) and refused, with its line:column, when it
 *
 * - closes user_f (a `}` at depth 0) or leaves a `{`, `(` or `[` open, or an unterminated
 *   block comment (that would swallow the closing `}` appended after it);
 * - has an attribute (`@` anywhere), or `fn`, `enable`, `requires`, `diagnostic`, `struct`,
 *   `alias`, `override`, `const_assert` (only module scope has use for them);
 * - declares `var<space>` with a space other than `function`;
 * - uses an identifier starting with `ngh_`, `ng_` or `numgrad_`: numgrad's namespace. Every
 *   module-scope name of the harness shaders is in it, except p (the public accessor), the
 *   overrides N, STENCIL, WG (read-only) and the entry points (not callable), so a body cannot
 *   read or write the harness's state (ngh_j, ngh_xj, ngh_out, ngh_dx, ngh_st, ...);
 * - names user_f or a harness entry point (main, values, grad, update) it has not declared
 *   itself: recursion and calling an entry point are WGSL errors reported in the harness;
 * - has no `return`, or a character WGSL does not have (`#`, `$`, `"`, ...).
 *
 * Runaway loops: WebGPU has no watchdog of its own. Refused here: `loop { }`, `while (true)`
 * and `for (...; ; ...)` / `for (...; true; ...)` whose own block has no `break` (one that
 * exits that loop, not a nested loop or switch) and no `return`. Everything else still
 * can run forever or for very long: a condition that never becomes false (`while (x < 1.0)`
 * with x unchanged, a `for` without its update, `const t = true; while (t)`), a `break` that
 * is never reached, or finite but huge bounds. Then the queue stalls: on drivers with a
 * hang check (Windows TDR, Linux i915/amdgpu/...) the device is reset after some seconds and
 * the call fails with a DeviceLostError (an 'auto' context reruns it on the CPU path, where
 * the CPU twin runs); on a software adapter such as lavapipe nothing resets it and the call
 * never returns.
 */
import { ArgumentError } from '../core/errors';

export interface Token {
  kind: 'ident' | 'number' | 'punct';
  text: string;
  /** 1-based; lines end at any WGSL line break (\r\n counts once) */
  line: number;
  /** 1-based, in UTF-16 code units, as WebGPU's compilation messages count */
  col: number;
}

/** The harness's identifier prefixes: refused in bodies and as data names. */
export const HARNESS_PREFIXES = ['ngh_', 'ng_', 'numgrad_'] as const;

const LINE_BREAKS = /\r\n|[\n\v\f\r\u0085\u2028\u2029]/g;
const IS_BREAK = /[\n\v\f\r\u0085\u2028\u2029]/;
const IS_BLANK = /[ \t\u200e\u200f]/;
const IDENT = /[\p{XID_Start}_]\p{XID_Continue}*/uy;
// WGSL's literal grammar; the longest match wins, as in WGSL's own lexer.
const NUMBERS = [
  /0[xX][0-9a-fA-F]*\.[0-9a-fA-F]+(?:[pP][+-]?[0-9]+[fh]?)?/y,
  /0[xX][0-9a-fA-F]+\.[0-9a-fA-F]*(?:[pP][+-]?[0-9]+[fh]?)?/y,
  /0[xX][0-9a-fA-F]+[pP][+-]?[0-9]+[fh]?/y,
  /0[xX][0-9a-fA-F]+[iu]?/y,
  /[0-9]*\.[0-9]+(?:[eE][+-]?[0-9]+)?[fh]?/y,
  /[0-9]+\.[0-9]*(?:[eE][+-]?[0-9]+)?[fh]?/y,
  /[0-9]+[eE][+-]?[0-9]+[fh]?/y,
  /(?:0|[1-9][0-9]*)[iufh]?/y,
];
const PUNCT = '&|^~!%*+-/<>=.,:;()[]{}@';

/** Every line break as \n, so WGSL's lines, the compiler's lines and split('\n') agree. */
export function normalizeLineBreaks(s: string): string {
  return s.replace(LINE_BREAKS, '\n');
}

function refuse(line: number, col: number, what: string): never {
  throw new ArgumentError('body', `line ${line}, column ${col}: ${what}`);
}

function fail(t: Token, what: string): never {
  refuse(t.line, t.col, what);
}

/** WGSL tokens of `src`; comments (// to the line's end, nested /* *\/) and blankspace dropped. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const newline = () => {
    i += src[i] === '\r' && src[i + 1] === '\n' ? 2 : 1;
    line++;
    lineStart = i;
  };
  while (i < src.length) {
    const c = src[i];
    const col = i - lineStart + 1;
    if (IS_BREAK.test(c)) newline();
    else if (IS_BLANK.test(c)) i++;
    else if (src.startsWith('//', i)) {
      while (i < src.length && !IS_BREAK.test(src[i])) i++;
    } else if (src.startsWith('/*', i)) {
      const [l0, c0] = [line, col];
      let depth = 0;
      do {
        if (i >= src.length) refuse(l0, c0, "found '/*' that is never closed: it would swallow the end of fn user_f()");
        if (src.startsWith('/*', i)) { depth++; i += 2; }
        else if (src.startsWith('*/', i)) { depth--; i += 2; }
        else if (IS_BREAK.test(src[i])) newline();
        else i++;
      } while (depth > 0);
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      let len = 0;
      for (const re of NUMBERS) {
        re.lastIndex = i;
        const m = re.exec(src);
        if (m && m[0].length > len) len = m[0].length;
      }
      out.push({ kind: 'number', text: src.slice(i, i + len), line, col });
      i += len;
    } else {
      IDENT.lastIndex = i;
      const m = IDENT.exec(src);
      if (m) {
        out.push({ kind: 'ident', text: m[0], line, col });
        i += m[0].length;
      } else if (PUNCT.includes(c)) {
        out.push({ kind: 'punct', text: c, line, col });
        i++;
      } else {
        const cp = src.codePointAt(i)!;
        refuse(line, col, `found ${JSON.stringify(String.fromCodePoint(cp))} (U+${cp.toString(16).toUpperCase().padStart(4, '0')}), which is not WGSL`);
      }
    }
  }
  return out;
}

// Only module scope has use for these (const_assert is legal in a function, but says nothing there).
const MODULE_ONLY = new Set(['fn', 'enable', 'requires', 'diagnostic', 'struct', 'alias', 'override', 'const_assert']);
const LOOPS = new Set(['loop', 'for', 'while']);
const CLOSER: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

interface Frame {
  open: Token;
  /** names the body declares in this block (let / var / const) */
  names: Set<string>;
  /** loop / for / while / switch: the statement this block belongs to (what `break` exits) */
  stmt: Token | null;
  unbounded: boolean;
  exits: boolean;
}

/** `(((true)))` → true; anything else, including a constant that happens to be true, → false. */
function isLiteralTrue(ts: Token[]): boolean {
  let a = 0;
  let b = ts.length;
  while (b - a >= 3 && ts[a].text === '(' && ts[b - 1].text === ')') { a++; b--; }
  return b - a === 1 && ts[a].text === 'true';
}

/** Whether a loop statement's header (the tokens between its keyword and its `{`) never ends it. */
function headerUnbounded(kw: string, header: Token[]): boolean {
  if (kw === 'loop') return true;
  if (kw === 'while') return isLiteralTrue(header);
  if (kw !== 'for' || header[0]?.text !== '(' || header[header.length - 1]?.text !== ')') return false;
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const t of header.slice(1, -1)) {
    if (t.text === '(' || t.text === '[') depth++;
    if (t.text === ')' || t.text === ']') depth--;
    if (t.text === ';' && depth === 0) parts.push([]);
    else parts[parts.length - 1].push(t);
  }
  return parts.length === 3 && (parts[1].length === 0 || isLiteralTrue(parts[1]));
}

/**
 * Throws ArgumentError('body', 'line L, column C: found …') unless `body` is the statements of
 * one function. `offLimits`: module-scope functions a body must not name unless it declares
 * the name itself (entry points, user_f: WGSL rejects referencing them, in the harness's lines).
 */
export function checkBody(body: string, offLimits: ReadonlySet<string> = new Set()): void {
  const toks = tokenize(body);
  const stack: Frame[] = [];
  const outer = new Set<string>(); // names declared outside any block
  let pending: { kw: Token; header: Token[] } | null = null;
  let returns = 0;
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (pending && t.text !== '{') pending.header.push(t);
    if (t.kind === 'punct') {
      if (t.text === '@') fail(t, "found '@': attributes (@compute, @diagnostic, ...) cannot appear in the body of fn user_f()");
      if (t.text === '(' || t.text === '[') stack.push({ open: t, names: new Set(), stmt: null, unbounded: false, exits: false });
      else if (t.text === '{') {
        const stmt = pending?.kw ?? null;
        stack.push({ open: t, names: new Set(), stmt, unbounded: !!pending && headerUnbounded(pending.kw.text, pending.header), exits: false });
        pending = null;
      } else if (t.text in CLOSER) {
        const top = stack.pop();
        if (!top) {
          fail(t, t.text === '}'
            ? "found '}' that closes fn user_f(): the body must be statements only (its braces balanced), no module-scope code"
            : `found '${t.text}' with no '${CLOSER[t.text]}' before it`);
        }
        if (top.open.text !== CLOSER[t.text]) fail(t, `found '${t.text}' while '${top.open.text}' from line ${top.open.line}, column ${top.open.col} is open`);
        if (top.unbounded && !top.exits) {
          fail(top.stmt!, `found '${top.stmt!.text}' that never ends: its block has no 'break' and no 'return', ` +
            'and a shader that never ends stalls the device (WebGPU has no timeout)');
        }
      }
      continue;
    }
    if (t.kind !== 'ident') continue;
    const word = t.text;
    if (MODULE_ONLY.has(word)) fail(t, `found '${word}': only statements may appear in the body of fn user_f() (no functions or module-scope declarations)`);
    const prefix = HARNESS_PREFIXES.find((pre) => word.startsWith(pre));
    if (prefix) fail(t, `found '${word}': identifiers starting with ${HARNESS_PREFIXES.join(', ')} are numgrad's harness's own (read parameters with p(i))`);
    if (offLimits.has(word) && toks[k - 1]?.text !== '.' && ![outer, ...stack.map((f) => f.names)].some((n) => n.has(word))) {
      fail(t, `found '${word}', which here names ${word === 'user_f' ? 'this very function (WGSL has no recursion)' : "one of numgrad's entry points"}; ` +
        `declare your own (let ${word} = ...) before using the name`);
    }
    if (word === 'let' || word === 'var' || word === 'const') {
      let j = k + 1;
      if (toks[j]?.text === '<') while (j < toks.length && toks[j - 1].text !== '>') j++;
      const block = [...stack].reverse().find((f) => f.open.text === '{');
      if (toks[j]?.kind === 'ident') (block?.names ?? outer).add(toks[j].text);
    }
    if (word === 'var' && toks[k + 1]?.text === '<') {
      const space = toks[k + 2];
      if (space?.text !== 'function') {
        fail(t, `found 'var<${space?.text ?? ''}...>': the body may declare only function-scope variables ('var x = ...;')`);
      }
    } else if (word === 'return') {
      returns++;
      for (const f of stack) f.exits = true;
    } else if (word === 'break') {
      const target = [...stack].reverse().find((f) => f.stmt !== null);
      if (target) target.exits = true;
    } else if (LOOPS.has(word) || word === 'switch') {
      pending = { kw: t, header: [] };
    }
  }
  const open = stack.pop();
  if (open) fail(open.open, `found '${open.open.text}' that is never closed`);
  if (returns === 0) {
    const lines = normalizeLineBreaks(body).split('\n');
    refuse(lines.length, lines[lines.length - 1].length + 1,
      "found no 'return': expected a WGSL function body that returns an f32, e.g. \"return p(0u) * p(0u);\"");
  }
}

const DECLS = new Set(['fn', 'var', 'let', 'const', 'override', 'struct', 'alias']);

export interface ModuleName {
  name: string;
  /** fn, var, const, override, struct, alias */
  decl: string;
  /** an @compute / @vertex / @fragment function */
  entry: boolean;
}

/** The names a shader declares at module scope (functions, variables, constants, overrides, types). */
export function moduleScope(src: string): ModuleName[] {
  const toks = tokenize(src);
  const out = new Map<string, ModuleName>();
  let depth = 0;
  let entry = false;
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k].text;
    if (t === '{' || t === '(' || t === '[') depth++;
    else if (t === '}' || t === ')' || t === ']') depth--;
    else if (depth === 0 && toks[k - 1]?.text === '@' && /^(compute|vertex|fragment)$/.test(t)) entry = true;
    else if (depth === 0 && toks[k].kind === 'ident' && DECLS.has(t)) {
      let j = k + 1;
      if (toks[j]?.text === '<') {
        while (j < toks.length && toks[j].text !== '>') j++;
        j++;
      }
      const name = toks[j]?.kind === 'ident' ? toks[j].text : null;
      if (name && !out.has(name)) out.set(name, { name, decl: t, entry: entry && t === 'fn' });
      entry = false;
    }
  }
  return [...out.values()];
}

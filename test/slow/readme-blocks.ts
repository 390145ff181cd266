// The README's code blocks as tests see them: every ```js / ```ts block is extracted, run as
// an ES module in a child Node process, and each `console.log(...)` line that ends in a
// comment `// → VALUE` is checked against what that call printed.
//
// VALUE is a JavaScript expression list, read as `[VALUE]` (one item per argument of the
// console.log): `// → [6, 8]`, `// → true, 'x'`, `// → ≈ { slope: 0.2 }`. A leading `≈` compares
// numbers to 3 significant digits (|a − e| ≤ 1e-5 + 1e-3·|e|), otherwise exactly; an expected
// object is matched on its own keys only. Two spaces end VALUE: what follows is prose.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';

export interface Block {
  lang: 'js' | 'ts';
  /** 1-based line of the opening fence in the README */
  line: number;
  code: string;
}

/** Every ```js / ```ts fenced block, in order (fences may be indented, as in list items). */
export function extractBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)```(\w+)\s*$/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length, lang = open[2];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^ *```\s*$/.test(lines[j]); j++) body.push(lines[j].slice(Math.min(indent, /^ */.exec(lines[j])![0].length)));
    if (lang === 'js' || lang === 'ts' || lang === 'javascript' || lang === 'typescript') {
      blocks.push({ lang: lang.startsWith('t') ? 'ts' : 'js', line: i + 1, code: body.join('\n') + '\n' });
    }
    i = j;
  }
  return blocks;
}

export interface Expectation {
  /** line within the block, 1-based */
  line: number;
  source: string;
  approx: boolean;
  values: unknown[];
}

/** One slot per console.log line (in order); `expect` is set where the line states a value. */
export function logSlots(code: string): { line: number; expect: Expectation | null }[] {
  return code.split('\n').flatMap((text, i): { line: number; expect: Expectation | null }[] => {
    if (!/console\.log\(/.test(text)) return [];
    const m = /\/\/ →\s*(≈)?\s*(.*)$/.exec(text);
    if (!m) return [{ line: i + 1, expect: null }];
    const source = m[2].split(/ {2,}/)[0].trim();
    let values: unknown[];
    try {
      values = new Function(`return [${source}];`)() as unknown[];
    } catch (e) {
      throw new Error(`README block line ${i + 1}: cannot read the stated value '${source}': ${(e as Error).message}`);
    }
    return [{ line: i + 1, expect: { line: i + 1, source, approx: m[1] === '≈', values } }];
  });
}

/** Why `actual` does not match `expected`, or null. */
export function mismatch(actual: unknown, expected: unknown, approx: boolean, path = ''): string | null {
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return `${path || 'value'}: expected a number ${expected}, got ${JSON.stringify(actual)}`;
    const ok = approx ? Math.abs(actual - expected) <= 1e-5 + 1e-3 * Math.abs(expected) : Object.is(actual, expected);
    return ok ? null : `${path || 'value'}: expected ${approx ? '≈ ' : ''}${expected}, got ${actual}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path || 'value'}: expected an array, got ${JSON.stringify(actual)}`;
    if (actual.length !== expected.length) return `${path || 'value'}: expected ${expected.length} items, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const m = mismatch(actual[i], expected[i], approx, `${path}[${i}]`);
      if (m) return m;
    }
    return null;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return `${path || 'value'}: expected an object, got ${JSON.stringify(actual)}`;
    for (const [k, v] of Object.entries(expected)) {
      const m = mismatch((actual as Record<string, unknown>)[k], v, approx, `${path}.${k}`);
      if (m) return m;
    }
    return null;
  }
  return actual === expected ? null : `${path || 'value'}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

// Runs before the block: records every console.log call's arguments as plain data.
const PRELUDE = `import { writeFileSync as __readmeWrite } from 'node:fs';
const __readmeLogs = [];
const __readmePlain = (v) => ArrayBuffer.isView(v) ? Array.from(v) : Array.isArray(v) ? v.map(__readmePlain)
  : v instanceof Error ? { name: v.name, message: v.message }
  : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, __readmePlain(x)])) : v;
const __readmeLog = console.log;
console.log = (...args) => { __readmeLogs.push(args.map(__readmePlain)); __readmeLog(...args); };
process.on('exit', () => __readmeWrite(process.env.README_LOGS, JSON.stringify(__readmeLogs,
  (k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))));
`;

/** The block as an ES module: TypeScript transpiled, `numgrad` imports pointed at `numgradUrl` when given. */
export function moduleSource(block: Block, numgradUrl?: string): string {
  let code = block.code;
  if (block.lang === 'ts') {
    code = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false } }).outputText;
  }
  if (numgradUrl) code = code.replace(/from '(numgrad|numgrad\/node)'/g, `from '${numgradUrl}'`);
  return PRELUDE + code;
}

export interface BlockRun {
  code: number | null;
  stdout: string;
  stderr: string;
  logs: unknown[][];
  /** one message per failed check (including a wrong number of console.log calls) */
  problems: string[];
}

/**
 * Runs `source` (from moduleSource) as `dir/name` with node, in `dir`, and checks the block's
 * stated values. `dir` defaults to a fresh temporary folder.
 */
export function runBlock(block: Block, source: string, opts: { dir?: string; name?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<BlockRun> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'numgrad-readme-'));
  const file = join(dir, opts.name ?? `readme-block-${block.line}.mjs`);
  const logsFile = join(dir, `readme-block-${block.line}.logs.json`);
  writeFileSync(file, source);
  writeFileSync(logsFile, '[]');
  return new Promise((done) => {
    execFile(process.execPath, [file], { cwd: dir, timeout: opts.timeoutMs ?? 170_000, env: { ...process.env, ...opts.env, README_LOGS: logsFile }, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        const logs = JSON.parse(readFileSync(logsFile, 'utf8')) as unknown[][];
        const problems: string[] = [];
        if (code !== 0) problems.push(`exit ${code ?? err?.signal}: ${stderr.trim().split('\n').slice(-6).join('\n')}`);
        const slots = logSlots(block.code);
        if (code === 0 && logs.length !== slots.length) problems.push(`${slots.length} console.log lines but ${logs.length} calls (a block with stated values must log once per line)`);
        slots.forEach((s, k) => {
          if (!s.expect || k >= logs.length) return;
          const m = mismatch(logs[k], s.expect.values, s.expect.approx);
          if (m) problems.push(`README line ${block.line + s.line}: \`// → ${s.expect.approx ? '≈ ' : ''}${s.expect.source}\`: ${m}`);
        });
        done({ code, stdout, stderr, logs, problems });
      });
  });
}

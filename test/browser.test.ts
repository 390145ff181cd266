// The browser build in a real browser: headless Chromium with WebGPU on its bundled
// SwiftShader (/work/shared/BROWSER.md route 1), pages served from localhost. Skips without a
// chromium (scripts/setup-browser.sh), unless REQUIRE_BROWSER=1, where that fails.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAst } from 'rollup/parseAst';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserRequired, chromiumPath, repoRoot, startBrowser, type BrowserSession } from './helpers/browser';
import { rng, seedFromEnv, uniform } from './helpers/random';

const seed = seedFromEnv('browser');
const bundle = join(repoRoot, 'dist/browser.js');
const BUILD_HINT = 'dist/browser.js is missing: run `npm run build` first';

// The gradient check runs once the library has it (declared in the built types).
const contextTypes = join(repoRoot, 'dist/types/context.d.ts');
const hasGradient = existsSync(contextTypes) && /\bnumericalGradient\b/.test(readFileSync(contextTypes, 'utf8')) && /\bfn\(/.test(readFileSync(contextTypes, 'utf8'));

/** describe() that needs a chromium: skipped with a hint without one, failed under REQUIRE_BROWSER=1. */
function describeBrowser(name: string, body: () => void): void {
  if (chromiumPath) {
    describe(name, body);
    return;
  }
  if (browserRequired) {
    describe(name, () => {
      it('has a chromium (REQUIRE_BROWSER=1)', () => {
        throw new Error('REQUIRE_BROWSER=1 but no chromium was found; run `bash scripts/setup-browser.sh` or set NUMGRAD_CHROMIUM');
      });
    });
  } else {
    console.warn('numgrad browser tests: no chromium, SKIPPED. Get one with `bash scripts/setup-browser.sh`.');
    describe.skip(`${name} (no chromium: run scripts/setup-browser.sh)`, body);
  }
}

/** What the in-page code reports back. */
interface PageResult {
  backend: string;
  adapterInfo: Record<string, unknown> | null;
  fallbackReason: string | null;
  sum: number;
  again: number;
  sumMs: number;
  warmMs: number;
  grad?: number[];
}

/** Loads the bundle into the page as an ES module, exposed as window.numgrad. */
async function loadBundle(page: Page): Promise<void> {
  // A module script tag rather than import() inside evaluate(): vitest rewrites import() in
  // test code, and the rewritten call would not exist in the page.
  await page.addScriptTag({ type: 'module', content: "import * as m from '/dist/browser.js'; window.numgrad = m;" });
  await page.waitForFunction(() => 'numgrad' in window, null, { timeout: 10_000 });
}

// Runs in the page: makes a context, sums, optionally differentiates.
// (Kept free of outer helpers so that it serialises on its own.)
async function inPage(arg: { backend: string; values: number[]; grad: boolean }): Promise<PageResult> {
  const m = (window as any).numgrad;
  const ctx = await m.createContext({ backend: arg.backend, warn: false });
  try {
    const t0 = performance.now();
    const sum: number = await ctx.sum(arg.values);
    const t1 = performance.now();
    const again: number = await ctx.sum(arg.values); // warm: pipeline compiled, buffers pooled
    const t2 = performance.now();
    const r: PageResult = { backend: ctx.backend, adapterInfo: ctx.adapterInfo, fallbackReason: ctx.fallbackReason, sum, again, sumMs: t1 - t0, warmMs: t2 - t1 };
    if (arg.grad) r.grad = Array.from(await ctx.numericalGradient(ctx.fn('x0^2 + x1^2'), [3, 4]) as ArrayLike<number>);
    return r;
  } finally {
    await ctx.dispose();
  }
}

// Float32 tree sum of n positive values: each of ⌈log2 n⌉ levels adds ≤ u = 2⁻²⁴ relative error,
// and rounding the inputs to float32 one more.
const N = 100_003;
const values = uniform(rng(seed), N, 0.5, 1.5);
const reference = values.reduce((a, b) => a + b, 0); // float64, left to right: independent of the kernel
const sumTol = (Math.ceil(Math.log2(N)) + 1) * 2 ** -24 * 1.01;

describe('browser bundle', () => {
  /** Module specifiers and suspicious names in a file and the chunks it imports, transitively. */
  function scan(entry: string): { files: string[]; offending: string[] } {
    const seen = new Set<string>();
    const offending: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const rel = file.slice(repoRoot.length + 1);
      // An AST, not a grep: comments may say "Dawn", code may not.
      const ast = parseAst(readFileSync(file, 'utf8'));
      const walk = (node: unknown): void => {
        if (!node || typeof node !== 'object') return;
        if (Array.isArray(node)) return node.forEach(walk);
        const n = node as { type?: string; source?: { type: string; value?: unknown }; value?: unknown; name?: unknown };
        if (n.type === 'ImportDeclaration' || n.type === 'ExportAllDeclaration' || n.type === 'ExportNamedDeclaration' || n.type === 'ImportExpression') {
          if (n.source) {
            const spec = n.source.type === 'Literal' ? n.source.value : undefined;
            if (typeof spec !== 'string') offending.push(`${rel}: import() of a computed specifier`);
            else if (spec.startsWith('.')) visit(join(dirname(file), spec));
            else offending.push(`${rel}: imports '${spec}'`); // a browser bundle imports nothing bare
          }
        }
        for (const s of [n.value, n.name]) if (typeof s === 'string' && /dawn/i.test(s)) offending.push(`${rel}: mentions ${JSON.stringify(s)}`);
        if (n.type === 'TemplateElement' && /dawn/i.test(JSON.stringify(n.value))) offending.push(`${rel}: template mentions dawn`);
        for (const [k, v] of Object.entries(node)) if (k !== 'source') walk(v);
      };
      walk(ast);
    };
    visit(entry);
    return { files: [...seen], offending };
  }

  it('dist/browser.js and every chunk it imports never import the webgpu package or mention Dawn', () => {
    expect(existsSync(bundle), BUILD_HINT).toBe(true);
    const { files, offending } = scan(bundle);
    expect(files.length).toBeGreaterThan(1); // it did follow the chunk imports
    expect(offending, offending.join('\n')).toEqual([]);
  });

  it('the scan does catch the Node build, which loads Dawn', () => {
    const node = join(repoRoot, 'dist/node.js');
    expect(existsSync(node), 'run `npm run build` first').toBe(true);
    expect(scan(node).offending.length).toBeGreaterThan(0);
  });
});

describeBrowser('browser: WebGPU on SwiftShader', () => {
  let s: BrowserSession;
  beforeAll(async () => {
    expect(existsSync(bundle), BUILD_HINT).toBe(true);
    s = await startBrowser();
    console.log(`[browser] ${chromiumPath}: launched in ${s.launchMs.toFixed(0)} ms, serving ${s.origin}`);
  });
  afterAll(async () => {
    await s?.close();
  });

  it(`createContext({ backend: 'webgpu' }) sums ${N} floats like float64 (within ~1e-6)${hasGradient ? ' and differentiates x0²+x1² at (3, 4)' : ''}`, async () => {
    const tp = await s.open();
    await loadBundle(tp.page);
    const r = await tp.page.evaluate(inPage, { backend: 'webgpu', values, grad: hasGradient });
    console.log(`[browser] backend ${r.backend}, adapter ${JSON.stringify(r.adapterInfo)}; sum of ${N}: ${r.sumMs.toFixed(1)} ms cold, ${r.warmMs.toFixed(1)} ms warm`);
    expect(tp.errors.map(String)).toEqual([]);
    expect(r.backend).toBe('webgpu');
    expect(r.fallbackReason).toBeNull();
    expect(r.adapterInfo).toMatchObject({ featureLevel: 'core' }); // route 1: core adapter
    const rel = Math.abs(r.sum - reference) / reference;
    console.log(`[browser] sum ${r.sum} vs float64 ${reference}: rel. error ${rel.toExponential(2)} (tolerance ${sumTol.toExponential(2)})`);
    expect(rel).toBeLessThanOrEqual(sumTol);
    expect(r.sum).not.toBe(reference); // float32 on the device, not the float64 path in disguise
    expect(Object.is(r.again, r.sum)).toBe(true); // deterministic tree order
    if (hasGradient) {
      // ∛ε-scaled central differences in float32: ~1e-5 relative (DESIGN.md numerics policy)
      expect(r.grad).toHaveLength(2);
      for (const [i, want] of [6, 8].entries()) expect(Math.abs(r.grad![i]! - want) / want).toBeLessThanOrEqual(1e-4);
    }
  });

  it('the demo page (web/index.html) shows the backend line and runs its sections without errors', async () => {
    const tp = await s.open('/web/index.html');
    await tp.page.waitForSelector('body[data-state]', { timeout: 30_000 });
    const state = await tp.page.getAttribute('body', 'data-state');
    const line = (await tp.page.textContent('#backend')) ?? '';
    const sections = await tp.page.$$eval('section', (els) => els.map((e) => `${e.id}: ${e.getAttribute('data-state')}: ${e.querySelector('.status')?.textContent}`));
    console.log(`[browser] demo: ${line}\n  ${sections.join('\n  ')}`);
    if (process.env.NUMGRAD_SCREENSHOT) await tp.page.screenshot({ path: process.env.NUMGRAD_SCREENSHOT, fullPage: true });
    expect(tp.errors.map(String)).toEqual([]);
    expect(state).toBe('done');
    expect(line).toMatch(/^backend: webgpu — /);
    expect(sections.find((x) => x.startsWith('sum: '))).toMatch(/^sum: ok: /);
    expect(sections.filter((x) => x.includes(': error: '))).toEqual([]);
    // The sum table's relative errors are real numbers, small for float32.
    const errs = await tp.page.$$eval('#sum td:nth-child(4)', (tds) => tds.map((td) => Number(td.textContent)));
    expect(errs).toHaveLength(3);
    for (const e of errs) expect(e).toBeLessThan(2e-6);
  });
});

describeBrowser('browser: no WebGPU (launched without --enable-unsafe-webgpu); web/plot.js', () => {
  let s: BrowserSession;
  beforeAll(async () => {
    s = await startBrowser({ webgpu: false });
  });
  afterAll(async () => {
    await s?.close();
  });

  it(`createContext({ backend: 'auto' }) falls back to cpu, says why, and still sums`, async () => {
    const tp = await s.open();
    await loadBundle(tp.page);
    const r = await tp.page.evaluate(inPage, { backend: 'auto', values, grad: false });
    console.log(`[browser] no-WebGPU fallback: ${r.fallbackReason}`);
    expect(tp.errors.map(String)).toEqual([]);
    expect(r.backend).toBe('cpu');
    expect(r.adapterInfo).toBeNull();
    expect(r.fallbackReason).toMatch(/no WebGPU adapter/);
    expect(Math.abs(r.sum - reference) / reference).toBeLessThanOrEqual(1e-12); // float64 path
  });

  it('draws lines, points and quiver arrows in data coordinates', async () => {
    const tp = await s.open();
    await tp.page.addScriptTag({ type: 'module', content: "import * as p from '/web/plot.js'; window.plot = p;" });
    await tp.page.waitForFunction(() => 'plot' in window, null, { timeout: 10_000 });
    const r = await tp.page.evaluate(() => {
      const p = Reflect.get(window, 'plot'); // data [0,10]×[0,10] on an 88×100 px plot area
      const fig = p.figure({ x: [0, 10], y: [0, 10], width: 144, height: 138, title: '' })
        .line([[0, 0], [10, 10]])
        .points([[5, 5]])
        .arrows([{ x: 5, y: 5, dx: 1, dy: 0 }, { x: 2, y: 2, dx: 0, dy: 0.5 }], { maxLen: 20 });
      document.body.append(fig.svg);
      const path = fig.svg.querySelector('g[clip-path] path')!.getAttribute('d');
      const c = fig.svg.querySelector('circle')!;
      const arrows = [...fig.svg.querySelectorAll('g[clip-path] line')].map((l: Element) =>
        ['x1', 'y1', 'x2', 'y2'].map((k) => Number(l.getAttribute(k))));
      return { path, dot: [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))], arrows, ticks: fig.svg.querySelectorAll('.axes text').length };
    });
    // margins: left 44, right 12, top 10, bottom 28 → plot area x 44..132, y 10..110 (y up)
    const X = (v: number) => 44 + v * 8.8;
    const Y = (v: number) => 110 - v * 10;
    expect(r.path).toBe(`M${X(0).toFixed(2)},${Y(0).toFixed(2)}L${X(10).toFixed(2)},${Y(10).toFixed(2)}`);
    expect(r.dot[0]).toBeCloseTo(X(5), 9);
    expect(r.dot[1]).toBeCloseTo(Y(5), 9);
    // The longest arrow (dx = 1 → 8.8 px) is scaled to 20 px; the other (0.5 up → 5 px) by the same factor.
    const [a, b] = r.arrows as [number[], number[]];
    expect(a[2]! - a[0]!).toBeCloseTo(20, 9);
    expect(a[3]! - a[1]!).toBeCloseTo(0, 9);
    expect(b[3]! - b[1]!).toBeCloseTo(-5 * (20 / 8.8), 9);
    expect(r.ticks).toBeGreaterThanOrEqual(8);
    expect(tp.errors.map(String)).toEqual([]);
  });
});

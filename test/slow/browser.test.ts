// The browser build in a real browser: headless Chromium with WebGPU on its bundled
// SwiftShader (/work/shared/BROWSER.md route 1), pages served from localhost. Skips without a
// chromium (scripts/setup-browser.sh), unless REQUIRE_BROWSER=1, where that fails.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAst } from 'rollup/parseAst';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserRequired, chromiumPath, repoRoot, startBrowser, type BrowserSession } from '../helpers/browser';
import { expectAllclose } from '../helpers/allclose';
import { rng, seedFromEnv, uniform } from '../helpers/random';

const seed = seedFromEnv('browser');
const bundle = join(repoRoot, 'dist/browser.js');
const BUILD_HINT = 'dist/browser.js is missing: run `npm run build` first';
/** The demo page's chapter module: apps/chapter built for the browser (rollup.config.js). */
const chapterBundle = join(repoRoot, 'web/build/chapter.js');

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

// The book's values (/work/shared/seeds/README.md): independent of numgrad.
const BOOK = {
  derivative: [0.1999999999990898, 0.2999999999986347],
  gradient: [[6, 8], [0, 4], [6, 0]],
  descent: [[-6.11110793e-10, 8.14814391e-10], [-2.58983747e13, -1.29524862e12], [-2.99999994, 3.99999992]],
  loss: 0.9280682857864075, // with the 8-digit weights the page uses
  dW: [[0.21924763, 0.14356247, -0.36281009], [0.32887144, 0.2153437, -0.54421514]],
};
const ALL_OK = { derivative: 'ok', gradient: 'ok', descent: 'ok', simpleNet: 'ok', playground: 'ok' };

/** Opens the demo page, waits for it to finish, and reads what it published on window.numgradDemo. */
async function openDemo(s: BrowserSession, path: string) {
  const tp = await s.open(path);
  await tp.page.waitForSelector('body[data-state]', { timeout: 30_000 });
  const state = await tp.page.getAttribute('body', 'data-state');
  const line = (await tp.page.textContent('#backend')) ?? '';
  const sections = await tp.page.$$eval('section', (els) => els.map((e) => `${e.id}: ${e.getAttribute('data-state')}: ${e.querySelector('.status')?.textContent}`));
  console.log(`[browser] demo${path.includes('?') ? ` ${path}` : ''}: ${line}\n  ${sections.join('\n  ')}`);
  // the contexts themselves do not serialise; everything else is plain numbers and strings
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const d: any = await tp.page.evaluate(() => {
    const { ctx, cpu, ...rest } = (window as any).numgradDemo ?? {}; // eslint-disable-line @typescript-eslint/no-explicit-any
    return rest;
  });
  return { tp, state, line, d };
}

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

  it('web/build/chapter.js (the page\'s chapter module) reaches the library only through ../../dist/browser.js, and nothing bare (no node:)', () => {
    expect(existsSync(chapterBundle), 'web/build/chapter.js is missing: run `npm run build` first').toBe(true);
    const { files, offending } = scan(chapterBundle);
    expect(files).toContain(bundle); // the page's own copy of the library: one module instance
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

  it(`createContext({ backend: 'webgpu' }) sums ${N} floats like float64 (within ~1e-6) and differentiates x0²+x1² at (3, 4)`, async () => {
    const tp = await s.open();
    await loadBundle(tp.page);
    const r = await tp.page.evaluate(inPage, { backend: 'webgpu', values, grad: true });
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
    // ∛ε-scaled central differences in float32: ~1e-5 relative (DESIGN.md numerics policy)
    expect(r.grad).toHaveLength(2);
    for (const [i, want] of [6, 8].entries()) expect(Math.abs(r.grad![i]! - want) / want).toBeLessThanOrEqual(1e-4);
  });

  it('the demo page (web/index.html) shows the book\'s chapter-4 numbers on WebGPU, float64 beside them, and reports a bad expression inline', async () => {
    const { tp, state, line, d } = await openDemo(s, '/web/index.html');
    if (process.env.NUMGRAD_SCREENSHOT) await tp.page.screenshot({ path: process.env.NUMGRAD_SCREENSHOT, fullPage: true });
    expect(tp.errors.map(String)).toEqual([]);
    expect(state).toBe('done');
    expect(line).toMatch(/^backend: webgpu — /);
    expect(d.backend).toBe('webgpu');
    expect(d.sections).toEqual(ALL_OK);
    // the charts: the CLI demo's figure builders, drawn from the same results, with no NaN coordinates
    const charts = await tp.page.$$eval('img.chart', (els) => els.map((e) => {
      const img = e as HTMLImageElement;
      return { alt: img.alt, svg: decodeURIComponent(img.src.slice(img.src.indexOf(',') + 1)) };
    }));
    expect(charts.map((c) => c.alt)).toEqual(['f(x) and its tangents at 5 and 10', 'quiver plot of minus the gradient', 'gradient descent paths', 'distance from the minimum per step']);
    for (const c of charts) expect(c.svg, c.alt).toMatch(/^<svg[^]*<\/svg>\s*$/);
    for (const c of charts) expect(c.svg, c.alt).not.toMatch(/NaN|Infinity/);
    expect(charts[1].svg).toContain('(webgpu, one batched call)');
    expect((charts[1].svg.match(/<path /g) ?? []).length).toBe(324); // one arrow per grid point

    // float32 on the device: the book's values to ~1e-4; float64 beside them: the book's printed digits
    expectAllclose(d.derivative.page, [0.2, 0.3], { rtol: 1e-4, atol: 0 }, 'derivative (webgpu)');
    expectAllclose(d.derivative.cpu, BOOK.derivative, { rtol: 1e-12, atol: 0 }, 'derivative (cpu)');
    expect(d.derivative.page).not.toEqual(d.derivative.cpu); // really float32, not the CPU path twice
    expectAllclose(d.gradient.page, BOOK.gradient, { rtol: 1e-4, atol: 1e-4 }, 'gradient (webgpu)');
    expectAllclose(d.gradient.cpu, BOOK.gradient, { rtol: 1e-9, atol: 1e-9 }, 'gradient (cpu)');

    // descent: lr 0.1 converges, lr 10 diverges (the GPU overflows and stops), lr 1e-10 barely moves
    const [g01, g10, gTiny] = d.descent.page;
    expect(Math.hypot(...g01.x)).toBeLessThan(1e-6);
    expect([g01.diverged, g10.diverged, gTiny.diverged]).toEqual([false, true, false]);
    expectAllclose(gTiny.x, [-3, 4], { rtol: 1e-6, atol: 0 }, 'lr 1e-10 (webgpu)');
    const [c01, c10, cTiny] = d.descent.cpu;
    expectAllclose(c01.x, BOOK.descent[0], { rtol: 1e-6, atol: 0 }, 'lr 0.1 (cpu)');
    expectAllclose(c10.x, BOOK.descent[1], { rtol: 1e-6, atol: 0 }, 'lr 10 (cpu)');
    expectAllclose(cTiny.x, BOOK.descent[2], { rtol: 1e-8, atol: 0 }, 'lr 1e-10 (cpu)');
    expect(c10.diverged && c10.vanishedSteps > 0).toBe(true); // x ± 1e-4 rounds to x once |x| is huge

    expect(Math.abs(d.simpleNet.page.loss - BOOK.loss) / BOOK.loss).toBeLessThanOrEqual(1e-5);
    expect(Math.abs(d.simpleNet.cpu.loss - BOOK.loss) / BOOK.loss).toBeLessThanOrEqual(1e-12);
    expectAllclose(d.simpleNet.page.dW, BOOK.dW, { rtol: 1e-4, atol: 1e-5 }, 'dW (webgpu)');
    expectAllclose(d.simpleNet.cpu.dW, BOOK.dW, { rtol: 1e-6, atol: 1e-7 }, 'dW (cpu)');
    expect([d.simpleNet.page.gradCheckOk, d.simpleNet.cpu.gradCheckOk]).toEqual([true, true]);

    // the playground's first run: sin(x0)·x1² at (1, 2). SwiftShader's sin is approximate (WGSL
    // allows an absolute 2⁻¹¹), so the GPU differentiates a slightly different function: its
    // derivative is ~7e-4 off the float64 one, beyond the ladder's error estimate, and verify
    // (estimate-based since the step ladder) says so on this adapter; on lavapipe it passes
    expect(d.playground).toMatchObject({ expr: 'sin(x0)*x1^2', x: [1, 2], error: null, gradCheckOk: true });
    expect(typeof d.playground.verifyOk).toBe('boolean');
    expectAllclose(d.playground.gradient, [4 * Math.cos(1), 4 * Math.sin(1)], { rtol: 2e-3, atol: 0 }, 'playground gradient');

    // a bad expression: the column, inline, and the page carries on
    await tp.page.fill('#expr', 'x0^2 + * x1');
    await tp.page.press('#expr', 'Enter');
    await tp.page.waitForFunction(() => (window as any).numgradDemo.playground?.error, null, { timeout: 10_000 });
    const bad = await tp.page.evaluate(() => (window as any).numgradDemo.playground.error);
    expect(bad).toMatchObject({ name: 'ExprError', column: 8 });
    expect(await tp.page.textContent('#play-result')).toMatch(/column 8/);
    expect(await tp.page.getAttribute('#expr', 'aria-invalid')).toBe('true');
    expect(tp.errors.map(String)).toEqual([]);
  });
});

describeBrowser('browser: no WebGPU (launched without --enable-unsafe-webgpu)', () => {
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

  it('the demo page falls back to the CPU path, says why, and finishes every section with float64 numbers', async () => {
    const { tp, state, line, d } = await openDemo(s, '/web/index.html');
    expect(tp.errors.map(String)).toEqual([]);
    expect(state).toBe('done');
    expect(line).toMatch(/^backend: cpu \(float64\) — fallback: no WebGPU adapter/);
    expect(d.backend).toBe('cpu');
    expect(d.sections).toEqual(ALL_OK);
    expectAllclose(d.derivative.page, BOOK.derivative, { rtol: 1e-12, atol: 0 }, 'derivative');
    expect(Math.abs(d.simpleNet.page.loss - BOOK.loss) / BOOK.loss).toBeLessThanOrEqual(1e-12);
  });
});

// The browser build in a real browser: headless Chromium with WebGPU on its bundled
// SwiftShader (/work/shared/BROWSER.md route 1), pages served from localhost. Skips without a
// chromium (scripts/setup-browser.sh), unless REQUIRE_BROWSER=1, where that fails.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseAst } from 'rollup/parseAst';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserRequired, chromiumPath, repoRoot, startBrowser, type BrowserSession, type TestPage } from '../helpers/browser';
import { audit } from '../support/page-audit';
import { STRICT_CSP } from '../support/static-server.mjs';
import { expectAllclose } from '../helpers/allclose';
import { rng, seedFromEnv, uniform } from '../helpers/random';

const seed = seedFromEnv('browser');
const bundle = join(repoRoot, 'dist/browser.js');
const BUILD_HINT = 'dist/browser.js is missing: run `npm run build` first';
/** The demo page's chapter module: apps/chapter built for the browser (rollup.config.js). */

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
const scanFile = scan;

describe('browser bundle', () => {
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
});

// ─── The demo page: built by `npm run build:web`, served from web/dist with a strict CSP ───

const webDist = join(repoRoot, 'web/dist');
const SHOTS = join(repoRoot, 'test-results/browser');
const CSP_SITE = { root: webDist, headers: { 'content-security-policy': STRICT_CSP } };
const PANELS = ['tangent', 'steps', 'quiver', 'descent', 'simpleNet', 'training', 'regression', 'curvature', 'playground'];
const ALL_DONE = Object.fromEntries(PANELS.map((k) => [k, 'ok']));

/** `npm run build:web` (vite → web/dist), once per run of this file. */
let built: Promise<void> | null = null;
function buildWeb(): Promise<void> {
  built ??= (async () => {
    const t0 = performance.now();
    execFileSync(join(repoRoot, 'node_modules/.bin/vite'), ['build', '--config', 'web/vite.config.js', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
    console.log(`[browser] build:web (vite) in ${(performance.now() - t0).toFixed(0)} ms`);
  })();
  return built;
}

/** Console lines of type error, and CSP violations the page saw. */
const problems = (tp: TestPage) => [...tp.errors.map(String), ...tp.console.filter((l) => l.startsWith('error:'))];

/** Opens the page and waits until every panel has drawn (or the page gave up). */
async function openPage(s: BrowserSession, query = '', viewport = { width: 1280, height: 900 }) {
  const tp = await s.open(`/${query}`, viewport);
  await tp.page.waitForSelector('body[data-state="done"]', { timeout: 120_000 });
  const line = (await tp.page.textContent('#backend')) ?? '';
  const sections = await tp.page.$$eval('section', (els) => els.map((e) => `${e.id}: ${e.getAttribute('data-state')}: ${e.querySelector('.status')?.textContent}`));
  console.log(`[browser] page /${query} at ${viewport.width} px: ${line}\n  ${sections.join('\n  ')}`);
  const states = await tp.page.evaluate(() => (window as any).numgradDemo.sections); // eslint-disable-line @typescript-eslint/no-explicit-any
  return { tp, line, states };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
/** A panel's published state (window.numgradDemo.panels[key]), functions left out. */
const panel = (p: Page, key: string): Promise<Any> => p.evaluate((k) => JSON.parse(JSON.stringify((window as Any).numgradDemo.panels[k])), key);

/** Runs `act`, then waits until the panel has finished at least one more update and is idle. */
async function after(p: Page, key: string, act: () => Promise<unknown>): Promise<Any> {
  const before: number = await p.evaluate((k) => (window as Any).numgradDemo.panels[k].seq, key);
  await act();
  try {
    await p.waitForFunction(([k, s]) => { const q = (window as Any).numgradDemo.panels[k as string]; return q.seq > (s as number) && !q.busy; }, [key, before], { timeout: 30_000 });
  } catch (e) {
    const q = await panel(p, key);
    throw new Error(`${key}: no finished update after the action (seq ${before} → ${q.seq}, busy ${q.busy}, error ${q.error})`, { cause: e });
  }
  return panel(p, key);
}

/** Viewport coordinates of the data point (x, y) on a panel's chart, scrolled into view first. */
const pointAt = (p: Page, key: string, x: number, y: number): Promise<[number, number]> => p.evaluate(([k, a, b]) => {
  document.querySelector(`#${k} svg.chart`)!.scrollIntoView({ block: 'center' });
  return (window as Any).numgradDemo.panels[k as string].toClient(a, b);
}, [key, x, y] as const);

/** Moves a range input to `value` as a user would (input event), by keyboard where `keys` is given. */
const slide = (p: Page, sel: string, value: number) => p.evaluate(([q, v]) => {
  const e = document.querySelector(q as string) as HTMLInputElement;
  e.value = String(v);
  e.dispatchEvent(new Event('input', { bubbles: true }));
}, [sel, value] as const);

/** |a − b| ≤ atol + rtol·|b|, with a message naming what was compared. */
function close(a: number, b: number, rtol: number, atol: number, what: string): void {
  expect(Math.abs(a - b), `${what}: ${a} vs ${b} (rtol ${rtol}, atol ${atol})`).toBeLessThanOrEqual(atol + rtol * Math.abs(b));
}

/** Softmax cross-entropy of the book's simpleNet, and its exact dW, in float64 here (the oracle). */
function simpleNetOracle(W: number[][], x: number[], t: number[]) {
  const z = [0, 1, 2].map((j) => x[0]! * W[0]![j]! + x[1]! * W[1]![j]!);
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  const y = e.map((v) => v / s);
  const loss = -t.reduce((a, tj, j) => a + tj * Math.log(y[j]! + 1e-7), 0);
  // d/dz of −Σ t log(y + 1e-7): yⱼ·Σₖ tₖ yₖ/(yₖ+1e-7) − tⱼ yⱼ/(yⱼ+1e-7)
  const q = t.map((tk, k) => (tk * y[k]!) / (y[k]! + 1e-7));
  const sq = q.reduce((a, b) => a + b, 0);
  const dz = y.map((yj, j) => yj * sq - q[j]!);
  return { loss, dW: [0, 1].map((i) => dz.map((d) => x[i]! * d)) };
}

describeBrowser('the demo page (npm run build:web) under a strict CSP, on WebGPU', () => {
  let s: BrowserSession;
  let tp: TestPage;
  let loaded: Awaited<ReturnType<typeof openPage>>;
  const times: Record<string, number[]> = {};
  beforeAll(async () => {
    await buildWeb();
    s = await startBrowser({ site: CSP_SITE });
    loaded = await openPage(s);
    tp = loaded.tp;
  }, 240_000);
  afterAll(async () => {
    await s?.close();
  });

  it('web/dist is a static build with no Dawn, no node: and no bare imports, and no inline script or style', () => {
    const assets = readdirSync(join(webDist, 'assets')).filter((f) => f.endsWith('.js'));
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) {
      const { offending } = scanFile(join(webDist, 'assets', a));
      expect(offending, offending.join('\n')).toEqual([]);
    }
    const html = readFileSync(join(webDist, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script is a file
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i); // no inline style, no inline handler
  });

  it('loads on WebGPU under script-src \'self\': the badge, every panel drawn, the book\'s numbers, no console errors', async () => {
    const res = await fetch(`${s.origin}/`);
    expect(res.headers.get('content-security-policy')).toBe(STRICT_CSP);
    const o = loaded;
    expect(problems(tp)).toEqual([]);
    expect(o.line).toMatch(/^backend: webgpu — /);
    expect(o.states).toEqual(ALL_DONE);
    await mkdir(SHOTS, { recursive: true });
    await tp.page.screenshot({ path: join(SHOTS, 'desktop.png'), fullPage: true });
    console.log(`[browser] screenshot ${join(SHOTS, 'desktop.png')}`);

    // the book's numbers: float32 on the device to ~1e-4, the float64 CPU at h = 1e-4 to its printed digits
    const t = await panel(tp.page, 'tangent');
    expectAllclose(t.book.map((b: Any) => b.gpu), [0.2, 0.3], { rtol: 1e-4, atol: 0 }, 'numerical_diff (webgpu)');
    expect(t.book.map((b: Any) => b.cpu)).toEqual(BOOK.derivative); // bit for bit
    expect(await tp.page.textContent('#tangent')).toContain('0.1999999999990898'); // printed in full
    const d = await panel(tp.page, 'descent');
    expect(Math.hypot(...d.last.x)).toBeLessThan(1e-6); // lr 0.1 from (−3, 4): the book's −6.1e-10, 8.1e-10
    const n = await panel(tp.page, 'simpleNet');
    close(n.last.loss, BOOK.loss, 1e-5, 0, 'simpleNet loss (webgpu)');
    expectAllclose(n.last.dW, BOOK.dW, { rtol: 1e-4, atol: 1e-5 }, 'simpleNet dW (webgpu)');
    const c = await panel(tp.page, 'curvature');
    expect(c.available).toBe(true); // ctx.hessian (the Jacobian issue)
    expectAllclose(c.last.H, [[42, -20], [-20, 10]], { rtol: 1e-3, atol: 1e-3 }, 'Hessian at (1, 1) (analytic)');
  });

  it('tangent: dragging on the chart and the keyboard move x; the slope is 0.02x + 0.1 and matches the CPU within float32 tolerance', async () => {
    const p = tp.page;
    await after(p, 'tangent', () => p.click('#tangent-verify'));
    // drag from x = 3 to x = 14 on the plot: pointer events, as a mouse would
    const [ax, ay] = await pointAt(p, 'tangent', 3, 0);
    const [bx] = await pointAt(p, 'tangent', 14, 0);
    const r = await after(p, 'tangent', async () => {
      await p.mouse.move(ax, ay);
      await p.mouse.down();
      for (let i = 1; i <= 5; i++) await p.mouse.move(ax + ((bx - ax) * i) / 5, ay);
      await p.mouse.up();
    });
    expect(r.last.x).toBeCloseTo(14, 0);
    for (const pt of [r.last]) {
      close(pt.slope, 0.02 * pt.x + 0.1, 1e-4, 1e-6, `tangent slope at ${pt.x} (analytic)`);
      close(pt.slope, pt.cpu, 1e-4, 1e-6, `tangent slope at ${pt.x} (cpu float64)`);
      expect(Math.abs(pt.slope - pt.cpu)).toBeLessThanOrEqual(2 * pt.error + 1e-6); // within the GPU's own estimate
    }
    // keyboard: the slider is focusable and arrow keys step it by 0.1
    await p.focus('#tangent-x');
    const k = await after(p, 'tangent', () => p.keyboard.press('ArrowRight'));
    expect(k.last.x).toBeCloseTo(r.last.x + 0.1, 6);
    close(k.last.slope, 0.02 * k.last.x + 0.1, 1e-4, 1e-6, 'tangent slope after ArrowRight');
    expect(await p.textContent('#tangent .verify-out')).toMatch(/CPU \(float64\)/);
    times.tangent = (await panel(p, 'tangent')).times.slice(1);
  });

  it('choosing h: float32 and float64 error curves are U-shaped with the bottom at a larger h in float32; the slider reaches the book\'s 1e-50', async () => {
    const p = tp.page;
    const q = await after(p, 'steps', () => p.click('#steps-verify'));
    const e = Math.E;
    // independent of numgrad: the error of exp's central difference is ≈ h²e/6 for large h
    const big = q.curve.h.findIndex((hh: number) => hh === 0.1);
    close(q.curve.cpu[big], (0.01 * e) / 6, 0.01, 0, 'float64 error at h = 0.1 (truncation h²e/6)');
    expect(q.best.cpu.err).toBeLessThan(1e-9);
    expect(q.best.gpu.err).toBeGreaterThan(1e-7); // float32 cannot do better than ~ε^(2/3)
    expect(q.best.gpu.err).toBeLessThan(1e-3);
    expect(q.best.gpu.h).toBeGreaterThan(q.best.cpu.h); // ∛ε: 5e-3 for float32, 6e-6 for float64
    close(q.ladder.cpu.value, e, 1e-10, 0, 'step ladder (cpu)');
    expect(Math.abs(q.ladder.gpu.value - e)).toBeLessThanOrEqual(1e-3); // float32, SwiftShader's approximate exp
    // h = 1e-4 by the slider
    let r = await after(p, 'steps', () => slide(p, '#steps-h', -4));
    close(r.last.cpu.value, e, 1e-7, 0, 'float64 at h = 1e-4');
    close(r.last.gpu.value, r.last.cpu.value, 0, 4 * ((4 * 2 ** -24 * e) / 1e-4 + 1e-8), 'float32 vs float64 at h = 1e-4 (rounding 4εf/h)');
    // the book's h = 1e-50: vanishes against x = 1 in float64 (x ± h == x: the quotient is 0)
    r = await after(p, 'steps', () => slide(p, '#steps-h', -50));
    expect(r.last.cpu.value).toBe(0);
    expect(r.last.cpu.vanished).toBe(true);
    expect(r.last.gpu.value === 0 || r.last.gpu.message !== null).toBe(true); // 1e-50 is 0 in float32
    expect(await p.textContent('#steps')).toMatch(/1e-50/);
    // keyboard
    await p.focus('#steps-h');
    r = await after(p, 'steps', () => p.keyboard.press('End'));
    expect(r.last.k).toBe(0);
    times.steps = (await panel(p, 'steps')).times.slice(1);
  });

  it('quiver: an edited expression redraws all 324 arrows from GPU gradients that match the analytic ones and the CPU; a bad one is reported inline and keeps the picture', async () => {
    const p = tp.page;
    await after(p, 'quiver', () => p.click('#quiver-verify'));
    let r = await after(p, 'quiver', async () => { await p.fill('#quiver-expr', 'x0^2 + 3*x1^2'); await p.press('#quiver-expr', 'Enter'); });
    expect(r.last.expr).toBe('x0^2 + 3*x1^2');
    expect(r.last.points).toHaveLength(324);
    expectAllclose(r.last.grad, r.last.points.map(([a, b]: number[]) => [2 * a!, 6 * b!]), { rtol: 1e-4, atol: 1e-4 }, 'quiver (analytic)');
    expectAllclose(r.last.grad, r.last.cpu, { rtol: 1e-4, atol: 1e-4 }, 'quiver (cpu float64)');
    expect(await p.$$eval('#quiver svg.chart path', (els) => els.length)).toBeGreaterThanOrEqual(324);
    r = await after(p, 'quiver', async () => { await p.fill('#quiver-expr', 'x0^2 + * x1'); await p.press('#quiver-expr', 'Enter'); });
    expect(r.bad).toMatchObject({ name: 'ExprError', column: 8 });
    expect(r.last.expr).toBe('x0^2 + 3*x1^2'); // the last good picture stays
    expect(await p.getAttribute('#quiver-expr', 'aria-invalid')).toBe('true');
    expect(await p.textContent('#quiver-msg')).toMatch(/column 8/);
    // a preset button: Rosenbrock-like, gradients up to ~60 (polynomial, so float32-accurate;
    // SwiftShader's sin/cos are approximate, which shows in verify, not here)
    r = await after(p, 'quiver', () => p.click('#quiver .presets button:nth-of-type(4)'));
    expect(r.last.expr).toBe('(1 - x0)^2 + 5*(x1 - x0^2)^2');
    expect(await p.getAttribute('#quiver-expr', 'aria-invalid')).toBeNull();
    const rosen = ([a, b]: number[]) => [-2 * (1 - a!) - 20 * a! * (b! - a! * a!), 10 * (b! - a! * a!)];
    expectAllclose(r.last.grad, r.last.points.map(rosen), { rtol: 1e-4, atol: 1e-3 }, 'quiver Rosenbrock-like (analytic)');
    expectAllclose(r.last.grad, r.last.cpu, { rtol: 1e-4, atol: 1e-3 }, 'quiver Rosenbrock-like (cpu float64)');
    times.quiver = (await panel(p, 'quiver')).times.slice(2);
  });

  it('descent: a click sets the start; lr 1e-10, 0.1, 0.9, 1.05 and 10 behave as (1 − 2·lr)ᵏ says, on the GPU as on the CPU, and leaving the frame is noted', async () => {
    const p = tp.page;
    await after(p, 'descent', () => p.click('#descent-verify'));
    const [cx, cy] = await pointAt(p, 'descent', 1, 1.5);
    let r = await after(p, 'descent', () => p.mouse.click(cx, cy));
    const start: number[] = r.last.start;
    expect(start[0]).toBeCloseTo(1, 1);
    expect(start[1]).toBeCloseTo(1.5, 1);
    const LR_INDEX = { 1e-10: 0, 0.1: 2, 0.9: 5, 1.05: 6, 10: 7 } as const;
    const seen: Record<string, Any> = {};
    for (const [lr, i] of Object.entries(LR_INDEX)) {
      r = await after(p, 'descent', () => slide(p, '#descent-lr', i));
      expect(r.last.lr).toBe(Number(lr));
      seen[lr] = r.last;
    }
    // x_k = (1 − 2·lr)^k · x₀ for the exact gradient of x0² + x1² (the oracle)
    const exact = (lr: number, k: number) => start.map((v) => (1 - 2 * lr) ** k * v);
    expectAllclose(seen['1e-10'].x, start, { rtol: 1e-7, atol: 0 }, 'lr 1e-10 barely moves (webgpu)');
    expect(Math.hypot(...seen['0.1'].x)).toBeLessThan(1e-6);
    expectAllclose(seen['0.9'].history[5], exact(0.9, 5), { rtol: 1e-4, atol: 1e-6 }, 'lr 0.9, step 5 (analytic)');
    expect(Math.sign(seen['0.9'].history[1][0])).toBe(-Math.sign(start[0]!)); // zig-zag
    expect(Math.hypot(...seen['0.9'].x)).toBeLessThan(1e-6); // 0.8¹⁰⁰
    expectAllclose(seen['1.05'].history[10], exact(1.05, 10), { rtol: 1e-3, atol: 0 }, 'lr 1.05, step 10 (analytic)');
    expect(Math.sign(seen['1.05'].history[1][0])).toBe(-Math.sign(start[0]!));
    expect(seen['1.05'].left).toMatch(/leaves the frame at step \d+/);
    expect(seen['10'].diverged).toBe(true);
    expect(seen['10'].left).toMatch(/leaves the frame/);
    for (const lr of ['1e-10', '0.1', '0.9']) expectAllclose(seen[lr].x, seen[lr].cpu.x, { rtol: 1e-4, atol: 1e-6 }, `lr ${lr} (cpu float64)`);
    // |1 − 2·lr| = 1.1: every step amplifies float32's rounding and the gradient's ~1e-5 error, so the paths part slowly
    expectAllclose(seen['1.05'].history.slice(0, 30), seen['1.05'].cpu.history.slice(0, 30), { rtol: 1e-3, atol: 1e-6 }, 'lr 1.05, 30 steps (cpu float64)');
    expect(seen['10'].cpu.diverged).toBe(true);
    expect(await p.textContent('#descent .note')).toMatch(/leaves the frame/);
    // typed start point (keyboard users): a number input
    r = await after(p, 'descent', async () => { await p.fill('#descent-x0', '0.5'); });
    expect(r.last.start[0]).toBe(0.5);
    times.descent = (await panel(p, 'descent')).times.slice(1);
  });

  it('SimpleNet: editing W recomputes loss and dW on the GPU, equal to softmax cross-entropy computed here and to the CPU', async () => {
    const p = tp.page;
    await after(p, 'simpleNet', () => p.click('#simpleNet-verify'));
    const r = await after(p, 'simpleNet', () => p.fill('#snet-w00', '1.5'));
    const W = [[1.5, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]];
    expect(r.last.W).toEqual(W);
    const o = simpleNetOracle(W, [0.6, 0.9], [0, 0, 1]);
    close(r.last.loss, o.loss, 1e-5, 0, 'loss (oracle)');
    expectAllclose(r.last.dW, o.dW, { rtol: 1e-3, atol: 1e-5 }, 'numerical dW on the GPU (oracle)');
    expectAllclose(r.last.backprop, o.dW, { rtol: 1e-9, atol: 1e-12 }, 'backprop dW on the CPU (oracle)');
    expectAllclose(r.last.dW, r.last.cpu.dW, { rtol: 1e-3, atol: 1e-5 }, 'dW (cpu float64)');
    // a blank weight: said, nothing recomputed
    await p.fill('#snet-w11', '');
    expect(await p.getAttribute('#snet-w11', 'aria-invalid')).toBe('true');
    await after(p, 'simpleNet', () => p.fill('#snet-w11', '0.2'));
    times.simpleNet = (await panel(p, 'simpleNet')).times.slice(1);
  });

  it('training: each press trains both nets further; numerical and backprop curves agree, the loss falls, and the GPU gradient matches the CPU', async () => {
    const p = tp.page;
    let r = await after(p, 'training', () => p.click('#training-verify'));
    const first = r.last.loss.back;
    r = await after(p, 'training', () => p.click('#train-more'));
    r = await after(p, 'training', () => p.click('#train-more'));
    expect(r.last.steps).toBe(150);
    expect(r.last.lossNum).toHaveLength(150);
    expectAllclose(r.last.lossNum, r.last.lossBack, { rtol: 1e-2, atol: 1e-3 }, 'numerical vs backprop training curves');
    expect(r.last.loss.back).toBeLessThan(first);
    expect(r.last.acc.back).toBeGreaterThan(0.45); // chance is 1/3
    expectAllclose(r.last.cpu.gpuB2, r.last.cpu.b2, { rtol: 1e-3, atol: 1e-4 }, '∂L/∂b2 (cpu float64)');
    expectAllclose(r.last.cpu.gpuW2, r.last.cpu.W2, { rtol: 1e-3, atol: 1e-4 }, '∂L/∂W2 (cpu float64)');
    r = await after(p, 'training', () => p.click('#train-reset'));
    expect(r.last.steps).toBe(0);
    times.training = (await panel(p, 'training')).times.slice(1);
  });

  it('BGD vs SGD: both learning-rate sliders redraw the paths; GPU θ matches the CPU and BGD nears θ*', async () => {
    const p = tp.page;
    await after(p, 'regression', () => p.click('#regression-verify'));
    const r = await after(p, 'regression', () => slide(p, '#bgd-lr', 4));
    expect(r.last.lb).toBe(1.5);
    const q = await after(p, 'regression', () => slide(p, '#sgd-lr', 1));
    expect(q.last.ls).toBe(0.03);
    expectAllclose(q.last.bgd.theta, q.last.cpu.bgd, { rtol: 1e-3, atol: 1e-4 }, 'BGD θ (cpu float64)');
    expectAllclose(q.last.sgd.theta, q.last.cpu.sgd, { rtol: 1e-3, atol: 1e-4 }, 'SGD θ (cpu float64)');
    expectAllclose(q.last.bgd.theta, q.last.star, { rtol: 0, atol: 0.05 }, 'BGD near θ*');
    expect(q.last.bgd.history).toHaveLength(11);
    times.regression = (await panel(p, 'regression')).times.slice(1);
  });

  it('curvature: a click moves the point; the GPU Hessian equals the analytic one and the CPU; a bad expression is reported', async () => {
    const p = tp.page;
    await after(p, 'curvature', () => p.click('#curvature-verify'));
    const [cx, cy] = await pointAt(p, 'curvature', 0, 0.5);
    const r = await after(p, 'curvature', () => p.mouse.click(cx, cy));
    // the chapter's two Hessians, in their own table: 2I and [[802, −400], [−400, 200]] (analytic)
    const book = r.chapter as { name: string; exact: number[][]; gpu: number[][]; cpu: number[][] }[];
    expect(book.map((k) => k.exact)).toEqual([[[2, 0], [0, 2]], [[802, -400], [-400, 200]]]);
    for (const k of book) {
      expectAllclose(k.gpu, k.exact, { rtol: 1e-3, atol: 1e-3 }, `${k.name} (gpu)`);
      expectAllclose(k.cpu, k.exact, { rtol: 1e-7, atol: 1e-7 }, `${k.name} (cpu)`);
    }
    expect(await p.textContent('#curvature')).toMatch(/802/);
    const [a, b] = r.last.x;
    expect(a).toBeCloseTo(0, 1);
    expect(b).toBeCloseTo(0.5, 1);
    // f = (1 − a)² + 5(b − a²)²: ∂²/∂a² = 2 − 20b + 60a², ∂²/∂a∂b = −20a, ∂²/∂b² = 10 (written here)
    const exact = [[2 - 20 * b + 60 * a * a, -20 * a], [-20 * a, 10]];
    expectAllclose(r.last.H, exact, { rtol: 1e-3, atol: 1e-3 }, 'Hessian (analytic)');
    expectAllclose(r.last.H, r.last.cpu, { rtol: 1e-3, atol: 1e-3 }, 'Hessian (cpu float64)');
    expectAllclose(r.last.cpu, exact, { rtol: 1e-7, atol: 1e-7 }, 'Hessian on the CPU (analytic)');
    expect(Math.sign(r.last.eigen[0]) * Math.sign(r.last.eigen[1])).toBe(-1); // a saddle at (0, 0.5)
    expect(await p.textContent('#curvature')).toMatch(/saddle/);
    const q = await after(p, 'curvature', async () => { await p.fill('#hess-expr', 'x0^2 + ) x1'); await p.press('#hess-expr', 'Enter'); });
    expect(q.bad).toMatchObject({ name: 'ExprError' });
    expect(await p.getAttribute('#hess-expr', 'aria-invalid')).toBe('true');
    await after(p, 'curvature', async () => { await p.fill('#hess-expr', 'x0^2 + 3*x0*x1 + x1^4'); await p.press('#hess-expr', 'Enter'); });
    const t = await after(p, 'curvature', () => p.fill('#hess-x1', '2'));
    expectAllclose(t.last.H, [[2, 3], [3, 12 * t.last.x[1] ** 2]], { rtol: 1e-3, atol: 1e-3 }, 'Hessian of x0² + 3x0x1 + x1⁴ (analytic)');
    times.curvature = (await panel(p, 'curvature')).times.slice(1);
  });

  it('playground: a NaN does not wipe the result, log(x0) at −1 is not "passed", verify\'s caption follows it, tolerances are rounded, errors name no internals', async () => {
    const p = tp.page;
    const run = (e: string, x: string) => after(p, 'playground', async () => { await p.fill('#expr', e); await p.fill('#point', x); await p.press('#expr', 'Enter'); });
    let r = await run('log(x0)', '-1');
    expect(r.last.undefinedHere).toBe(true);
    expect(r.last.cpuValue).toBeNull(); // NaN, serialised
    expect(r.last.gradCheckOk).toBeNull();
    let text = (await p.textContent('#play-result')) ?? '';
    expect(text).toMatch(/not defined at this point/);
    expect(text).not.toMatch(/gradCheck[^.]*passed/);
    // NaN in one component: the other is still shown
    // (f is NaN at every perturbed point there, so both partials are; the symbolic ones are not)
    r = await run('log(x0) + x1^2', '-1, 2');
    expect(r.last.error).toBeNull();
    expect(r.last.symbolic).toEqual([-1, 4]);
    expect(r.last.gradient).toHaveLength(2);
    expect(await p.$$eval('#play-result tbody tr', (els) => els.length)).toBe(2);
    expect(await p.textContent('#play-result')).toMatch(/not defined at this point/);
    // verify passes, and the caption says so; then a failing one says the opposite
    r = await run('x0^2 + x1^2', '3, 4');
    expect(r.last.verifyOk).toBe(true);
    expectAllclose(r.last.gradient, [6, 8], { rtol: 1e-4, atol: 0 }, 'playground x0²+x1²');
    text = (await p.textContent('#play-result')) ?? '';
    expect(text).toMatch(/verify against the CPU float64 path: passed/);
    expect(text).toMatch(/Within the error estimates/);
    r = await run('sin(x0)*x1^2', '1, 2');
    expectAllclose(r.last.gradient, [4 * Math.cos(1), 4 * Math.sin(1)], { rtol: 2e-3, atol: 0 }, 'playground sin(x0)·x1²');
    text = (await p.textContent('#play-result')) ?? '';
    expect(text).toMatch(r.last.verifyOk ? /Within the error estimates/ : /Outside the error estimates/);
    expect(text).not.toMatch(r.last.verifyOk ? /Outside the error estimates/ : /Within the error estimates/);
    expect(text).toMatch(/rtol \d\.\de-\d+, atol \d\.\de-\d+/); // rounded: rtol 4.8e-4, not 0.0004844363561914671
    expect(text).not.toMatch(/\d\.\d{8,}e-/);
    // sigmoid(x) with two numbers: the page's own message, no internal function name
    r = await run('sigmoid(x)', '1, 2');
    expect(r.last.error.message).toMatch(/has 1 variable .* but the point has 2 numbers/);
    expect(await p.textContent('#play-result')).not.toMatch(/gradJs|evalJs/);
    r = await run('sigmoid(x)', '0');
    close(r.last.gradient[0], 0.25, 1e-4, 0, 'sigmoid′(0)');
    // a bad expression: the column, inline
    r = await run('x0^2 + * x1', '1, 2');
    expect(r.last.error).toMatchObject({ name: 'ExprError', column: 8 });
    expect(await p.textContent('#play-result')).toMatch(/column 8/);
    expect(await p.getAttribute('#expr', 'aria-invalid')).toBe('true');
    times.playground = (await panel(p, 'playground')).times.slice(1);
    expect(problems(tp)).toEqual([]);
  });

  it('is labelled, captioned, described and readable: controls have names, tables captions, charts text; contrast ≥ 4.5:1', async () => {
    const a = await tp.page.evaluate(audit);
    expect(a.unlabelled).toEqual([]);
    expect(a.tables).toBeGreaterThan(5);
    expect(a.uncaptioned).toBe(0);
    expect(a.unboxedTables).toBe(0);
    expect(a.charts.length).toBe(8); // tangent, h, quiver, descent, two training curves, BGD/SGD, curvature
    expect(a.chartsWithoutText, JSON.stringify(a.charts)).toBe(0);
    expect(a.lowContrast).toEqual([]);
    expect(a.overflowPx).toBe(0);
    expect(problems(tp)).toEqual([]);
  });

  it('at 390 px (a phone) nothing overflows, tables scroll in their own box, chart text is ≥ 11 px', async () => {
    const { tp: phone, states } = await openPage(s, '', { width: 390, height: 844 });
    expect(states).toEqual(ALL_DONE);
    const a = await phone.page.evaluate(audit);
    console.log(`[browser] 390 px: document overflow ${a.overflowPx} px, smallest chart text ${a.smallestChartTextPx.toFixed(1)} px, ${a.tables} tables, ${a.charts.length} charts`);
    expect(a.viewport).toBe(390);
    expect(a.overflowPx).toBe(0);
    expect(a.overflowing).toEqual([]);
    expect(a.smallChartText).toEqual([]);
    expect(a.smallestChartTextPx).toBeGreaterThanOrEqual(11);
    expect(a.unboxedTables).toBe(0);
    expect(a.lowContrast).toEqual([]);
    await phone.page.screenshot({ path: join(SHOTS, 'phone.png'), fullPage: true });
    console.log(`[browser] screenshot ${join(SHOTS, 'phone.png')}`);
    expect(problems(phone)).toEqual([]);
  });

  it('redraw time per update, by panel: warm (shaders compiled), verify off; numgrad call + draw (printed for the record)', async () => {
    const p = tp.page;
    for (const k of PANELS) {
      if (k !== 'playground' && (await p.isChecked(`#${k}-verify`))) await after(p, k, () => p.click(`#${k}-verify`));
    }
    const warm: Record<string, number[]> = {};
    const measure = async (k: string, acts: (() => Promise<unknown>)[]) => {
      const n0: number = (await panel(p, k)).times.length;
      for (const act of acts) await after(p, k, act);
      warm[k] = (await panel(p, k)).times.slice(n0);
    };
    const submit = (sel: string, text: string) => async () => { await p.fill(sel, text); await p.press(sel, 'Enter'); };
    await measure('tangent', [6, 7, 8, 9, 10].map((x) => () => slide(p, '#tangent-x', x)));
    await measure('steps', [-1, -2, -3, -5, -6].map((k) => () => slide(p, '#steps-h', k)));
    await measure('quiver', [1, 2, 3].map(() => submit('#quiver-expr', 'x0^2 + x1^2')));
    await measure('descent', [2, 3, 4, 5, 2].map((i) => () => slide(p, '#descent-lr', i)));
    await measure('simpleNet', [0.4, 0.5, 0.6, 0.7, 0.8].map((w) => () => p.fill('#snet-w00', String(w))));
    await measure('training', [1, 2].map(() => () => p.click('#train-more')));
    await measure('regression', [2, 3].map((i) => () => slide(p, '#bgd-lr', i)));
    await measure('curvature', [0.5, 0.7, 0.9].map((x) => () => p.fill('#hess-x0', String(x))));
    await measure('playground', [1, 2, 3].map(() => async () => { await p.fill('#expr', 'x0^2 + x1^2'); await p.fill('#point', '3, 4'); await p.press('#expr', 'Enter'); }));
    const line = (k: string, t: number[]) => {
      const v = [...t].sort((x, y) => x - y);
      return `  ${k.padEnd(11)} ${String(v.length).padStart(2)} updates: median ${(v[Math.floor(v.length / 2)] ?? NaN).toFixed(1)} ms (min ${v[0]?.toFixed(1)}, max ${v.at(-1)?.toFixed(1)})`;
    };
    console.log(`[browser] redraw time per update on WebGPU (SwiftShader), warm, verify off:\n${PANELS.map((k) => line(k, warm[k] ?? [])).join('\n')}`);
    console.log(`[browser] while the tests drove the controls (verify on, first compiles of new expressions included):\n${PANELS.map((k) => line(k, times[k] ?? [])).join('\n')}`);
    expect(Object.keys(times).sort()).toEqual([...PANELS].sort());
    for (const k of PANELS) expect(warm[k]!.length, k).toBeGreaterThan(0);
    expect(problems(tp)).toEqual([]);
  });
});

describeBrowser('the demo page without WebGPU (launched without --enable-unsafe-webgpu), same CSP', () => {
  let s: BrowserSession;
  beforeAll(async () => {
    await buildWeb();
    s = await startBrowser({ webgpu: false, site: CSP_SITE });
  }, 180_000);
  afterAll(async () => {
    await s?.close();
  });

  it('?backend=webgpu says WebGPU is missing, links to the CPU view, and that view draws every panel in float64', async () => {
    const { tp } = await openPage(s, '?backend=webgpu');
    expect(problems(tp)).toEqual([]);
    expect(await tp.page.textContent('#no-webgpu h2')).toMatch(/WebGPU is not available/);
    expect(await tp.page.getAttribute('#to-cpu', 'href')).toBe('/?backend=cpu');
    expect(await tp.page.getAttribute('#backend-switch a[data-backend="webgpu"]', 'aria-current')).toBe('page');
    await tp.page.click('#to-cpu');
    await tp.page.waitForSelector('body[data-state="done"]', { timeout: 120_000 });
    expect(await tp.page.textContent('#backend')).toMatch(/^backend: cpu \(float64\)$/);
    expect(await tp.page.evaluate(() => (window as Any).numgradDemo.sections)).toEqual(ALL_DONE);
    const t = await panel(tp.page, 'tangent');
    expect(t.book.map((b: Any) => b.cpu)).toEqual(BOOK.derivative);
    expect(problems(tp)).toEqual([]);
  });

  it('auto falls back to the CPU, says why in the badge, and draws every panel', async () => {
    const { tp, line, states } = await openPage(s);
    expect(problems(tp)).toEqual([]);
    expect(line).toMatch(/^backend: cpu \(float64\) — fallback: no WebGPU adapter/);
    expect(states).toEqual(ALL_DONE);
    const n = await panel(tp.page, 'simpleNet');
    close(n.last.loss, BOOK.loss, 1e-12, 0, 'simpleNet loss (cpu)');
  });
});

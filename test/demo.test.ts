import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createContext, type Context } from '../src/entry-node';
import { demo } from '../apps/cli/demo';
import { runChapter, type ChapterResults } from '../apps/chapter/chapter';
import { descentSection, simpleNetSection } from '../apps/chapter/sections';
import { FIGURES } from '../apps/chapter/figures';
import { writeFigures } from '../apps/chapter/write-figures';
import { reportText } from '../apps/chapter/report';
import { describeBackends } from './helpers/backends';
import { expectAllclose } from './helpers/allclose';

// The chapter runs on a cpu context beside the context under test (cpu or webgpu): the cpu
// side must print the book's numbers, the other side agree within float32 tolerances.
// References are the book's printed values (shared/seeds/README.md) and exact derivatives.

const paths = (svg: string) => (svg.match(/<path /g) ?? []).length;

describeBackends('numgrad demo chapter', (ctx, kind) => {
  const f32 = kind === 'webgpu';
  let cpu: Context;
  let r: ChapterResults;
  let dir: string;
  beforeAll(async () => {
    cpu = await createContext({ backend: 'cpu' });
    r = await runChapter(cpu, ctx());
    dir = await mkdtemp(join(tmpdir(), 'numgrad-demo-'));
  });
  afterAll(async () => {
    await cpu?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reports the backend of the context beside cpu', () => {
    expect(r.auto.backend).toBe(kind);
    expect(r.auto.adapter === null).toBe(kind === 'cpu');
  });

  it('derivatives of 0.01x² + 0.1x at 5 and 10: the book on cpu, exact within float32 on the other side', () => {
    const [a, b] = r.derivative;
    expect(a.value.cpu).toBeCloseTo(0.1999999999990898, 12);
    expect(b.value.cpu).toBeCloseTo(0.2999999999986347, 12);
    expectAllclose(r.derivative.map((d) => d.value.gpu), [0.2, 0.3], f32 ? { rtol: 1e-5 } : { rtol: 1e-10 }, 'vs 0.02x + 0.1');
    // tangent at x: slope f'(x), through (x, f(x)), so intercept f(x) − x·f'(x) = −0.01x²
    for (const t of r.tangent) {
      expectAllclose([t.line.gpu.slope, t.line.gpu.intercept], [0.02 * t.x + 0.1, -0.01 * t.x * t.x], f32 ? { rtol: 1e-5, atol: 1e-5 } : { rtol: 1e-10 }, `tangent at ${t.x}`);
      expectAllclose([t.line.cpu.slope, t.line.cpu.intercept], [0.02 * t.x + 0.1, -0.01 * t.x * t.x], { rtol: 1e-10 }, `cpu tangent at ${t.x}`);
    }
  });

  it('partial derivatives: the book\'s 6.00000000000378 and 7.999999999999119', () => {
    expect(Math.abs(r.partial[0].value.cpu - 6.00000000000378)).toBeLessThan(1e-12);
    expect(Math.abs(r.partial[1].value.cpu - 7.999999999999119)).toBeLessThan(1e-12);
    expectAllclose(r.partial.map((p) => p.value.gpu), [6, 8], f32 ? { rtol: 1e-5 } : { rtol: 1e-10 });
  });

  it('gradients at (3,4), (0,2), (3,0), and the 324-point quiver grid vs the exact 2x', () => {
    expect(r.gradient.map((g) => g.x)).toEqual([[3, 4], [0, 2], [3, 0]]);
    for (const [i, want] of [[6, 8], [0, 4], [6, 0]].entries()) {
      expectAllclose(r.gradient[i].value.cpu, want, { rtol: 0, atol: 1e-10 }, `cpu at ${r.gradient[i].x}`);
      expectAllclose(r.gradient[i].value.gpu, want, f32 ? { rtol: 1e-5, atol: 1e-5 } : { rtol: 0, atol: 1e-10 }, `at ${r.gradient[i].x}`);
    }
    expect(r.quiver.points).toHaveLength(18 * 18);
    expect(r.quiver.points[0]).toEqual([-2, -2]);
    expect(r.quiver.points[1]).toEqual([-1.75, -2]); // x0 fastest, as the book's meshgrid flattened
    expect(r.quiver.points[323]).toEqual([2.25, 2.25]);
    const exact = r.quiver.points.map(([a, b]) => [2 * a, 2 * b]);
    expectAllclose(r.quiver.grad.cpu, exact, { rtol: 0, atol: 1e-10 }, 'cpu grid');
    expectAllclose(r.quiver.grad.gpu, exact, f32 ? { rtol: 1e-5, atol: 5e-5 } : { rtol: 0, atol: 1e-10 }, 'grid');
  });

  it('gradient descent from (−3, 4): the book\'s three learning rates, with the flags', () => {
    const [a, b, c] = r.descent;
    expect([a.lr, b.lr, c.lr]).toEqual([0.1, 10, 1e-10]);
    expectAllclose(a.run.cpu.x, [-6.11110793e-10, 8.14814391e-10], { rtol: 1e-8, atol: 1e-12 }, 'cpu lr 0.1');
    expectAllclose(b.run.cpu.x, [-2.58983747e13, -1.29524862e12], { rtol: 1e-8 }, 'cpu lr 10');
    expectAllclose(c.run.cpu.x, [-2.99999994, 3.99999992], { rtol: 0, atol: 1e-12 + 5e-9 }, 'cpu lr 1e-10');
    expect(b.run.cpu).toMatchObject({ diverged: true, divergedAt: 5, stopped: false });
    expect(b.run.cpu.vanishedSteps).toBeGreaterThan(0);
    expect(a.run.cpu).toMatchObject({ diverged: false, stopped: false, vanishedSteps: 0, steps: 100 });
    if (f32) {
      expectAllclose(a.run.gpu.x, [-6.11110793e-10, 8.14814391e-10], { rtol: 0, atol: 2e-10 }, 'float32 lr 0.1');
      expectAllclose(c.run.gpu.x, [-2.99999994, 3.99999992], { rtol: 0, atol: 2.4e-7 }, 'float32 lr 1e-10');
      expect(b.run.gpu.diverged).toBe(true);
    } else {
      expect(b.run.gpu.x).toEqual(b.run.cpu.x);
    }
    for (const d of r.descent) {
      expect(d.run.cpu.history).toHaveLength(d.run.cpu.steps + 1);
      expect(d.run.gpu.history![0]).toEqual([-3, 4]);
    }
  });

  it('SimpleNet: predict, loss and dW as the book prints them; gradCheck OK on both sides', () => {
    const s = r.simpleNet;
    const predict = [1.05414809, 0.63071653, 1.1328074];
    const dW = [[0.21924763, 0.14356247, -0.36281009], [0.32887144, 0.2153437, -0.54421514]];
    expectAllclose(s.predict.cpu, predict, { rtol: 0, atol: 1e-8 }, 'cpu predict (8 printed digits)');
    expect(Math.abs(s.loss.cpu - 0.9280682857864075)).toBeLessThan(1e-12);
    // the book's dW comes from its unrounded W: agreement to ~1e-7
    expectAllclose(s.dW.cpu, dW, { rtol: 0, atol: 2e-7 }, 'cpu dW');
    expectAllclose(s.predict.gpu, predict, { rtol: f32 ? 1e-6 : 0, atol: 1e-8 }, 'predict');
    expect(Math.abs(s.loss.gpu - 0.9280682857864075)).toBeLessThan(f32 ? 1e-6 : 1e-12);
    expectAllclose(s.dW.gpu, dW, { rtol: 0, atol: f32 ? 5e-7 : 2e-7 }, 'dW');
    expect(s.gradCheck.cpu).toMatchObject({ ok: true, text: expect.stringMatching(/^gradCheck OK/) });
    expect(s.gradCheck.gpu).toMatchObject({ ok: true, text: expect.stringMatching(/^gradCheck OK/) });
  });

  it('BGD vs SGD: BGD reaches the normal-equation θ*, SGD gets close; manual w → 2', () => {
    const g = r.regression;
    const d = (a: number[]) => Math.hypot(...a.map((v, i) => v - g.thetaStar[i]));
    expect(d(g.bgd.cpu.theta)).toBeLessThan(1e-5);
    expect(d(g.bgd.gpu.theta)).toBeLessThan(f32 ? 1e-4 : 1e-5);
    expect(d(g.sgd.cpu.theta)).toBeLessThan(0.1);
    expect(d(g.sgd.gpu.theta)).toBeLessThan(0.1);
    expectAllclose(g.gradAtZero.cpu, g.analyticGradAtZero, { rtol: 1e-8, atol: 1e-10 }, 'cpu ∇J(0)');
    expectAllclose(g.gradAtZero.gpu, g.analyticGradAtZero, f32 ? { rtol: 1e-4, atol: 1e-4 } : { rtol: 1e-8, atol: 1e-10 }, '∇J(0)');
    // θ* is close to the θ the data was generated from (noise 0.1, 32 rows)
    expectAllclose(g.thetaStar, g.setup.trueTheta, { rtol: 0, atol: 0.15 }, 'θ* vs true θ');
    expect(Math.abs(g.manual.w - 2)).toBeLessThan(1e-4);
    expect(g.manual.manualGradAtStart).toBeCloseTo(-28 / 3, 12);
    expect(Math.abs(g.manual.gradAtStart.cpu + 28 / 3)).toBeLessThan(1e-9);
    expect(Math.abs(g.manual.gradAtStart.gpu + 28 / 3)).toBeLessThan(f32 ? 1e-4 : 1e-9);
  });

  it('directional derivatives at (3, 4): 14/√2 along (1,1), ‖∇f‖ = 10 along ∇f, 0 across', () => {
    const want = [14 / Math.SQRT2, 10, 0];
    expectAllclose(r.directional.items.map((i) => i.value.cpu), want, { rtol: 1e-10, atol: 1e-10 }, 'cpu');
    expectAllclose(r.directional.items.map((i) => i.value.gpu), want, f32 ? { rtol: 1e-5, atol: 1e-4 } : { rtol: 1e-10, atol: 1e-10 });
  });

  it('writes the five SVGs, non-empty, with the expected series and arrows and no NaN coordinates', async () => {
    const files = await writeFigures(r, dir);
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(Object.keys(FIGURES).sort());
    const svg: Record<string, string> = {};
    for (const f of files) {
      expect((await stat(f)).size).toBeGreaterThan(500);
      svg[f.slice(dir.length + 1)] = await readFile(f, 'utf8');
    }
    for (const [name, text] of Object.entries(svg)) {
      expect(text.startsWith('<svg'), name).toBe(true);
      expect(text, name).not.toMatch(/NaN|Infinity/);
    }
    expect(paths(svg['tangent.svg'])).toBe(5); // f, two tangents, two contact points
    expect(paths(svg['quiver.svg'])).toBe(324); // one arrow per grid point
    expect(paths(svg['descent.svg'])).toBe(7); // five level sets, the cpu and the other path
    expect((svg['descent.svg'].match(/<circle /g) ?? []).length).toBe(101); // cpu markers: 100 steps + start
    expect(paths(svg['learning-rates.svg'])).toBe(6); // three rates × two backends
    expect(paths(svg['bgd-sgd.svg'])).toBe(4); // BGD, SGD × two backends
  });

  it('the report has a header per section and the book\'s values in it', () => {
    const text = reportText(r);
    for (let k = 1; k <= 8; k++) expect(text).toMatch(new RegExp(`^${k}\\. `, 'm'));
    expect(text).toContain('0.1999999999990898');
    expect(text).toContain(kind === 'webgpu' ? 'picked webgpu' : 'picked cpu');
    // a terminal's default width: no line wraps (code points; the report has no wide characters)
    const wide = text.split('\n').filter((l) => [...l].length > 80);
    expect(wide, wide.join('\n')).toEqual([]);
  });
}, ['cpu', 'webgpu']);

it('a section on one context for both sides (the web page on ?backend=cpu) runs once and fills both sides with it', async () => {
  const cpu = await createContext({ backend: 'cpu' });
  try {
    const d = await descentSection({ cpu, gpu: cpu });
    for (const e of d) expect(e.run.gpu).toBe(e.run.cpu);
    expectAllclose(d[0].run.cpu.x, [-6.11110793e-10, 8.14814391e-10], { rtol: 1e-8, atol: 1e-12 }, 'lr 0.1');
    const n = await simpleNetSection({ cpu, gpu: cpu });
    expect(n.gradCheck.gpu).toBe(n.gradCheck.cpu);
    expect(Math.abs(n.loss.cpu - 0.9280682857864075)).toBeLessThan(1e-12);
  } finally {
    await cpu.dispose();
  }
});

it('numgrad demo (in-process): exit 0, prints the folder, writes the figures; bad flags exit 2', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'numgrad-demo-cli-'));
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(await demo(['--out', dir])).toBe(0);
    const printed = log.mock.calls.map((c) => String(c[0])).join('\n');
    expect(printed).toContain(`Figures written to ${dir}/`);
    for (const f of Object.keys(FIGURES)) expect((await stat(join(dir, f))).size).toBeGreaterThan(500);
    expect(await demo(['--bogus'])).toBe(2);
    expect(await demo(['--out'])).toBe(2);
  } finally {
    log.mockRestore();
    err.mockRestore();
    await rm(dir, { recursive: true, force: true });
  }
});

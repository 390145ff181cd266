import { describe, expect, it } from 'vitest';
import { barChart, linePlot, quiverPlot } from '../src/plot/svg';
import { niceTicks, scale } from '../src/plot/scale';

describe('svg plots', () => {
  it('maps data to pixels linearly and in log10', () => {
    const s = scale(0, 10, 100, 200);
    expect([s(0), s(5), s(10)]).toEqual([100, 150, 200]);
    const l = scale(1, 1000, 0, 300, true);
    expect(l(10)).toBeCloseTo(100, 12);
    expect(l.ticks).toEqual([1, 10, 100, 1000]);
    expect(niceTicks(-2, 2.5)).toEqual([-2, -1, 0, 1, 2]);
  });

  it('draws one path per series and breaks lines at non-finite points', () => {
    const svg = linePlot([{ x: [0, 1, 2, 3], y: [0, 1, NaN, 9], label: 'f' }, { x: [0, 3], y: [0, 9], dashed: true }]);
    expect(svg.match(/<path /g)).toHaveLength(2);
    const d = /<path d="([^"]+)"/.exec(svg)![1];
    expect(d.match(/M/g)).toHaveLength(2); // restarted after the NaN
    expect(svg).toContain('stroke-dasharray');
    expect(svg.startsWith('<svg')).toBe(true);
  });

  it('draws an arrow for each finite vector, pointing the right way', () => {
    const svg = quiverPlot([[0, 0], [1, 0], [0, 1]], [[1, 0], [0, Infinity], [0, -1]]);
    const arrows = [...svg.matchAll(/<path d="M([\d.]+),([\d.]+)L([\d.]+),([\d.]+)M/g)];
    expect(arrows).toHaveLength(2);
    const [, x0, , x1] = arrows[0].map(Number);
    expect(x1).toBeGreaterThan(x0); // +x arrow goes right
    const [, , y0, , y1] = arrows[1].map(Number);
    expect(y1).toBeGreaterThan(y0); // −y arrow goes down on screen
  });

  it('sizes bars by value on a log axis', () => {
    const svg = barChart([{ label: 'a', value: 10 }, { label: 'b', value: 1000 }], { unit: 'ms' });
    const widths = [...svg.matchAll(/<rect x="230" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(2);
    expect(widths[1]).toBeGreaterThan(widths[0] * 2);
    expect(svg).toContain('1000 ms');
  });
});

describe('svg plots: log axes and several charts per page', () => {
  it('a log-y plot with an automatic range spanning 30 decades draws every positive point', () => {
    const y = Array.from({ length: 31 }, (_, i) => 10 ** (i - 10));
    const svg = linePlot([{ x: y.map((_, i) => i), y }], { logY: true });
    expect(svg).not.toContain('NaN');
    const d = /<path d="([^"]+)"/.exec(svg)![1];
    expect(d.match(/[ML]/g)).toHaveLength(31);
  });

  it('gives each chart its own clip-path id', () => {
    const a = linePlot([{ x: [0, 1], y: [0, 1] }]);
    const b = linePlot([{ x: [0, 1], y: [0, 1] }]);
    const id = (s: string) => /clipPath id="([^"]+)"/.exec(s)![1];
    expect(id(a)).not.toBe(id(b));
  });
});

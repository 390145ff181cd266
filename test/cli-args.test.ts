// The CLI's pieces in-process: the one flag reader every subcommand uses, the 80-column text
// helpers, the progress line's redraws between reports, and the filter for Dawn's warnings.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { int, oneOf, parseArgs, UsageError } from '../apps/cli/args';
import { Progress, REDRAW_MS } from '../apps/cli/progress';
import { DAWN_NOISE, lineFilter } from '../apps/cli/quiet-dawn';
import { field, version, wrap } from '../apps/cli/text';
import { parseTrainArgs, TRAIN_USAGE } from '../apps/cli/train';
import { INFO_USAGE } from '../apps/cli/info';
import { DEMO_USAGE } from '../apps/cli/demo';
import { summaryTable } from '../apps/cli/train-report';

describe('parseArgs', () => {
  it('reads --name value and --name=value; the last one wins', () => {
    expect(parseArgs(['--out', 'a', '--iters=3', '--out', 'b'], ['out', 'iters'])).toEqual({ help: false, values: { out: 'b', iters: '3' } });
    expect(parseArgs(['--lr', '-1'], ['lr']).values.lr).toBe('-1'); // a negative number is a value
  });

  it('-h or --help anywhere asks for the usage', () => {
    expect(parseArgs(['--bogus', '-h'], []).help).toBe(true);
    expect(parseArgs(['--out', 'x', '--help'], ['out']).help).toBe(true);
  });

  const refused: [string[], RegExp][] = [
    [['--bogus'], /^unknown flag --bogus$/],
    [['-x'], /^unknown flag -x$/],
    [['--bogus=1'], /^unknown flag --bogus$/],
    [['--out'], /^--out: missing value$/],
    [['--out='], /^--out: missing value$/],
    [['--out', '--iters', '1'], /^--out: missing value$/],
    [['stray'], /^unexpected argument 'stray'$/],
    [['-'], /^unexpected argument '-'$/],
  ];
  it.each(refused)('%j is a UsageError', (args, message) => {
    expect(() => parseArgs(args, ['out', 'iters'])).toThrow(UsageError);
    expect(() => parseArgs(args, ['out', 'iters'])).toThrow(message);
  });

  it('oneOf and int name the flag and the value', () => {
    expect(() => oneOf({ backend: 'metal' }, 'backend', ['auto', 'cpu'], 'auto')).toThrow("--backend: expected auto|cpu, got 'metal'");
    expect(oneOf({}, 'backend', ['auto', 'cpu'], 'auto')).toBe('auto');
    expect(() => int({ iters: '1.5' }, 'iters', 1, 1)).toThrow("--iters: expected an integer ≥ 1, got '1.5'");
    expect(int({ iters: '7' }, 'iters', 1, 1)).toBe(7);
  });

  it('train reads its flags through it', () => {
    expect(parseTrainArgs(['--iters=5', '--gradient', 'both'])).toMatchObject({ iters: 5, gradients: ['numerical', 'backprop'] });
    expect(() => parseTrainArgs(['--backend'])).toThrow('--backend: missing value');
  });
});

describe('80 columns', () => {
  it('wrap keeps indentation and column gaps, breaks between words, indents continuations', () => {
    expect(wrap('  a  b', 80)).toBe('  a  b');
    const long = 'word '.repeat(30).trim();
    const lines = wrap(long, 40, 4).split('\n');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
    expect(lines[1].startsWith('    word')).toBe(true);
    expect(field('reason:', long, 10).split('\n').every((l, i) => l.length <= 80 && (i === 0 || l.startsWith(' '.repeat(10))))).toBe(true);
  });

  it('every usage text fits', () => {
    for (const text of [TRAIN_USAGE, INFO_USAGE, DEMO_USAGE]) {
      for (const l of text.split('\n')) expect(l.length, l).toBeLessThanOrEqual(80);
    }
  });

  it("train's summary table fits, with long runs and both methods", () => {
    const result = (seconds: number) => ({ lossHistory: Array.from({ length: 20000 }, (_, i) => 2.3 / (1 + i)), trainAcc: [0.1, 0.98765], testAcc: [0.1, 0.93215], evalIters: [1, 20000], seconds });
    const table = summaryTable([{ gradient: 'numerical', result: result(7380) }, { gradient: 'backprop', result: result(61) }]);
    for (const l of table.split('\n')) expect(l.length, l).toBeLessThanOrEqual(80);
  });

  it('version() reads the package.json by the package name', () => {
    expect(version()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('Progress between reports', () => {
  afterEach(() => vi.useRealTimers());
  const sink = () => {
    const chunks: string[] = [];
    return { isTTY: true, columns: 80, write: (s: string) => chunks.push(s), chunks };
  };

  it(`on a terminal redraws every ${REDRAW_MS} ms with the count moving at the measured rate, marked ~, never past the next report`, () => {
    vi.useFakeTimers();
    let now = 0;
    const out = sink();
    const bar = new Progress(out, 'numerical', true, () => now);
    bar.update({ iter: 1, iters: 1000, evaluated: true, loss: 2.3, itersPerSec: 1 });
    now = 10_000;
    bar.update({ iter: 101, iters: 1000, evaluated: true, loss: 0.5, trainAcc: 0.8, testAcc: 0.79, itersPerSec: 10 }); // 100 it in 10 s
    const before = out.chunks.length;
    now += 2000;
    vi.advanceTimersByTime(REDRAW_MS);
    const line = out.chunks.at(-1)!;
    expect(out.chunks.length).toBe(before + 1);
    expect(line).toMatch(/~121\/1000/); // 101 + 10 it/s × 2 s
    expect(line).toMatch(/10\.0 it\/s/);
    expect(line).toMatch(/ETA 1:28/); // (1000 − 121) / 10
    expect(line.length).toBeLessThanOrEqual(80 + 4); // '\r' + 79 columns + erase-line
    now += 1e6;
    vi.advanceTimersByTime(REDRAW_MS);
    expect(out.chunks.at(-1)).toMatch(/~999\/1000/);
    // half a second always sees at least one redraw
    const n = out.chunks.length;
    vi.advanceTimersByTime(500);
    expect(out.chunks.length).toBeGreaterThanOrEqual(n + 2);
    bar.done();
    const m = out.chunks.length;
    vi.advanceTimersByTime(5 * REDRAW_MS);
    expect(out.chunks.length).toBe(m); // done() stops the timer
  });

  it('off a terminal: one plain line per report, no timer, within 80 columns', () => {
    vi.useFakeTimers();
    const out = { ...sink(), isTTY: false };
    const bar = new Progress(out, 'numerical');
    bar.update({ iter: 1234, iters: 2000, evaluated: true, loss: 0.1234, trainAcc: 0.932, testAcc: 0.921, itersPerSec: 12.3 });
    vi.advanceTimersByTime(10 * REDRAW_MS);
    expect(out.chunks).toHaveLength(1);
    expect(out.chunks[0]).not.toContain('~');
    expect(out.chunks[0].trimEnd().length).toBeLessThanOrEqual(80);
    bar.done();
  });
});

describe("Dawn's limit warnings", () => {
  const a = 'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.';
  const b = 'Warning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.';

  it('exactly those two lines are dropped, whatever the chunking; everything else passes in order', () => {
    expect(DAWN_NOISE.test(a) && DAWN_NOISE.test(b)).toBe(true);
    expect(DAWN_NOISE.test('Warning: something else')).toBe(false);
    const text = `${a}\nnumgrad: real problem\n${b}\r\nWarning: other\nno newline at the end`;
    for (const size of [1, 7, 64, text.length]) {
      const got: string[] = [];
      const f = lineFilter((s) => got.push(s));
      for (let i = 0; i < text.length; i += size) f.push(text.slice(i, i + size));
      f.end();
      expect(got.join('')).toBe('numgrad: real problem\nWarning: other\nno newline at the end');
    }
  });
});

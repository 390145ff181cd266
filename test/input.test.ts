// One reader for numeric input (core/input): every reader of the library refuses the same
// bad input with an ArgumentError naming the argument, and src throws no bare Range/TypeError.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../src/core/errors';
import { readMatrix, readTensor, readValues } from '../src/core/input';
import { toMat } from '../src/features/nn/cpu/tensor';
import { toTarget } from '../src/features/nn/cpu/targets';
import { toMat as regressionMat } from '../src/features/descent/regression';
import { createContext } from '../src/entry-node';

function thrown(f: () => unknown): unknown {
  try { f(); } catch (e) { return e; }
  throw new Error('did not throw');
}

function expectArgumentError(f: () => unknown, arg: string, msg: RegExp): void {
  const e = thrown(f);
  expect(e, `${arg} ${String(msg)}: ${String(e)}`).toBeInstanceOf(ArgumentError);
  expect((e as ArgumentError).argument).toBe(arg);
  expect((e as Error).message).toMatch(msg);
}

// [reader, the argument it names, whether NaN/Inf are refused]
const readers: [string, (v: never) => unknown, string, boolean][] = [
  ['readTensor', (v) => readTensor(v, 'x'), 'x', true],
  ['readMatrix', (v) => readMatrix(v, 'x'), 'x', true],
  ['readValues', (v) => readValues(v, 'analytic'), 'analytic', false],
  ['nn toMat', (v) => toMat(v, 'x', 2), 'x', true],
  ['nn toTarget', (v) => toTarget(v, 2, 2), 't', true],
  ['regression toMat (X)', (v) => regressionMat(v, [1, 2]), 'X', true],
  ['regression toMat (y)', (v) => regressionMat([[1, 2], [3, 4]], v), 'y', true],
];

describe('every reader refuses bad input with an ArgumentError naming the argument', () => {
  describe.each(readers)('%s', (_, read, arg, finite) => {
    // Inputs sized for each reader's good case (2 rows of 2 / 2 labels) except for the flaw.
    const ragged = arg === 'y' ? [1, [2]] : [[1, 0], [1]];
    it('ragged nesting', () => expectArgumentError(() => read(ragged as never), arg, /ragged/));
    it('strings', () => expectArgumentError(() => read((arg === 'y' ? [1, 'a'] : [[1, 0], [1, 'a']]) as never), arg, /is a string \("a"\)/));
    it('empty arrays', () => {
      expectArgumentError(() => read([] as never), arg, /is empty/);
      if (arg !== 'y') expectArgumentError(() => read([[]] as never), arg, /\[0\] is empty/);
    });
    it.each([NaN, Infinity, -Infinity])('%s', (bad) => {
      const v = arg === 'y' ? [1, bad] : [[1, 0], [0, bad]];
      if (finite) {
        expectArgumentError(() => read(v as never), arg, new RegExp(`\\[1\\](\\[1\\])? \\(flat index ${arg === 'y' ? 1 : 3}\\) is ${bad}; expected a finite number`));
      } else {
        expect(Array.from((read(v as never) as { data: Float64Array }).data)).toEqual([1, 0, 0, bad]); // reported later, not refused
      }
    });
    it('non-numeric input', () => expectArgumentError(() => read('12' as never), arg, /./));
  });
});

describe('readMatrix', () => {
  it('reads rows, one row, typed arrays and { rows, cols, data }, copying', () => {
    expect(readMatrix([[1, 2], [3, 4]], 'x')).toEqual({ rows: 2, cols: 2, data: Float64Array.of(1, 2, 3, 4) });
    expect(readMatrix([1, 2, 3], 'x')).toEqual({ rows: 1, cols: 3, data: Float64Array.of(1, 2, 3) });
    expect(readMatrix(Float32Array.of(1, 2), 'x')).toEqual({ rows: 1, cols: 2, data: Float64Array.of(1, 2) });
    const m = { rows: 1, cols: 2, data: Float64Array.of(5, 6) };
    const r = readMatrix(m, 'x');
    expect(r).toEqual(m);
    expect(r.data).not.toBe(m.data);
  });
  it('refuses wrong widths, bad Mat objects, rank 3, and vectors when asked to', () => {
    expectArgumentError(() => readMatrix([[1, 2]], 'W', { cols: 3 }), 'W', /W: expected N×3, got 1×2/);
    expectArgumentError(() => readMatrix({ rows: 2, cols: 2, data: new Float64Array(3) }, 'W'), 'W', /data length 3 does not match shape 2×2/);
    expectArgumentError(() => readMatrix({ rows: 1, cols: 2, data: Float64Array.of(1, NaN) }, 'W'), 'W', /W\[0\]\[1\] \(flat index 1\) is NaN/);
    expectArgumentError(() => readMatrix({ rows: 0, cols: 2, data: new Float64Array(0) }, 'W'), 'W', /is empty \(0×2\)/);
    expectArgumentError(() => readMatrix([[[1]]], 'W'), 'W', /expected a matrix \(shape \[rows, cols\]\) or one row, got shape \[1, 1, 1\]/);
    expectArgumentError(() => readMatrix([1, 2], 'X', { vector: false }), 'X', /expected a matrix \(shape \[rows, cols\]\), got shape \[2\]/);
    expectArgumentError(() => regressionMat([1, 2] as never, [1]), 'X', /got shape \[2\]/);
    expectArgumentError(() => regressionMat([[1], [2]], [1, 2, 3]), 'y', /y: expected 2 values \(one per row of X\), got shape \[3\]/);
    expectArgumentError(() => regressionMat([[1], [2]], [[1], [2]] as never), 'y', /y: expected 2 values \(one per row of X\), got shape \[2, 1\]/);
  });
});

describe('the public API', () => {
  it('99 labels for a batch of 100 is an ArgumentError naming t (the README example)', async () => {
    const ctx = await createContext({ backend: 'cpu' });
    try {
      const net = ctx.twoLayerNet({ inputSize: 4, hiddenSize: 3, outputSize: 2 });
      const x100 = Array.from({ length: 100 }, (_, i) => [i / 100, 0.5, -0.25, 1]);
      const labels99 = Array.from({ length: 99 }, (_, i) => i % 2);
      for (const t of [labels99, Int32Array.from(labels99)]) {
        const e = await net.loss(x100, t).catch((err: unknown) => err);
        expect(e).toBeInstanceOf(ArgumentError);
        expect((e as ArgumentError).argument).toBe('t');
        expect((e as Error).message).toMatch(/^numgrad: t: expected 100 labels\b.*t has shape \[99\]/);
      }
      net.dispose();
    } finally {
      ctx.dispose();
    }
  });
});

describe('src throws no bare RangeError/TypeError (outside src/gpu/)', () => {
  it('every deliberate throw is a NumgradError', () => {
    const root = join(__dirname, '..', 'src');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.[cm]?[jt]s$/.test(name)) files.push(p);
      }
    };
    walk(root);
    const found: string[] = [];
    for (const f of files) {
      const rel = relative(join(root, '..'), f).split('\\').join('/');
      if (rel.startsWith('src/gpu/')) continue;
      // comments out (keeping line numbers), so prose naming the constructors does not count
      const code = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, '')).replace(/\/\/.*$/gm, '');
      code.split('\n').forEach((line, i) => {
        if (/new (RangeError|TypeError)\(/.test(line)) found.push(`${rel}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(files.length).toBeGreaterThan(10);
    expect(found, `use ArgumentError (src/core/errors.ts) instead:\n${found.join('\n')}`).toEqual([]);
  });
});

describe('readTensor: typed arrays keep their kind, nested arrays convert in one pass', () => {
  it('a Float32Array or Float64Array is read flat and marked, the Float32Array kept as it is', () => {
    const x32 = Float32Array.of(0.1, 0.2, 0.3, 0.4);
    const t = readTensor(x32, 'x', [2, 2]);
    expect(t.typed).toBe('f32');
    expect(t.f32).toBe(x32);
    expect(Array.from(t.data)).toEqual(Array.from(x32)); // widened exactly
    const t64 = readTensor(Float64Array.of(1, 2), 'x');
    expect(t64.typed).toBe('f64');
    expect(readTensor([1, 2], 'x').typed).toBeUndefined();
  });

  it('the one-pass copy of a regular nesting equals the element walk, and bad nestings still name the element', () => {
    // seeded: a 3-deep nesting of known values, read and compared element by element
    const x = Array.from({ length: 4 }, (_, i) => Array.from({ length: 3 }, (_, j) => Array.from({ length: 2 }, (_, k) => i * 100 + j * 10 + k + 0.5)));
    const t = readTensor(x, 'x');
    expect(t.shape).toEqual([4, 3, 2]);
    expect(Array.from(t.data)).toEqual(x.flat(2));
    const ragged = x.map((r) => r.map((c) => [...c]));
    ragged[3][2] = [1];
    expect(() => readTensor(ragged, 'x')).toThrow(/ragged: x\[3\]\[2\] is an array of length 1, expected an array of length 2/);
    const nan = x.map((r) => r.map((c) => [...c]));
    nan[2][1][1] = NaN;
    expect(() => readTensor(nan, 'x')).toThrow(/x\[2\]\[1\]\[1\] \(flat index 15\) is NaN/);
    const str = x.map((r) => r.map((c) => [...c]));
    (str[0][0] as unknown[])[0] = '1';
    expect(() => readTensor(str, 'x')).toThrow(ArgumentError);
    // readValues lets NaN through (reported, not refused), by the same pass
    expect(Array.from(readValues([[1, NaN]], 'g').data)).toEqual([1, NaN]);
  });
});

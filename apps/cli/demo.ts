// `numgrad demo`: walks chapter 4 on a cpu and an auto context side by side, prints the
// numbers beside the book's and writes SVG figures. The work lives in apps/chapter/.
import { createContext } from 'numgrad';
import { runChapter } from '../chapter/chapter';
import { FIGURES } from '../chapter/figures';
import { reportText } from '../chapter/report';
import { writeFigures } from '../chapter/write-figures';
import { parseArgs, UsageError } from './args';
import { wrap } from './text';

export const DEMO_USAGE = `usage: numgrad demo [--out DIR]
Walks chapter 4 of "Deep Learning from Scratch" on the float64 CPU path and on
the backend 'auto' picks (WebGPU when an adapter is found), printing both
results, their difference and the book's values, and writes the chapter's
figures as SVG.
  --out DIR    where the SVG figures go (default numgrad-out/)
  -h, --help   this help
`;

export async function demo(args: string[]): Promise<number> {
  let out: string;
  try {
    const { help, values } = parseArgs(args, ['out']);
    if (help) {
      process.stdout.write(DEMO_USAGE);
      return 0;
    }
    out = values.out ?? 'numgrad-out';
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`numgrad demo: ${e.message}\n(numgrad demo --help lists the options)\n`);
    return 2;
  }
  const t0 = performance.now();
  // warn: false — the header says which backend auto picked and why
  const [cpu, auto] = await Promise.all([createContext({ backend: 'cpu' }), createContext({ backend: 'auto', warn: false })]);
  try {
    const r = await runChapter(cpu, auto);
    console.log(reportText(r));
    const files = await writeFigures(r, out);
    const dir = files[0].slice(0, files[0].length - Object.keys(FIGURES)[0].length - 1);
    console.log(`\nFigures written to ${dir}/:\n${wrap('  ' + Object.keys(FIGURES).join('  '))}`);
    const secs = Object.entries(r.timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}`).join(', ');
    console.log(wrap(`Done in ${((performance.now() - t0) / 1000).toFixed(1)} s (${secs} s; first GPU uses include shader compiles).`));
    return 0;
  } finally {
    await Promise.all([cpu.dispose(), auto.dispose()]);
  }
}

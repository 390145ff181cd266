#!/usr/bin/env node
// The `numgrad` command. Each subcommand lives in its own module, loaded only when used.
import { createContext } from 'numgrad';
import { flag } from './args';
import { infoText } from './info';

type Command = { summary: string; run: (args: string[]) => Promise<number> };

const COMMANDS: Record<string, Command> = {
  info: {
    summary: 'the backend numgrad picks here, the adapter, key limits, fallback reason  [--backend auto|webgpu|cpu]',
    async run(args) {
      const t0 = performance.now();
      const ctx = await createContext({ backend: (flag(args, 'backend') ?? 'auto') as 'auto' });
      await ctx.sum([1, 2, 3]); // compiles the first pipeline on WebGPU: the cold-start cost
      console.log(infoText(ctx, performance.now() - t0));
      await ctx.dispose();
      return 0;
    },
  },
  demo: {
    summary: 'walks chapter 4 on both backends side by side and writes SVG plots  [--out DIR]',
    run: async (args) => (await import('./demo')).demo(args),
  },
  train: {
    summary: 'trains TwoLayerNet on MNIST with numerical (or backprop) gradients  [--help for options]',
    run: async (args) => (await import('./train')).train(args),
  },
};

function usage(): string {
  const w = Math.max(...Object.keys(COMMANDS).map((k) => k.length)) + 2;
  return 'usage: numgrad <command> [options]\n' + Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(w)}${c.summary}`).join('\n') + '\n';
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  const c = cmd ? COMMANDS[cmd] : undefined;
  if (!c) {
    process.stdout.write(usage());
    return cmd === undefined || cmd === 'help' || cmd === '--help' ? 0 : 2;
  }
  return c.run(args);
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  },
);

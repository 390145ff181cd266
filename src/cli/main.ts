#!/usr/bin/env node
// The `numgrad` command. Subcommands load their modules lazily so `info` starts fast.
import { createContext } from '../entry-node';
import { infoText } from './info';

const USAGE = `usage: numgrad <command> [options]
  info                 the backend numgrad picks here, the adapter, key limits, fallback reason
      --backend auto|webgpu|cpu
`;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  if (cmd === 'info') {
    const t0 = performance.now();
    const ctx = await createContext({ backend: (flag(args, 'backend') ?? 'auto') as 'auto' });
    await ctx.sum([1, 2, 3]); // compiles the first pipeline on WebGPU: cold-start cost
    console.log(infoText(ctx, performance.now() - t0));
    await ctx.dispose();
    return 0;
  }
  process.stdout.write(USAGE);
  return cmd === undefined || cmd === 'help' || cmd === '--help' ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  },
);

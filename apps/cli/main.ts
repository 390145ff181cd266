#!/usr/bin/env node
// The `numgrad` command. Each subcommand lives in its own module, loaded only when used.
// Exit codes: 0 done, 1 the work itself failed, 2 a usage error (unknown command or flag,
// missing value), with the usage on stderr.
import { isHelp, UsageError } from './args';
import { runFiltered, wantsFilter } from './quiet-dawn';
import { version, wrap } from './text';

type Command = { summary: string; usage: () => Promise<string>; run: (args: string[]) => Promise<number> };

const COMMANDS: Record<string, Command> = {
  info: {
    summary: 'the backend numgrad picks here: adapter, limits, fallback reason',
    usage: async () => (await import('./info')).INFO_USAGE,
    run: async (args) => (await import('./info')).info(args),
  },
  demo: {
    summary: 'chapter 4 on the CPU and on the GPU side by side, SVG figures',
    usage: async () => (await import('./demo')).DEMO_USAGE,
    run: async (args) => (await import('./demo')).demo(args),
  },
  train: {
    summary: 'TwoLayerNet on MNIST, numerical vs backprop gradients',
    usage: async () => (await import('./train')).TRAIN_USAGE,
    run: async (args) => (await import('./train')).train(args),
  },
};

function usage(): string {
  const w = Math.max(...Object.keys(COMMANDS).map((k) => k.length)) + 3;
  return [
    'usage: numgrad <command> [options]',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(w)}${c.summary}`),
    `  ${'help'.padEnd(w)}this help, or a command's: numgrad help <command>`,
    '',
    'options:',
    '  -h, --help      this help (numgrad <command> --help: the command\'s options)',
    '  -v, --version   the version of numgrad',
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  if (cmd === undefined || isHelp(cmd)) {
    process.stdout.write(usage());
    return 0;
  }
  if (cmd === '-v' || cmd === '--version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (cmd === 'help') {
    const c = args[0] === undefined ? undefined : COMMANDS[args[0]];
    if (args[0] !== undefined && !c) {
      process.stderr.write(`numgrad: unknown command '${args[0]}'\n\n${usage()}`);
      return 2;
    }
    process.stdout.write(c ? await c.usage() : usage());
    return 0;
  }
  const c = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
  if (!c) {
    process.stderr.write(`numgrad: unknown ${cmd.startsWith('-') ? 'option' : 'command'} '${cmd}'\n\n${usage()}`);
    return 2;
  }
  // Dawn's harmless limit warnings come from native code: see quiet-dawn.ts
  if (!args.some(isHelp) && wantsFilter()) return runFiltered(argv);
  try {
    return await c.run(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`numgrad ${cmd}: ${e.message}\n(numgrad ${cmd} --help lists the options)\n`);
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(wrap(e instanceof Error ? e.message : String(e)));
    process.exitCode = 1;
  },
);

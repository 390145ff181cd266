/** `--name value` lookup for the CLI's subcommands. */
export function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

export function has(args: string[], name: string): boolean {
  return args.includes(`--${name}`);
}

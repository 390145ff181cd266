/** `--name value` lookup for the CLI's subcommands. */
export function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

export function has(args: string[], name: string): boolean {
  return args.includes(`--${name}`);
}

export function numberFlag(args: string[], name: string, fallback: number): number {
  const v = flag(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`numgrad: --${name}: expected a number, got '${v}'`);
  return n;
}

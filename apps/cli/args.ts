// The flags of every subcommand, read one way: `--name value` or `--name=value`; -h/--help
// anywhere asks for the usage; an unknown flag, a missing value or a stray argument is a
// UsageError (the command prints it with a pointer to --help and exits 2).

export class UsageError extends Error {}

export interface Parsed {
  /** -h or --help was given (nothing else is checked then) */
  help: boolean;
  /** the value of each valued flag given, by name without the dashes (the last one wins) */
  values: Record<string, string>;
}

/** -h or --help */
export const isHelp = (a: string) => a === '-h' || a === '--help';

/** Reads `args` against the flags that take a value; every problem names its flag. */
export function parseArgs(args: readonly string[], valued: readonly string[]): Parsed {
  if (args.some(isHelp)) return { help: true, values: {} };
  const values: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-') || a === '-') throw new UsageError(`unexpected argument '${a}'`);
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const name = flag.startsWith('--') ? flag.slice(2) : null;
    if (name === null || !valued.includes(name)) throw new UsageError(`unknown flag ${flag}`);
    let value: string | undefined;
    if (eq > 0) value = a.slice(eq + 1);
    // `--iters --lr 1` would otherwise read '--lr' as the value of --iters; `--lr -1` is a value
    else if (i + 1 < args.length && !/^--/.test(args[i + 1])) value = args[++i];
    if (value === undefined || value === '') throw new UsageError(`${flag}: missing value`);
    values[name] = value;
  }
  return { help: false, values };
}

/** The value of a flag that must be one of `allowed`. */
export function oneOf<T extends string>(values: Record<string, string>, name: string, allowed: readonly T[], fallback: T): T {
  const v = values[name] ?? fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name}: expected ${allowed.join('|')}, got '${v}'`);
  return v as T;
}

/** The value of an integer flag ≥ min. */
export function int(values: Record<string, string>, name: string, fallback: number, min: number): number {
  const v = values[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min) throw new UsageError(`--${name}: expected an integer ≥ ${min}, got '${v}'`);
  return n;
}

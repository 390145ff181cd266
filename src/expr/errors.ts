import { NumgradError } from '../core/errors';

/** A malformed expression: where (1-based column) and what was expected there. */
export class ExprError extends NumgradError {
  /** the class's name, spelled out: a minifier renames classes */
  override name = 'ExprError';
  readonly column: number;
  readonly expected: string;
  readonly source: string;

  constructor(source: string, column: number, expected: string, detail: string) {
    super(`numgrad: ${detail}\n  ${source}\n  ${' '.repeat(Math.max(0, column - 1))}^`);
    this.source = source;
    this.column = column;
    this.expected = expected;
  }
}

/** The standard "expected X but found Y" parse error. */
export function expectedError(source: string, column: number, expected: string, found: string): ExprError {
  return new ExprError(
    source,
    column,
    expected,
    `cannot parse expression at column ${column}: expected ${expected} but found ${found}`,
  );
}

import { ExprError, expectedError } from './errors';

export type TokKind = 'num' | 'ident' | 'op' | 'end';

export interface Token {
  kind: TokKind;
  /** operator character, identifier name, or number text */
  text: string;
  /** numeric value for 'num' tokens */
  value: number;
  /** 1-based column of the first character */
  col: number;
}

const OPS = '+-*/^(),[]<>';

const isDigit = (c: string) => c >= '0' && c <= '9';
const isIdentStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isIdentChar = (c: string) => isIdentStart(c) || isDigit(c);

/** The source's tokens on demand, ending with one 'end' token: a parse error (too deep,
 *  say) comes without lexing the rest of a huge input first. */
export class Lexer {
  readonly toks: Token[] = [];
  private i = 0;
  constructor(private readonly src: string) {}

  at(k: number): Token {
    while (this.toks.length <= k && (this.toks.length === 0 || this.toks[this.toks.length - 1].kind !== 'end')) {
      this.i = lexOne(this.src, this.i, this.toks);
    }
    return this.toks[Math.min(k, this.toks.length - 1)];
  }
}

/** Lexes the token at or after i into toks (the 'end' token at the end); returns the next i. */
function lexOne(src: string, i: number, toks: Token[]): number {
  for (;;) {
    if (i >= src.length) {
      toks.push({ kind: 'end', text: '', value: NaN, col: src.length + 1 });
      return i;
    }
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const col = i + 1;
    if (isDigit(c) || (c === '.' && isDigit(src[i + 1] ?? ''))) {
      let j = i;
      while (isDigit(src[j] ?? '')) j++;
      if (src[j] === '.') {
        j++;
        while (isDigit(src[j] ?? '')) j++;
      }
      if (src[j] === 'e' || src[j] === 'E') {
        // An exponent must have digits; '2e' is a malformed number, not 2 followed by e.
        let k = j + 1;
        if (src[k] === '+' || src[k] === '-') k++;
        if (!isDigit(src[k] ?? '')) {
          throw expectedError(src, k + 1, 'digits in the exponent of a number', describeChar(src, k));
        }
        while (isDigit(src[k] ?? '')) k++;
        j = k;
      }
      const text = src.slice(i, j);
      toks.push({ kind: 'num', text, value: Number(text), col });
      return j;
    }
    if (isIdentStart(c)) {
      let j = i;
      while (isIdentChar(src[j] ?? '')) j++;
      toks.push({ kind: 'ident', text: src.slice(i, j), value: NaN, col });
      return j;
    }
    if (c === '*' && src[i + 1] === '*') {
      // Python's ** is common in the book; accept it as ^ rather than fail obscurely.
      toks.push({ kind: 'op', text: '^', value: NaN, col });
      return i + 2;
    }
    const two = src.slice(i, i + 2);
    if (two === '<=' || two === '>=' || two === '==' || two === '!=') {
      toks.push({ kind: 'op', text: two, value: NaN, col });
      return i + 2;
    }
    if (OPS.includes(c)) {
      toks.push({ kind: 'op', text: c, value: NaN, col });
      return i + 1;
    }
    throw new ExprError(src, col, 'a number, variable, function or operator', `unexpected character '${c}' at column ${col}`);
  }
}

export function describeChar(src: string, i: number): string {
  return i >= src.length ? 'end of input' : `'${src[i]}'`;
}

export function describeToken(t: Token): string {
  if (t.kind === 'end') return 'end of input';
  if (t.kind === 'num') return `number '${t.text}'`;
  if (t.kind === 'ident') return `'${t.text}'`;
  return `'${t.text}'`;
}

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

const OPS = '+-*/^(),[]';

const isDigit = (c: string) => c >= '0' && c <= '9';
const isIdentStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isIdentChar = (c: string) => isIdentStart(c) || isDigit(c);

/** Splits source into tokens; always ends with one 'end' token. */
export function tokenize(src: string): Token[] {
  const toks: Token[] = [];
  let i = 0;
  while (i < src.length) {
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
      i = j;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i;
      while (isIdentChar(src[j] ?? '')) j++;
      toks.push({ kind: 'ident', text: src.slice(i, j), value: NaN, col });
      i = j;
      continue;
    }
    if (c === '*' && src[i + 1] === '*') {
      // Python's ** is common in the book; accept it as ^ rather than fail obscurely.
      toks.push({ kind: 'op', text: '^', value: NaN, col });
      i += 2;
      continue;
    }
    if (OPS.includes(c)) {
      toks.push({ kind: 'op', text: c, value: NaN, col });
      i++;
      continue;
    }
    throw new ExprError(src, col, 'a number, variable, function or operator', `unexpected character '${c}' at column ${col}`);
  }
  toks.push({ kind: 'end', text: '', value: NaN, col: src.length + 1 });
  return toks;
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

// Text helpers of the CLI: everything it prints fits 80 columns.
import { createRequire } from 'node:module';

export const WIDTH = 80;

/**
 * Word-wraps `text` to `width` columns; continuation lines start with `indent` spaces.
 * A word longer than a line (a path, a URL) stays whole on its own line.
 */
export function wrap(text: string, width = WIDTH, indent = 2): string {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    // each token keeps the spaces before it, so indentation and column gaps survive
    for (const token of para.match(/\s*\S+/g) ?? ['']) {
      if (line.trim() && (line + token).length > width) {
        out.push(line);
        line = ' '.repeat(indent) + token.trimStart();
      } else {
        line += token;
      }
    }
    out.push(line);
  }
  return out.join('\n');
}

/** `label value`, the value wrapped under itself when the line would pass 80 columns. */
export function field(label: string, value: string, labelWidth: number): string {
  const head = label.padEnd(labelWidth);
  return wrap(head + value, WIDTH, labelWidth);
}

const require = createRequire(import.meta.url);

/** The version of the numgrad package this CLI belongs to (its own package.json, by name). */
export function version(): string {
  try {
    return (require('numgrad/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The installed `webgpu` (Dawn) package's version, as the library would load it, or null. */
export function dawnVersion(): string | null {
  try {
    return (require('webgpu/package.json') as { version: string }).version;
  } catch (e) {
    // a later webgpu might not export its package.json: then it is installed, version unknown
    return (e as { code?: string }).code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' ? 'installed' : null;
  }
}

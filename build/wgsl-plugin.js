// Turns `import src from './shaders/x.wgsl'` into a string export. Used by rollup (the
// build) and by vite/vitest (the tests), so both see exactly the same shader text and
// nothing is read from disk at run time. JSON.stringify keeps backticks and ${} inert.
//
// A line `//#include "path.wgsl"` (relative to the including file) is replaced by that
// file's text, once per shader: shared preludes live in one file instead of being pasted.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

const INCLUDE = /^\s*\/\/#include\s+"([^"]+)"\s*$/;

async function expand(file, seen, watch) {
  if (seen.has(file)) return `// (already included: ${file.split('/').pop()})`;
  seen.add(file);
  watch(file);
  const lines = (await readFile(file, 'utf8')).split('\n');
  const out = [];
  for (const line of lines) {
    const m = INCLUDE.exec(line);
    out.push(m ? await expand(resolve(dirname(file), m[1]), seen, watch) : line);
  }
  return out.join('\n');
}

export default function wgsl() {
  return {
    name: 'numgrad-wgsl',
    async load(id) {
      if (!id.endsWith('.wgsl')) return null;
      const text = await expand(id, new Set(), (f) => f !== id && this.addWatchFile?.(f));
      return { code: `export default ${JSON.stringify(text)};`, map: { mappings: '' } };
    },
  };
}

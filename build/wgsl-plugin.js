// Turns `import src from '../shaders/x.wgsl'` into a string export. Used by rollup (the
// build) and by vite/vitest (the tests), so both see exactly the same shader text and
// nothing is read from disk at run time. JSON.stringify keeps backticks and ${} inert.
import { readFile } from 'node:fs/promises';

export default function wgsl() {
  return {
    name: 'numgrad-wgsl',
    async load(id) {
      if (!id.endsWith('.wgsl')) return null;
      const text = await readFile(id, 'utf8');
      return { code: `export default ${JSON.stringify(text)};`, map: { mappings: '' } };
    },
  };
}

// The structured kernel's entry point, derived from the ladder's: the text of `fn main` in
// diff/shaders/ladder.wgsl (included in sums_ladder.wgsl), renamed, with the component's
// index stored where user_f (the local sum) reads it. Deriving it keeps one copy of the
// sampling logic, which its owner changes; a change this cannot follow throws here (and in
// test/sums.test.ts) rather than compiling something else.
import sumsSrc from './shaders/sums_ladder.wgsl';

const J_LINE = /^(\s*)let j = ngh_params\.j0 \+ comp % ngh_params\.nj;\s*$/m;
// every such line: the sampling lanes and the lanes that evaluate f(x) both set the component
const J_LINES = new RegExp(J_LINE.source, 'gm');

export function structuredEntry(src: string): string {
  const at = src.search(/^@compute @workgroup_size\(WG\)\s*\nfn main\(/m);
  if (at < 0) throw new Error('numgrad: internal error: the ladder shader has no main entry point');
  const open = src.indexOf('{', at);
  let depth = 0, end = -1;
  for (let k = open; k < src.length; k++) {
    if (src[k] === '{') depth++;
    else if (src[k] === '}' && --depth === 0) { end = k + 1; break; }
  }
  const main = src.slice(at, end);
  if (end < 0 || !J_LINE.test(main)) throw new Error("numgrad: internal error: the ladder's main no longer sets j as sums/entry.ts expects");
  return main.replace('fn main(', 'fn sums_main(').replace(J_LINES, (line, ind: string) => `${line}\n${ind}ngs_comp = j;`);
}

/** The module head: the ladder, user_f over the local sum and the structured entry. */
export const SUMS_SHADER = sumsSrc + '\n' + structuredEntry(sumsSrc) + '\n';

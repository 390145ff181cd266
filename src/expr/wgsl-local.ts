// WGSL of the local form of a sum (local.ts): `fn user_local(i: u32) -> f32`, the terms of f
// that read parameter i at the current point p(). The localised sums over an index come
// first (as on the CPU), then a switch adds the fixed terms that read x_i.
import type { LocalSum } from './local';
import type { WgslGen } from './wgsl';

export function userLocal(gen: WgslGen, loc: LocalSum, keep: readonly string[] = []): string {
  const lines = ['fn user_local(i: u32) -> f32 {', ...keep.map((id) => `  _ = &${id};`), '  var ng_l: f32 = 0.0;'];
  if (loc.loops) lines.push(...gen.body(loc.loops, '  ', (e) => `ng_l = ${e};`));
  if (loc.fixed.size) {
    lines.push('  switch i {');
    for (const [j, g] of loc.fixed) {
      lines.push(`    case ${j}u: {`, ...gen.body(g, '      ', (e) => `ng_l = ng_l + ${e};`), '    }');
    }
    lines.push('    default: {}', '  }');
  }
  lines.push('  return ng_l;', '}');
  return lines.join('\n');
}

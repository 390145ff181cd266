// WGSL for expressions with several outputs (ctx.fn([...])): `fn user_fm(k: u32) -> f32`
// returns output k at the harness's current point, one switch case per output, sharing the
// helpers (and embedded or bound data) of the single-output generator.
import type { Node } from './ast';
import { foldConstants } from './simplify';
import { dataDecls, dataIdent, WgslGen } from './wgsl';

/**
 * `fn user_fm(k: u32) -> f32` over `asts` (output k = asts[k]) plus its helpers and data
 * declarations (storage bindings from `firstBinding`, embedded without it). An index past
 * the outputs returns 0.
 */
export function userFmSource(asts: readonly Node[], data: ReadonlyMap<string, Float32Array>, firstBinding?: number): string {
  const gen = new WgslGen(new Map([...data].map(([k, v]) => [k, v.length])));
  const keep = firstBinding === undefined ? [] : [...data.keys()].map(dataIdent);
  const lines = ['fn user_fm(k: u32) -> f32 {', ...keep.map((id) => `  _ = &${id};`), '  switch k {'];
  asts.forEach((a, k) => {
    lines.push(`    case ${k}u: {`, ...gen.body(foldConstants(a), '      ', (e) => `return ${e};`), '    }');
  });
  lines.push('    default: {}', '  }', '  return 0.0;', '}');
  const head = [gen.helperSource(), dataDecls(data, firstBinding)].filter(Boolean).join('\n\n');
  return [head, lines.join('\n')].filter(Boolean).join('\n\n') + '\n';
}

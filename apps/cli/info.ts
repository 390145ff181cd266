import type { Context } from 'numgrad';

/** Text for `numgrad info`: what backend was chosen, on what adapter, and why. */
export function infoText(ctx: Context, coldStartMs: number): string {
  const lines = [`backend:         ${ctx.backend}`];
  const a = ctx.adapterInfo;
  if (a) {
    lines.push(
      `adapter:         ${a.vendor || '(vendor hidden)'} / ${a.architecture || '?'} / ${a.description || a.device || '?'}`,
      `feature level:   ${a.featureLevel}${a.isFallbackAdapter ? ' (fallback adapter)' : ''}`,
    );
    for (const [k, v] of Object.entries(ctx.limits)) lines.push(`${(k + ':').padEnd(34)} ${v.toLocaleString('en-US')}`);
  }
  lines.push(`fallback reason: ${ctx.fallbackReason ?? 'none'}`);
  lines.push(`context + first pipeline: ${coldStartMs.toFixed(0)} ms`);
  return lines.join('\n');
}

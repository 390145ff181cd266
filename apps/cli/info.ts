// `numgrad info`: the backend numgrad picks here, on what adapter, and why.
import type { Context } from 'numgrad';
import { createContext } from 'numgrad';
import { oneOf, parseArgs } from './args';
import { dawnVersion, field, version } from './text';

export const INFO_USAGE = `usage: numgrad info [--backend auto|webgpu|cpu]
Creates a context as createContext({ backend }) does (default auto), runs one
small operation on it and prints the backend chosen, the adapter, the limits
numgrad relies on, why 'auto' fell back to the CPU path (if it did) and the
cold-start time.
  --backend auto|webgpu|cpu   the backend to ask for (default auto)
  -h, --help                  this help
`;

const W = 17;

/** Text for `numgrad info`: what backend was chosen, on what adapter, and why. */
export function infoText(ctx: Context, coldStartMs: number): string {
  const dawn = dawnVersion();
  const lines = [
    field('numgrad:', `${version()} (Node ${process.versions.node}, ${process.platform} ${process.arch})`, W),
    field('dawn (webgpu):', dawn ?? 'not installed (npm i webgpu)', W),
    field('backend:', ctx.backend, W),
  ];
  const a = ctx.adapterInfo;
  if (a) {
    lines.push(
      field('adapter:', `${a.vendor || '(vendor hidden)'} / ${a.architecture || '?'} / ${a.description || a.device || '?'}`, W),
      field('feature level:', `${a.featureLevel}${a.isFallbackAdapter ? ' (fallback adapter)' : ''}`, W),
    );
    for (const [k, v] of Object.entries(ctx.limits)) lines.push(`${(k + ':').padEnd(34)} ${v.toLocaleString('en-US')}`);
  }
  lines.push(field('fallback reason:', ctx.fallbackReason ?? 'none', W));
  lines.push(`context + first pipeline: ${coldStartMs.toFixed(0)} ms`);
  return lines.join('\n');
}

export async function info(args: string[]): Promise<number> {
  const { help, values } = parseArgs(args, ['backend']);
  if (help) {
    process.stdout.write(INFO_USAGE);
    return 0;
  }
  const backend = oneOf(values, 'backend', ['auto', 'webgpu', 'cpu'] as const, 'auto');
  const t0 = performance.now();
  // warn: false — the fallback reason is one of the lines printed
  const ctx = await createContext({ backend, warn: false });
  try {
    await ctx.sum([1, 2, 3]); // compiles the first pipeline on WebGPU: the cold-start cost
    console.log(infoText(ctx, performance.now() - t0));
  } finally {
    await ctx.dispose();
  }
  return 0;
}

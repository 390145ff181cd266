import { afterAll, beforeAll, describe, it } from 'vitest';
import { createContext, type Context } from '../../src/entry-node';

export type Kind = 'cpu' | 'webgpu';

async function probe(): Promise<string | null> {
  const ctx = await createContext({ backend: 'auto', warn: false });
  try {
    if (ctx.backend === 'webgpu') {
      const i = ctx.adapterInfo!;
      return `${i.vendor || '?'} / ${i.architecture || '?'} / ${i.description || i.device || '?'} (${i.featureLevel})`;
    }
    return null;
  } finally {
    await ctx.dispose();
  }
}

/** Adapter description when a WebGPU adapter is available here, else null. */
export const webgpuAdapter = await probe();
const required = process.env.REQUIRE_WEBGPU === '1';
if (!webgpuAdapter && !required) {
  console.warn('numgrad tests: no WebGPU adapter, WebGPU suites are SKIPPED. Get one with `bash scripts/setup-webgpu.sh` (Mesa lavapipe).');
}

/**
 * Runs `body` once per backend with a fresh context. Without an adapter the WebGPU copy is
 * skipped, unless REQUIRE_WEBGPU=1, where it fails.
 */
export function describeBackends(name: string, body: (ctx: () => Context, kind: Kind) => void, kinds: Kind[] = ['cpu', 'webgpu']): void {
  for (const kind of kinds) {
    if (kind === 'webgpu' && !webgpuAdapter) {
      if (required) {
        describe(`${name} [webgpu]`, () => {
          it('has a WebGPU adapter (REQUIRE_WEBGPU=1)', () => {
            throw new Error('REQUIRE_WEBGPU=1 but no WebGPU adapter was found; run `bash scripts/setup-webgpu.sh`');
          });
        });
      } else {
        describe.skip(`${name} [webgpu] (no adapter: run scripts/setup-webgpu.sh)`, () => body(() => undefined as never, kind));
      }
      continue;
    }
    describe(`${name} [${kind}]`, () => {
      let ctx: Context;
      beforeAll(async () => {
        ctx = await createContext({ backend: kind });
      });
      afterAll(async () => {
        await ctx?.dispose();
      });
      body(() => ctx, kind);
    });
  }
}

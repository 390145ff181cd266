// Node only: puts the chapter's figures on disk. Kept apart from figures.ts so that the
// browser bundle of the chapter never reaches node:fs.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ChapterResults } from './chapter';
import { FIGURES } from './figures';

/** Writes every figure into dir (created if needed); returns the absolute paths. */
export async function writeFigures(r: ChapterResults, dir: string): Promise<string[]> {
  const out = resolve(dir);
  await mkdir(out, { recursive: true });
  return Promise.all(Object.entries(FIGURES).map(async ([name, draw]) => {
    const p = join(out, name);
    await writeFile(p, draw(r));
    return p;
  }));
}

// The browser half of the bench lives in bench/board-render.ts (render time of a 300-note board
// and drag frame times in headless Chromium). It is optional here: if it is missing or fails,
// the report says so instead of printing a number.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './servers.js';

export type BoardRenderOutcome =
  | { status: 'ok'; result: Record<string, unknown> }
  | { status: 'missing' | 'failed' | 'skipped'; reason: string };

export async function boardRender(quick: boolean, staticDir: string): Promise<BoardRenderOutcome> {
  const file = path.join(ROOT, 'bench/board-render.ts');
  if (!fs.existsSync(file)) return { status: 'missing', reason: 'bench/board-render.ts is not there yet' };
  try {
    const mod = (await import(pathToFileURL(file).href)) as { benchBoardRender?: (opts: { quick?: boolean; staticDir: string }) => Promise<unknown> };
    if (typeof mod.benchBoardRender !== 'function') return { status: 'missing', reason: 'bench/board-render.ts does not export benchBoardRender()' };
    const result = await Promise.race([
      mod.benchBoardRender({ quick, staticDir }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out after 90 s')), 90_000).unref()),
    ]);
    return { status: 'ok', result: (result ?? {}) as Record<string, unknown> };
  } catch (err) {
    return { status: 'failed', reason: (err as Error).message };
  }
}

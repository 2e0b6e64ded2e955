// The browser half of the bench lives in bench/board-render.ts (render time of a 300-note board
// and drag frame times in headless Chromium). If it fails or times out, the report says so
// instead of printing a number.
import { benchBoardRender, type BoardRenderResult } from '../board-render.js';

export type BoardRenderOutcome = { status: 'ok'; result: BoardRenderResult } | { status: 'failed' | 'skipped'; reason: string };

export async function boardRender(quick: boolean, staticDir: string): Promise<BoardRenderOutcome> {
  try {
    const result = await Promise.race([
      benchBoardRender({ quick, staticDir }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out after 90 s')), 90_000).unref()),
    ]);
    return { status: 'ok', result };
  } catch (err) {
    return { status: 'failed', reason: (err as Error).message };
  }
}

// Per-file fixtures that register Vitest hooks (kept apart from the plain helpers, which the
// bench imports outside Vitest).
import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { startTestServer, type TestServer } from './server.js';

/**
 * One real server and one Chromium for a test file: started before its tests, closed after.
 * The fields are set once beforeAll has run (read them inside tests, not at the top level).
 */
export function useServerAndBrowser(opts?: Parameters<typeof startTestServer>[0]): { server: TestServer; browser: Browser } {
  const env = {} as { server: TestServer; browser: Browser };
  beforeAll(async () => {
    [env.server, env.browser] = await Promise.all([startTestServer(opts), launchBrowser()]);
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

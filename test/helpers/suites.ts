// Per-file fixtures that register Vitest hooks (kept apart from the plain helpers, which the
// bench imports outside Vitest).
import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { startTestServer, type TestServer } from './server.js';
import { connectClient, type TestClient } from './clients.js';
import { startCluster, type TestCluster } from './cluster.js';

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

/**
 * One real server for a test file, and the stock y-websocket clients its tests open through
 * `client(...)` (same arguments as connectClient): all are closed and the server stopped after the
 * file. `server` may be replaced by a test (a restart).
 */
export function useServerAndClients(opts?: Parameters<typeof startTestServer>[0]): {
  server: TestServer;
  client: (...args: Parameters<typeof connectClient>) => TestClient;
} {
  const clients: TestClient[] = [];
  const env = {
    server: undefined as unknown as TestServer,
    client: (...args: Parameters<typeof connectClient>) => {
      const c = connectClient(...args);
      clients.push(c);
      return c;
    },
  };
  beforeAll(async () => {
    env.server = await startTestServer(opts);
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await env.server?.stop();
  });
  return env;
}

/**
 * One throwaway cluster for a test file (like useServerAndClients in suites.ts): `cluster` is set
 * once beforeAll has run (read it inside tests), and the stock y-websocket clients opened through
 * `client(...)` (same arguments as connectClient) or pushed onto `clients` are closed, and the
 * cluster stopped, after the file.
 */
export function useCluster(opts?: Parameters<typeof startCluster>[0]): {
  cluster: TestCluster;
  clients: TestClient[];
  client: (...args: Parameters<typeof connectClient>) => TestClient;
} {
  const clients: TestClient[] = [];
  const env = {
    cluster: undefined as unknown as TestCluster,
    clients,
    client: (...args: Parameters<typeof connectClient>) => {
      const c = connectClient(...args);
      clients.push(c);
      return c;
    },
  };
  beforeAll(async () => {
    env.cluster = await startCluster(opts);
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await env.cluster?.stop();
  });
  return env;
}

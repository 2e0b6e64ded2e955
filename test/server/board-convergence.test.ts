// Seeded random board editing by several real y-websocket clients through the real server, with
// random disconnects (offline edits that sync on reconnect): see test/helpers/boardFuzz.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestClient } from '../helpers/clients.js';
import { createWorkshop, startTestServer, type TestServer } from '../helpers/server.js';
import { runBoardFuzz } from '../helpers/boardFuzz.js';

let server: TestServer;
const clients: TestClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.stop();
});

const run = (seed: number, opts: { clients: number; steps: number }) =>
  runBoardFuzz(seed, { ...opts, create: (title) => createWorkshop(server, { title }), wsUrls: [server.wsUrl], track: (c) => clients.push(c) });

describe('board convergence through the real server', () => {
  for (const seed of [7, 42, 2024]) {
    it(`seed ${seed}: 4 clients, random adds/edits/moves/merges/deletes with disconnects, identical boards, nothing lost or duplicated`, async () => {
      const result = await run(seed, { clients: 4, steps: 220 });
      expect(result.added).toBeGreaterThan(20);
      expect(result.merges).toBeGreaterThan(5);
      expect(result.notes).toBeGreaterThan(0);
    }, 90_000);
  }
});

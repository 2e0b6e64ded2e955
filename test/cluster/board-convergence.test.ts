// The board-convergence fuzz (test/helpers/boardFuzz.ts) against three nodes: clients spread over
// them, random adds, edits, moves, merges and deletes with disconnects; the owner repairs merges,
// the other nodes forward and relay. Identical boards, nothing lost or duplicated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestClient } from '../helpers/clients.js';
import { createWorkshop } from '../helpers/server.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { runBoardFuzz } from '../helpers/boardFuzz.js';

let cluster: TestCluster;
const clients: TestClient[] = [];

beforeAll(async () => {
  cluster = await startCluster({ nodes: 3 });
});
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await cluster?.stop();
});

describe('board convergence through three nodes', () => {
  for (const seed of [7, 42]) {
    it(`seed ${seed}: 4 clients over 3 nodes, random edits with disconnects, identical boards, nothing lost or duplicated`, async () => {
      const result = await runBoardFuzz(seed, {
        clients: 4,
        steps: 220,
        create: (title) => createWorkshop(cluster.nodes[seed % 3]!, { title }),
        wsUrls: cluster.nodes.map((n) => n.wsUrl),
        track: (c) => clients.push(c),
      });
      expect(result.added).toBeGreaterThan(20);
      expect(result.merges).toBeGreaterThan(5);
      expect(result.notes).toBeGreaterThan(0);
    }, 90_000);
  }
});

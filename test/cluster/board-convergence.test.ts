// The board-convergence fuzz (test/helpers/boardFuzz.ts) against three nodes: clients spread over
// them, random adds, edits, moves, merges and deletes with disconnects; the owner repairs merges,
// the other nodes forward and relay. Identical boards, nothing lost or duplicated.
import { describe, expect, it } from 'vitest';
import { createWorkshop } from '../helpers/server.js';
import { useCluster } from '../helpers/suites.js';
import { runBoardFuzz } from '../helpers/boardFuzz.js';

const env = useCluster({ nodes: 3 });
const { clients } = env;


describe('board convergence through three nodes', () => {
  for (const seed of [7, 42]) {
    it(`seed ${seed}: 4 clients over 3 nodes, random edits with disconnects, identical boards, nothing lost or duplicated`, async () => {
      const result = await runBoardFuzz(seed, {
        clients: 4,
        steps: 220,
        create: (title) => createWorkshop(env.cluster.nodes[seed % 3]!, { title }),
        wsUrls: env.cluster.nodes.map((n) => n.wsUrl),
        track: (c) => clients.push(c),
      });
      expect(result.added).toBeGreaterThan(20);
      expect(result.merges).toBeGreaterThan(5);
      expect(result.notes).toBeGreaterThan(0);
    }, 90_000);
  }
});

// kill -9 of the node that owns a workshop, during a burst of edits from clients on every node
// (SPEC 9): the dead node's clients reconnect to the others (as a balancer would send them), another
// node takes the workshop over, and every edit any client made or saw is in PostgreSQL and on every client.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { canonical, connectClient, waitSynced } from '../helpers/clients.js';
import { createWorkshop, metricValue, waitFor } from '../helpers/server.js';
import { putRecord } from '../helpers/records.js';
import { useCluster } from '../helpers/suites.js';

const env = useCluster({ nodes: 3 });
const { clients } = env;


// A record root without a count limit (notes stop at MAX_NOTES_PER_BOARD, and this burst makes more).
const ROOT = 'impacts';
const noteKeys = (d: Y.Doc) => [...d.getMap(ROOT).keys()].sort();

describe('the owner is killed', () => {
  it('loses nothing any client saw: its clients reconnect elsewhere and everything converges, in PostgreSQL too', async () => {
    const [n0, n1, n2] = env.cluster.nodes;
    const ws = await createWorkshop(n1!);
    // Two clients on node 0 (which takes the workshop: it is connected first), one on each other node.
    const homes = [0, 0, 1, 2];
    for (const home of homes) {
      const c = connectClient(env.cluster.nodes[home]!.wsUrl, ws.id, ws.tokens.facilitator);
      clients.push(c);
      await waitSynced(c);
    }
    expect(await env.cluster.ownerIndex(ws.id)).toBe(0);

    // Client 0 dies with node 0 (its document too): its notes that another client saw must survive,
    // because nothing is relayed before it is committed. What the others saw of its notes:
    const seenOfLost = new Set<string>();
    clients.slice(1).forEach((c) => c.doc.getMap(ROOT).observe((e) => e.keysChanged.forEach((k) => k.startsWith('c0-') && seenOfLost.add(k))));
    const written: string[] = [];
    let writing = true;
    let writing0 = true;
    const burst = (async () => {
      for (let i = 0; writing; i++) {
        clients.forEach((c, j) => {
          if (j === 0 && !writing0) return;
          const key = `c${j}-${i}`;
          putRecord(c.doc, key, i, ROOT);
          if (j > 0) written.push(key);
        });
        await new Promise((r) => setTimeout(r, 25));
      }
    })();

    await waitFor(() => seenOfLost.size > 20, 10_000, 'edits flowing');
    await n0!.kill9();
    writing0 = false;
    const lost = clients[0]!;
    lost.provider.destroy();
    // Persist before relay: what the others saw of the lost client is in PostgreSQL already, before
    // any survivor could send it again (nobody owns the workshop until the dead node's lease expires).
    const seenAtKill = [...seenOfLost];
    const storedAtKill = noteKeys(await env.cluster.storedDoc(ws.id));
    expect(await env.cluster.ownerIndex(ws.id)).toBe(0);
    for (const key of seenAtKill) expect(storedAtKill).toContain(key);
    const survivors = clients.slice(1);
    // A balancer sends the dead node's clients elsewhere: they reconnect with their documents (and unsent edits).
    for (const [j, home] of homes.entries()) {
      if (home !== 0 || j === 0) continue;
      const old = clients[j]!;
      old.provider.destroy();
      clients[j] = connectClient(env.cluster.nodes[1 + (j % 2)]!.wsUrl, ws.id, ws.tokens.facilitator, { doc: old.doc });
    }
    await waitFor(async () => [1, 2].includes((await env.cluster.ownerIndex(ws.id)) ?? -1), 15_000, 'another node to take over');
    await new Promise((r) => setTimeout(r, 500)); // edits go on under the new owner
    writing = false;
    await burst;

    // Every surviving client ends with the same notes: every note a survivor wrote, and every note
    // of the lost client that anyone saw; PostgreSQL holds exactly the same.
    await waitFor(() => survivors.every((c) => canonical(noteKeys(c.doc)) === canonical(noteKeys(survivors[0]!.doc))), 30_000, 'survivors to converge');
    const final = noteKeys(survivors[0]!.doc);
    for (const key of written) expect(final).toContain(key);
    for (const key of seenOfLost) expect(final).toContain(key);
    expect(seenOfLost.size).toBeGreaterThan(20);
    await waitFor(async () => canonical(noteKeys(await env.cluster.storedDoc(ws.id))) === canonical(final), 10_000, 'PostgreSQL to hold the same notes');
    const takeovers = (await Promise.all([n1!, n2!].map((n) => metricValue(n, 'scaleboard_cluster_takeovers_total')))).reduce((a, b) => a + b, 0);
    expect(takeovers).toBe(1);
  });
});

// Clients on three different nodes edit one workshop and converge (SPEC 9): one node owns the
// workshop, the other two forward their clients' frames to it and relay what it commits.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { canonical, connectClient, waitConverged, waitSynced } from '../helpers/clients.js';
import { createWorkshop, metricValue, waitFor } from '../helpers/server.js';
import { useCluster } from '../helpers/suites.js';
import { putRecord } from '../helpers/records.js';

const env = useCluster({ nodes: 3 });
const { clients } = env;


const notes = (d: Y.Doc) => d.getMap('notes').toJSON() as Record<string, unknown>;

describe('three nodes, one workshop', () => {
  it('clients on three nodes edit one workshop, converge, and every edit is in PostgreSQL', async () => {
    const [a, b, c] = env.cluster.nodes as [typeof env.cluster.nodes[0], typeof env.cluster.nodes[0], typeof env.cluster.nodes[0]];
    const ws = await createWorkshop(b);
    for (const node of [a, b, c]) {
      const client = connectClient(node.wsUrl, ws.id, ws.tokens.facilitator);
      clients.push(client);
      await waitSynced(client);
    }
    const owner = await env.cluster.ownerIndex(ws.id);
    expect(owner).toBe(0); // the first connection's node took the workshop

    // Each client writes its own notes, interleaved, then all of them edit one shared note.
    for (let round = 0; round < 20; round++) {
      clients.forEach((client, i) => putRecord(client.doc, `n${i}-${round}`, `from ${i}, round ${round}`));
      await new Promise((r) => setTimeout(r, 5));
    }
    clients.forEach((client, i) => putRecord(client.doc, 'shared', `last writer ${i}`));
    await waitConverged(clients.map((c) => c.doc), notes, 15_000);
    expect(Object.keys(notes(clients[0]!.doc))).toHaveLength(61);

    // What every client holds is committed: a document rebuilt from PostgreSQL reads the same.
    await waitFor(async () => {
      const stored = await env.cluster.storedDoc(ws.id);
      return canonical(notes(stored)) === canonical(notes(clients[0]!.doc));
    }, 10_000, 'PostgreSQL to hold every edit');

    // The two other nodes forwarded; the owner relayed to them.
    expect(await metricValue(b, 'scaleboard_cluster_forwarded_messages_total', { direction: 'to_owner' })).toBeGreaterThan(0);
    expect(await metricValue(c, 'scaleboard_cluster_forwarded_messages_total', { direction: 'to_owner' })).toBeGreaterThan(0);
    expect(await metricValue(a, 'scaleboard_cluster_owned_workshops')).toBe(1);
    expect(await metricValue(b, 'scaleboard_cluster_owned_workshops')).toBe(0);
  });
});

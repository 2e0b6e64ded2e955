// A node that only relays dies (kill -9): the owner notices its heartbeat stop and its clients leave
// the workshop (their presence disappears for everyone, long before the 30-second presence timeout),
// and the workshop goes on for the others.
import { describe, expect, it } from 'vitest';
import { connectClient, waitSynced, type TestClient } from '../helpers/clients.js';
import { createWorkshop, waitFor } from '../helpers/server.js';
import { putRecord } from '../helpers/records.js';
import { useCluster } from '../helpers/suites.js';

const env = useCluster({ nodes: 3 });
const { clients } = env;


describe('a relaying node dies', () => {
  it("its clients leave the owner's workshop: their presence goes, and the others keep editing", async () => {
    const [n0, n1, n2] = env.cluster.nodes;
    const ws = await createWorkshop(n0!);
    const owner = connectClient(n0!.wsUrl, ws.id, ws.tokens.facilitator);
    clients.push(owner);
    await waitSynced(owner); // node 0 takes the workshop
    const doomed = connectClient(n1!.wsUrl, ws.id, ws.tokens.facilitator);
    const other = connectClient(n2!.wsUrl, ws.id, ws.tokens.facilitator);
    clients.push(doomed, other);
    await Promise.all([doomed, other].map((c) => waitSynced(c)));
    expect(await env.cluster.ownerIndex(ws.id)).toBe(0);
    doomed.provider.awareness.setLocalStateField('user', { id: 'd', name: 'Dora', color: '#336699' });
    const names = (c: TestClient) => [...c.provider.awareness.getStates().values()].map((s) => (s as { user?: { name?: string } }).user?.name);
    await waitFor(() => [owner, other].every((c) => names(c).includes('Dora')), 5_000, 'Dora present everywhere');

    await n1!.kill9();
    doomed.provider.disconnect();
    const killedAt = Date.now();
    await waitFor(() => [owner, other].every((c) => !names(c).includes('Dora')), 10_000, "Dora's presence to go");
    expect(Date.now() - killedAt).toBeLessThan(15_000); // the owner, not the 30-second presence timeout, removed her

    putRecord(other.doc, 'after', 'still editing');
    await waitFor(() => owner.doc.getMap('notes').has('after'), 5_000, 'edits still flowing');
  });
});

// An owner paused (SIGSTOP) past its lease, then resumed, cannot write (SPEC 9): another node took
// the workshop over with a new epoch, so the old owner's commits fail the epoch check; it closes its
// sockets (1012), and its client's edit arrives again through the new owner on resync.
import { describe, expect, it } from 'vitest';
import { connectClient, waitSynced } from '../helpers/clients.js';
import { createWorkshop, metricValue, waitFor } from '../helpers/server.js';
import { putRecord } from '../helpers/records.js';
import { useCluster } from '../helpers/suites.js';
import { CloseCode } from '../../server/protocol.js';

const env = useCluster({ nodes: 2 });
const { clients } = env;


const board = (id: string) => `${id}:board`;

describe('a paused owner', () => {
  it('resumed after its lease expired, writes nothing: its commit is fenced and its client resyncs through the new owner', async () => {
    const [n0, n1] = env.cluster.nodes;
    const ws = await createWorkshop(n0!);
    const a = connectClient(n0!.wsUrl, ws.id, ws.tokens.facilitator);
    clients.push(a);
    await waitSynced(a);
    const b = connectClient(n1!.wsUrl, ws.id, ws.tokens.facilitator);
    clients.push(b);
    await waitSynced(b);
    expect(await env.cluster.ownerIndex(ws.id)).toBe(0);
    const [{ epoch: oldEpoch }] = await env.cluster.pg.query<{ epoch: string }>('SELECT epoch FROM owners WHERE workshop_id = $1', [ws.id]);

    n0!.proc.kill('SIGSTOP');
    // Sent to the paused node: it waits in its socket until the node resumes.
    putRecord(a.doc, 'while-paused', 'a');
    // Node 1 sees the lease expire, sends its client to reconnect, and takes the workshop over.
    await waitFor(async () => (await env.cluster.ownerIndex(ws.id)) === 1, 15_000, 'node 1 to take over');
    await waitSynced(b);
    putRecord(b.doc, 'from-new-owner', 'b');
    const [{ max: seqAtTakeover }] = await env.cluster.pg.query<{ max: string }>('SELECT max(seq) FROM doc_updates WHERE doc = $1', [board(ws.id)]);
    await waitFor(async () => (await env.cluster.pg.query('SELECT 1 FROM doc_updates WHERE doc = $1 AND seq > $2', [board(ws.id), seqAtTakeover])).length > 0, 5_000, 'the new owner to commit');

    n0!.proc.kill('SIGCONT');
    // The old owner lets go: its client is sent to reconnect (1012), as the workshop moved.
    await waitFor(() => a.closeEvents.some((e) => e.code === CloseCode.ownerMoved), 10_000, 'old owner to close its socket');
    await waitFor(async () => (await metricValue(n0!, 'scaleboard_cluster_owned_workshops')) === 0, 5_000, 'old owner to let go');
    // On resuming it read the paused edit and tried to commit it (before its lease renewal could
    // answer): PostgreSQL refused it, the epoch having moved.
    expect(await metricValue(n0!, 'scaleboard_cluster_fenced_commits_total')).toBe(1);

    // Both edits end up everywhere (the paused one through node 0 forwarding to node 1, on resync) ...
    await waitFor(() => [a, b].every((c) => c.doc.getMap('notes').has('while-paused') && c.doc.getMap('notes').has('from-new-owner')), 15_000, 'both edits on both clients');
    // ... and nothing was written under the old epoch after the takeover: the old owner wrote nothing.
    const stale = await env.cluster.pg.query('SELECT seq FROM doc_updates WHERE doc LIKE $1 AND epoch = $2 AND seq > $3', [`${ws.id}:%`, oldEpoch, seqAtTakeover]);
    expect(stale).toEqual([]);
    const stored = await env.cluster.storedDoc(ws.id);
    expect(stored.getMap('notes').has('while-paused')).toBe(true);
    expect((await env.cluster.pg.query<{ node: string }>('SELECT node FROM owners WHERE workshop_id = $1', [ws.id]))[0]!.node).toBe('n1');
  });
});

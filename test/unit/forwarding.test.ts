// A relaying node's side of a forwarded connection (server/cluster/forwarding.ts), in process:
// frames go to the owner with the verified identity; a sequence gap in what the owner sends back
// is filled with the document as PostgreSQL holds it; an owner that never answers sends the client
// to reconnect (1012).
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { Forwarding } from '../../server/cluster/forwarding.js';
import { createClusterMetrics } from '../../server/cluster/metrics.js';
import type { PgStore } from '../../server/cluster/pgStore.js';
import { createMetrics } from '../../server/metrics.js';
import { createLogger } from '../../server/logger.js';
import { CloseCode } from '../../server/protocol.js';
import type { Peer } from '../../server/socket.js';
import { TestSocket } from '../helpers/room.js';

function setup(stored: Y.Doc, answerTimeoutMs = 60_000) {
  const metrics = createMetrics();
  const cluster = createClusterMetrics(metrics, () => 0);
  const sent: { owner: string; header: Record<string, unknown>; payload?: Uint8Array }[] = [];
  const pg = { loadDoc: async () => ({ snapshot: Y.encodeStateAsUpdate(stored), updates: [], lastSeq: 1 }) } as unknown as PgStore;
  const forwarding = new Forwarding({
    node: 'n1',
    pg,
    metrics,
    cluster,
    log: createLogger('silent'),
    maxBufferedBytes: 1024 * 1024,
    answerTimeoutMs,
    toOwner: (owner, header, payload) => sent.push({ owner, header, payload }),
  });
  const socket = new TestSocket('client', []);
  const peer: Peer = { socket, role: 'participant', id: 'p1', personId: 'person-1', ephemeral: false, color: '#336699' };
  const endpoint = forwarding.endpoint('w', '', 'n0');
  endpoint.join(peer);
  const sid = sent[0]!.header.sid as string;
  return { forwarding, endpoint, peer, socket, sent, sid, cluster };
}

describe('Forwarding', () => {
  it("introduces the client to the owner with the identity this node verified, then forwards its frames in order", () => {
    const { endpoint, peer, sent } = setup(new Y.Doc());
    endpoint.handleMessage(peer, new Uint8Array([0, 2, 1, 7]));
    expect(sent.map((s) => s.owner)).toEqual(['n0', 'n0']);
    expect(sent[0]!.header).toMatchObject({ t: 'join', from: 'n1', wid: 'w', doc: '', role: 'participant', personId: 'person-1', ephemeral: false });
    expect(sent[1]!.header).toMatchObject({ t: 'msg', wid: 'w', from: 'n1' });
    expect([...sent[1]!.payload!]).toEqual([0, 2, 1, 7]);
  });

  it('fills a gap in what the owner sent with the document from PostgreSQL', async () => {
    const stored = new Y.Doc();
    stored.getMap('notes').set('missed', 'it was in the lost message');
    const { forwarding, socket, sid, cluster } = setup(stored);
    forwarding.fromOwner({ t: 'out', to: [[sid, 1]] }, new Uint8Array([1]));
    forwarding.fromOwner({ t: 'out', to: [[sid, 3]] }, new Uint8Array([3])); // 2 was lost
    await new Promise((r) => setImmediate(r));
    expect((await cluster.gapFills.get()).values[0]!.value).toBe(1);
    expect(socket.queue).toHaveLength(3);
    // The third message sent is the whole stored document, as a sync update.
    const decoder = decoding.createDecoder(socket.queue[2]!);
    expect([decoding.readVarUint(decoder), decoding.readVarUint(decoder)]).toEqual([0, 2]);
    const client = new Y.Doc();
    Y.applyUpdate(client, decoding.readVarUint8Array(decoder));
    expect(client.getMap('notes').get('missed')).toBe('it was in the lost message');
  });

  it('sends the client to reconnect when the owner does not answer', async () => {
    const { socket, sent } = setup(new Y.Doc(), 20);
    await new Promise((r) => setTimeout(r, 60));
    expect(socket.closed?.code).toBe(CloseCode.ownerMoved);
    expect(sent.at(-1)!.header).toMatchObject({ t: 'leave' });
  });
});

// The owner enforces every rule for clients of other nodes exactly as on one node
// (test/server/write-gate.test.ts): a participant's hand-made forbidden write, sent through a node
// that does not own the workshop, is refused and reverted on the owner; every client and
// PostgreSQL keep the right value.
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { waitSynced, type TestClient } from '../helpers/clients.js';
import { openRaw, type RawPeer } from '../helpers/raw.js';
import { createPerson, createWorkshop, metricValue, waitFor, type CreatedWorkshop, type TestServer } from '../helpers/server.js';
import { putRecord } from '../helpers/records.js';
import { encodeStructs, updateFrame, updateOf } from '../helpers/updates.js';
import { useCluster } from '../helpers/suites.js';

const env = useCluster({ nodes: 3 });
const { client } = env;
const raws: RawPeer[] = [];
type Entry = { id: string; name: string; role: string };
const rosterOf = (d: Y.Doc) => d.getMap<Entry>('roster').toJSON() as Record<string, Entry>;
const rejected = (node: TestServer, reason: string) => metricValue(node, 'scaleboard_ws_rejected_total', { reason });

afterAll(() => {
  raws.forEach((r) => r.ws.close());
});

/** A workshop owned by node 0 (its facilitator connected there first), with a roster entry the server wrote. */
async function workshopOwnedByNode0() {
  const [owner] = env.cluster.nodes;
  const ws = await createWorkshop(owner!);
  const fran = await createPerson(owner!, ws.id, ws.tokens.facilitator);
  const fac = client(owner!.wsUrl, ws.id, ws.tokens.facilitator, { person: fran.personToken });
  await waitSynced(fac);
  fac.provider.awareness.setLocalStateField('user', { id: 'f', name: 'Fran', color: '#336699' });
  await waitFor(() => Object.values(rosterOf(fac.doc)).some((e) => e.name === 'Fran'), 5000, 'roster entry');
  expect(await env.cluster.ownerIndex(ws.id)).toBe(0);
  return { ws, fac };
}

/** A fresh client on node 2, once it holds the marker written after the attack. */
async function freshOnNode2(ws: CreatedWorkshop, writer: TestClient, marker: string): Promise<TestClient> {
  putRecord(writer.doc, marker, 'x');
  const fresh = client(env.cluster.nodes[2]!.wsUrl, ws.id, ws.tokens.observer);
  await waitSynced(fresh);
  await waitFor(() => fresh.doc.getMap('notes').has(marker), 5000, `marker ${marker}`);
  return fresh;
}

describe('rules through a node that does not own the workshop', () => {
  it("refuses a participant's hand-made overwrite of a server-only roster entry, sent through node 1", async () => {
    const { ws, fac } = await workshopOwnedByNode0();
    const view = client(env.cluster.nodes[1]!.wsUrl, ws.id, ws.tokens.participant);
    await waitSynced(view);
    await waitFor(() => Object.keys(rosterOf(view.doc)).length === 1, 5000, 'roster synced to node 1');
    const [key, entry] = Object.entries(rosterOf(view.doc))[0]!;
    const overwrite = updateOf(view.doc, (d) => d.getMap<Entry>('roster').set(key, { ...entry, name: 'Mallory' }));
    const { structs } = Y.decodeUpdate(overwrite);
    const before = await rejected(env.cluster.nodes[0]!, 'server_only_map');

    const attacker = await openRaw(`${env.cluster.nodes[1]!.wsUrl}/${ws.id}?token=${ws.tokens.participant}`);
    raws.push(attacker);
    attacker.ws.send(updateFrame(encodeStructs(structs)));
    // Judged by the owner (node 0), counted there.
    await waitFor(async () => (await rejected(env.cluster.nodes[0]!, 'server_only_map')) > before, 5000, 'refusal counted on the owner');

    const fresh = await freshOnNode2(ws, fac, 'after-overwrite');
    expect(rosterOf(fresh.doc)[key]?.name).toBe('Fran');
    expect(rosterOf(fac.doc)[key]?.name).toBe('Fran');
    await waitFor(() => rosterOf(view.doc)[key]?.name === 'Fran', 5000, 'node 1 client keeps Fran');
    expect(rosterOf(await env.cluster.storedDoc(ws.id))[key]?.name).toBe('Fran');
  });

  it("reverts a participant's write to a locked board, sent through node 1, on the writer and everyone", async () => {
    const { ws, fac } = await workshopOwnedByNode0();
    const facControl = client(env.cluster.nodes[0]!.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control' });
    const p = client(env.cluster.nodes[1]!.wsUrl, ws.id, ws.tokens.participant);
    await Promise.all([facControl, p].map((c) => waitSynced(c)));
    putRecord(p.doc, 'before-lock', 'allowed');
    await waitFor(() => fac.doc.getMap('notes').has('before-lock'), 5000, 'open board takes the write');

    facControl.doc.getMap('settings').set('locked', true);
    const lockedBefore = await rejected(env.cluster.nodes[0]!, 'write_reverted_participant');
    await new Promise((r) => setTimeout(r, 300)); // the lock reaches the owner before the write below
    putRecord(p.doc, 'while-locked', 'refused');
    await waitFor(async () => (await rejected(env.cluster.nodes[0]!, 'write_reverted_participant')) > lockedBefore, 5000, 'refused while locked');
    // Reverted on the writer too (the undo is relayed through node 1), and never seen elsewhere.
    await waitFor(() => !p.doc.getMap('notes').has('while-locked'), 5000, 'writer reverted');
    const fresh = await freshOnNode2(ws, fac, 'locked-marker');
    expect(fresh.doc.getMap('notes').has('while-locked')).toBe(false);
    expect(fresh.doc.getMap('notes').has('before-lock')).toBe(true);
    expect((await env.cluster.storedDoc(ws.id)).getMap('notes').has('while-locked')).toBe(false);
  });
});

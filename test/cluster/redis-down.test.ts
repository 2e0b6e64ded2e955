// Redis stopped (SPEC 9): a node cannot be sure it still owns a workshop, so writes are refused with
// a clear close code (4503) and new connections too; nothing any client saw is lost (it is in
// PostgreSQL already), and once Redis is back the clients reconnect and converge.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { canonical, connectClient, waitSynced } from '../helpers/clients.js';
import { openRaw } from '../helpers/raw.js';
import { createWorkshop, waitFor } from '../helpers/server.js';
import { putRecord } from '../helpers/records.js';
import { useCluster } from '../helpers/suites.js';
import { CloseCode } from '../../server/protocol.js';

const env = useCluster({ nodes: 2 });
const { clients } = env;


const ROOT = 'impacts';
const keysOf = (d: Y.Doc) => [...d.getMap(ROOT).keys()].sort();

describe('Redis stopped', () => {
  it('refuses writes with 4503 and loses nothing any client saw; after Redis is back everything converges', async () => {
    const [n0, n1] = env.cluster.nodes;
    const ws = await createWorkshop(n0!);
    const a = connectClient(n0!.wsUrl, ws.id, ws.tokens.facilitator);
    const b = connectClient(n1!.wsUrl, ws.id, ws.tokens.facilitator);
    clients.push(a, b);
    await Promise.all([a, b].map((c) => waitSynced(c)));

    // What each client saw of the other's edits (relayed to it).
    const seen = new Set<string>();
    a.doc.getMap(ROOT).observe((e) => e.keysChanged.forEach((k) => k.startsWith('b-') && seen.add(k)));
    b.doc.getMap(ROOT).observe((e) => e.keysChanged.forEach((k) => k.startsWith('a-') && seen.add(k)));
    let writing = true;
    const burst = (async () => {
      for (let i = 0; writing; i++) {
        putRecord(a.doc, `a-${i}`, i, ROOT);
        putRecord(b.doc, `b-${i}`, i, ROOT);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await waitFor(() => seen.size > 20, 10_000, 'edits flowing');

    await env.cluster.redis.stop();
    await waitFor(() => [a, b].every((c) => c.closeEvents.some((e) => e.code === CloseCode.clusterUnavailable)), 5_000, 'both closed with 4503');
    expect(a.closeEvents.find((e) => e.code === CloseCode.clusterUnavailable)!.reason).toMatch(/cannot reach Redis/);
    const seenAtStop = [...seen];
    // Nothing acknowledged is lost: everything a client saw is in PostgreSQL.
    const stored = keysOf(await env.cluster.storedDoc(ws.id));
    for (const key of seenAtStop) expect(stored).toContain(key);
    // New connections are refused meanwhile, with the same code.
    const refused = await openRaw(`${n1!.wsUrl}/${ws.id}?token=${ws.tokens.participant}`);
    expect((await refused.closed).code).toBe(CloseCode.clusterUnavailable);
    // Health says what is missing.
    const health = await fetch(`${n0!.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ unreachable: ['redis'] });

    await new Promise((r) => setTimeout(r, 300)); // edits go on offline
    await env.cluster.redis.start();
    await new Promise((r) => setTimeout(r, 300));
    writing = false;
    await burst;
    await waitFor(() => canonical(keysOf(a.doc)) === canonical(keysOf(b.doc)), 20_000, 'clients to converge after Redis is back');
    const final = keysOf(a.doc);
    for (const key of seenAtStop) expect(final).toContain(key);
    await waitFor(async () => canonical(keysOf(await env.cluster.storedDoc(ws.id))) === canonical(final), 10_000, 'PostgreSQL to hold every edit');
    expect((await fetch(`${n0!.url}/healthz`)).status).toBe(200);
  });
});

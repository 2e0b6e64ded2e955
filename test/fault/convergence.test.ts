// Seeded randomized convergence through the real server (the Yjs test-helper idea): several
// stock clients make random edits to maps, texts and arrays of the board document while they
// randomly disconnect, drop their socket and reconnect. Afterwards every client holds the same
// state, and so does the server's storage, read back from SQLite after the server stops.
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { canonical, connectClient, waitConverged, waitSynced, type TestClient } from '../helpers/clients.js';
import { seededRandom } from '../helpers/random.js';
import { createWorkshop, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { Storage } from '../../server/storage.js';
import { docKey } from '../../server/workshop.js';
import type WebSocket from 'ws';

// The first seed also compacts often (snapshot + log); the others keep a pure update log, so a
// single update the server relayed without storing would show.
const SEEDS = [
  { seed: 0x5eed, compactAfter: 60 },
  { seed: 20261122, compactAfter: 100_000 },
  { seed: 7, compactAfter: 100_000 },
];
const CLIENTS = 5;
const OPS = 220;
const ROOTS = ['notes', 'impacts', 'initiatives'] as const;

/** Everything a client can see of the board: the fuzzed root maps, as plain JSON. */
const stateOf = (d: Y.Doc) => Object.fromEntries(ROOTS.map((r) => [r, d.getMap(r).toJSON()]));

const servers: TestServer[] = [];
const clients: TestClient[] = [];
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await Promise.all(servers.map((s) => s.stop()));
});

/** One random edit of a random kind, as a user of the board would make it (plus some abuse). */
function randomEdit(doc: Y.Doc, rand: () => number, tag: string): void {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const root = doc.getMap<Y.Map<unknown>>(pick(ROOTS));
  const keys = [...root.keys()];
  const r = rand();
  doc.transact(() => {
    if (r < 0.25 || keys.length === 0) {
      // A new record with a text and a list, like a note with its coauthors.
      const rec = new Y.Map<unknown>();
      const text = new Y.Text();
      text.insert(0, `${tag} says hi`);
      const list = new Y.Array<string>();
      list.push([tag]);
      rec.set('text', text);
      rec.set('list', list);
      rec.set('lane', pick(['product', 'platform', 'org']));
      root.set(`${tag}-${Math.floor(rand() * 1e9).toString(36)}`, rec);
      return;
    }
    const rec = root.get(pick(keys));
    if (!(rec instanceof Y.Map)) return;
    const text = rec.get('text');
    const list = rec.get('list');
    if (r < 0.5 && text instanceof Y.Text) {
      const pos = Math.floor(rand() * (text.length + 1));
      if (rand() < 0.3 && text.length > 0) text.delete(Math.min(pos, text.length - 1), 1 + Math.floor(rand() * 3));
      else text.insert(pos, pick(['a', 'bc', ' ', 'ü', '😀', tag]));
    } else if (r < 0.7 && list instanceof Y.Array) {
      if (rand() < 0.4 && list.length > 0) list.delete(Math.floor(rand() * list.length), 1);
      else list.insert(Math.floor(rand() * (list.length + 1)), [tag]);
    } else if (r < 0.9) {
      rec.set(pick(['lane', 'order', 'magnitude']), pick(['product', 'platform', 'org', 'a0', 'a1', 3, 5, null]));
    } else {
      root.delete(pick(keys));
    }
  });
}

describe('randomized convergence through the real server', () => {
  for (const { seed, compactAfter } of SEEDS) {
    it(`converges on every client and in storage (seed ${seed})`, { timeout: 45_000 }, async () => {
      const rand = seededRandom(seed).next;
      const server = await startTestServer({ env: { COMPACT_AFTER_UPDATES: String(compactAfter) } });
      servers.push(server);
      const ws = await createWorkshop(server, { title: `Fuzz ${seed}` });
      const mine = Array.from({ length: CLIENTS }, (_, i) =>
        connectClient(server.wsUrl, ws.id, i === 0 ? ws.tokens.facilitator : ws.tokens.participant),
      );
      clients.push(...mine);
      await Promise.all(mine.map((c) => waitSynced(c)));

      for (let op = 0; op < OPS; op++) {
        const i = Math.floor(rand() * CLIENTS);
        const c = mine[i]!;
        const r = rand();
        if (r < 0.06) {
          c.provider.disconnect(); // offline: edits keep landing locally
        } else if (r < 0.1) {
          c.provider.connect();
        } else if (r < 0.13) {
          // The network drops: the socket dies without a close handshake; the provider reconnects.
          (c.provider.ws as unknown as WebSocket | null)?.terminate?.();
        } else {
          randomEdit(c.doc, rand, `c${i}`);
        }
        // Let the network interleave with the edits now and then.
        if (rand() < 0.15) await new Promise((res) => setTimeout(res, Math.floor(rand() * 15)));
      }

      for (const c of mine) c.provider.connect();
      await Promise.all(mine.map((c) => waitSynced(c, 15_000)));
      await waitConverged(
        mine.map((c) => c.doc),
        stateOf,
        15_000,
      );
      const expected = canonical(stateOf(mine[0]!.doc));
      for (const c of mine) expect(canonical(stateOf(c.doc)), `seed ${seed}`).toBe(expected);
      // The test produced real content, not an empty board.
      expect(Object.keys(mine[0]!.doc.getMap('notes').toJSON()).length + Object.keys(mine[0]!.doc.getMap('impacts').toJSON()).length).toBeGreaterThan(0);

      // Storage: kill the server (no graceful shutdown snapshot to hide a missed write) and
      // rebuild the board from SQLite. A fresh client first proves the server holds the state.
      const fresh = connectClient(server.wsUrl, ws.id, ws.tokens.observer);
      clients.push(fresh);
      await waitSynced(fresh);
      await waitFor(() => canonical(stateOf(fresh.doc)) === expected, 10_000, 'fresh client to match');
      for (const c of [...mine, fresh]) c.provider.disconnect();
      await server.kill9();
      const storage = new Storage(server.dataDir);
      try {
        const { snapshot, updates } = storage.loadDoc(docKey(ws.id, ''));
        const stored = new Y.Doc();
        for (const u of snapshot ? [snapshot, ...updates] : updates) Y.applyUpdate(stored, u);
        expect(canonical(stateOf(stored)), `seed ${seed}: storage`).toBe(expected);
        // Nothing is left dangling: the stored document has no updates waiting for missing parts.
        expect(stored.store.pendingStructs, `seed ${seed}: pending structs`).toBeNull();
      } finally {
        storage.close();
      }
    });
  }
});

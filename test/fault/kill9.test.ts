// kill -9 of the server in the middle of a steady stream of edits. An edit is "accepted" once
// another client has seen it (the server stores before it relays). After a restart on the same
// DATA_DIR and port, a fresh client finds every accepted edit in what the server reloads from
// disk, and the original clients reconnect and converge, offline edits included.
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { canonical, connectClient, waitConverged, waitSynced, type TestClient } from '../helpers/clients.js';
import { createWorkshop, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { putRecord, recordValue } from '../helpers/records.js';

const WRITERS = 3;
const EDIT_EVERY_MS = 8;

const servers: TestServer[] = [];
const clients: TestClient[] = [];
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await Promise.all(servers.map((s) => s.stop()));
});

/** The stream writes records to `impacts`, a record root without a count limit (notes stop at 500 a board). */
const ROOT = 'impacts';
const notesOf = (d: Y.Doc) => d.getMap(ROOT).toJSON();

describe('kill -9 during a stream of edits', () => {
  // Compaction every 40 updates, so the kill also lands around snapshot writes.
  for (const round of [1, 2]) {
    it(`loses no accepted edit and converges after restart (round ${round})`, { timeout: 45_000 }, async () => {
      const first = await startTestServer({ env: { COMPACT_AFTER_UPDATES: '40' } });
      servers.push(first);
      const ws = await createWorkshop(first, { title: 'Crash' });
      const connect = (token: string) => {
        const c = connectClient(first.wsUrl, ws.id, token);
        clients.push(c);
        return c;
      };
      const writers = Array.from({ length: WRITERS }, () => connect(ws.tokens.participant));
      const watcher = connect(ws.tokens.observer);
      await Promise.all([...writers, watcher].map((c) => waitSynced(c)));

      // Every key the watcher has seen was relayed by the server, so it was accepted.
      const accepted = new Set<string>();
      watcher.doc.getMap(ROOT).observe((e) => e.keysChanged.forEach((k) => accepted.add(k)));

      let written = 0;
      const timers = writers.map((w, i) => {
        let seq = 0;
        return setInterval(() => {
          putRecord(w.doc, `w${i}-${seq++}`, { by: i, at: Date.now(), pad: 'x'.repeat(seq % 200) }, ROOT);
          written++;
        }, EDIT_EVERY_MS);
      });
      try {
        await waitFor(() => accepted.size >= 150 * round, 15_000, 'a steady stream to be flowing');
        await first.kill9();
        // Stop the clients from reconnecting on their own: the first look after the restart must
        // be at what the server reloaded from disk, not at what clients resend.
        for (const c of [...writers, watcher]) c.provider.disconnect();
        const acceptedAtCrash = new Set(accepted);
        expect(acceptedAtCrash.size).toBeGreaterThan(0);
        // Writers keep editing while the server is down.
        await new Promise((r) => setTimeout(r, 150));
        for (const t of timers) clearInterval(t);

        const second = await first.restart();
        servers.push(second);
        const fresh = connectClient(second.wsUrl, ws.id, ws.tokens.observer);
        clients.push(fresh);
        await waitSynced(fresh);
        const reloaded = fresh.doc.getMap(ROOT);
        const lost = [...acceptedAtCrash].filter((k) => !reloaded.has(k));
        expect(lost, `accepted edits lost by the crash`).toEqual([]);

        // The original clients come back and everyone converges, including edits made offline.
        for (const c of [...writers, watcher]) c.provider.connect();
        const everyone = [...writers, watcher, fresh];
        await Promise.all(everyone.map((c) => waitSynced(c, 15_000)));
        await waitConverged(
          everyone.map((c) => c.doc),
          notesOf,
          15_000,
        );
        expect(Object.keys(notesOf(fresh.doc)).length).toBe(written);
        for (const c of everyone) expect(canonical(notesOf(c.doc))).toBe(canonical(notesOf(fresh.doc)));
      } finally {
        for (const t of timers) clearInterval(t);
      }
    });
  }
});

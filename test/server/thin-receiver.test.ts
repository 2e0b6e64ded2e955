// The bench's thin receivers (bench/lib/thin.ts) measure the same deliveries as full y-websocket
// clients: on a small room of each server (ours and the stock one the bench compares against),
// a thin receiver sees every edit a full client sees, in the same order, each from the same frame.
// No wall-clock performance assertion: only that both timestamps belong to one delivery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, waitSynced, type TestClient } from '../helpers/clients.js';
import { createWorkshop, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { ThinReceiver, findMarkers, markerText, roomUrl } from '../../bench/lib/thin.js';
import { createNote, makeEdit, observeReceipts } from '../../bench/lib/edits.js';
import { nowMs } from '../../bench/lib/proc.js';
import { startServer, type BenchServer } from '../../bench/lib/servers.js';
import { encodeUpdate } from '../../server/protocol.js';

const round = (ts: number) => Number(ts.toFixed(3));

describe('findMarkers', () => {
  it('reads every send time out of a merged update framed as a y-websocket message, in order', () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    const note = createNote(doc, doc.getMap('notes'));
    const times = [1_765_000_000_000.125, 1_765_000_000_001.5, 1_765_000_000_002.875];
    for (const ts of times) makeEdit(doc, note, ts);
    const frame = encodeUpdate(Y.mergeUpdates(updates));
    expect(findMarkers(frame)).toEqual(times);
    // A frame without markers (presence, a sync step 1) yields none; a torn marker is skipped.
    expect(findMarkers(new Uint8Array([0, 0, 1, 2, 3]))).toEqual([]);
    expect(findMarkers(Buffer.from(`xx${markerText(5)}@@12`))).toEqual([5]);
  });
});

interface Room {
  url: string;
  room: string;
  params: Record<string, string>;
}

/**
 * A room of two full clients (an editor, a watcher) and one thin receiver; the editor types 120
 * edits, more than a note's text may hold on our server (the bench's edit starts the text over).
 */
async function compare(target: Room): Promise<void> {
  const open: TestClient[] = [];
  let thin: ThinReceiver | null = null;
  try {
    const full = (): TestClient => {
      // connectClient's room is `<id>[/<doc>]` and its token a query parameter, as the bench's.
      const c = connectClient(target.url, target.room, target.params.token ?? null);
      open.push(c);
      return c;
    };
    const editor = full();
    const watcher = full();
    await Promise.all([waitSynced(editor), waitSynced(watcher)]);
    const thinSeen: { ts: number; at: number }[] = [];
    let frames = 0;
    thin = new ThinReceiver(roomUrl(target.url, target.room, target.params), {
      onFrame: (at, marks) => {
        frames++;
        for (const ts of marks) thinSeen.push({ ts, at });
      },
    });
    await thin.joined;
    const notes = editor.doc.getMap<Y.Map<unknown>>('notes');
    const note = createNote(editor.doc, notes);
    await waitFor(() => watcher.doc.getMap('notes').size === notes.size, 5_000, 'note reached the watcher');

    const fullSeen: { ts: number; at: number }[] = [];
    observeReceipts(watcher.doc.getMap('notes'), watcher.provider, (ts, at) => fullSeen.push({ ts: round(ts as number), at }), nowMs);
    const sent: number[] = [];
    let last = 0;
    const editNow = () => {
      // Distinct send times even within one microsecond.
      const ts = round(Math.max(nowMs(), last + 0.001));
      last = ts;
      sent.push(ts);
      makeEdit(editor.doc, note, ts);
    };
    for (let i = 0; i < 80; i++) {
      editNow();
      // Every fourth step types three edits in one turn: the server may relay them in one frame.
      if (i % 4 === 0) {
        editNow();
        editNow();
      }
      await new Promise((r) => setTimeout(r, 3));
    }
    await waitFor(() => fullSeen.length >= sent.length && thinSeen.length >= sent.length, 10_000, 'every edit received');
    await new Promise((r) => setTimeout(r, 100)); // nothing more, nothing twice

    // The same edits, in the same order, each exactly once, for both kinds of receiver.
    expect(fullSeen.map((x) => x.ts)).toEqual(sent);
    expect(thinSeen.map((x) => x.ts)).toEqual(sent);
    expect(frames).toBeGreaterThan(0);
    // Each pair of timestamps belongs to one delivery: both after the send, and close to each
    // other (a generous bound that only a different delivery, e.g. a resync, could break).
    for (let i = 0; i < sent.length; i++) {
      expect(thinSeen[i]!.at).toBeGreaterThanOrEqual(sent[i]!);
      expect(fullSeen[i]!.at).toBeGreaterThanOrEqual(sent[i]!);
      expect(Math.abs(thinSeen[i]!.at - fullSeen[i]!.at)).toBeLessThan(1_000);
    }
  } finally {
    thin?.close();
    open.forEach((c) => c.destroy());
  }
}

describe('thin receiver against a full client', () => {
  let ours: TestServer;
  let stock: BenchServer;
  beforeAll(async () => {
    [ours, stock] = await Promise.all([startTestServer(), startServer('stock')]);
  });
  afterAll(async () => {
    await Promise.all([ours?.stop(), stock?.stop()]);
  });

  it('on our server: the same edits in the same order, from the same deliveries', async () => {
    const w = await createWorkshop(ours, { title: 'Thin receiver' });
    await compare({ url: ours.wsUrl, room: w.id, params: { token: w.tokens.participant } });
  });

  it('on the stock y-websocket server the bench compares against', async () => {
    await compare({ url: stock.wsBase, room: 'thin-receiver-test', params: {} });
  });
});

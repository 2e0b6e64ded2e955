// The bench's edit and how a full client sees it land, shared by the worker (bench/worker.ts) and
// the test that checks thin receivers against full clients (test/server/thin-receiver.test.ts).
import * as Y from 'yjs';
import { markerText } from './thin.js';

/** The note one editor types into. */
export interface BenchNote {
  record: Y.Map<unknown>;
  text: Y.Text;
  seq: number;
}

/** Creates the note an editor will edit, in `notes` under a key of its own. */
export function createNote(doc: Y.Doc, notes: Y.Map<Y.Map<unknown>>): BenchNote {
  const note: BenchNote = { record: new Y.Map<unknown>(), text: new Y.Text(), seq: 0 };
  doc.transact(() => {
    note.record.set('text', note.text);
    notes.set(`bench-${doc.clientID}`, note.record);
  });
  return note;
}

/**
 * One edit made at `ts`: the send time under key `s<seq>` (what a full client reads) and typed
 * into the text as a marker (what a thin receiver finds in the frame), in one transaction.
 */
export function makeEdit(doc: Y.Doc, note: BenchNote, ts: number): void {
  doc.transact(() => {
    note.seq++;
    note.record.set(`s${note.seq}`, ts);
    // Our server refuses a note text over 2,000 characters (shared/limits.ts): start over well before.
    if (note.text.length > TEXT_RESTART) note.text.delete(0, note.text.length);
    note.text.insert(note.text.length, markerText(ts));
  });
}

/** A note's text is cleared past this length (the next edit's marker then starts it again). */
const TEXT_RESTART = 1_500;

/**
 * Calls `onReceipt(ts, at)` for every remote edit that lands in `notes` (a transaction whose origin
 * is `origin`, the provider), with `at` read once when the transaction is observed.
 */
export function observeReceipts(notes: Y.Map<Y.Map<unknown>>, origin: unknown, onReceipt: (ts: unknown, at: number) => void, now: () => number): void {
  notes.observeDeep((events, tr) => {
    if (tr.origin !== origin) return;
    const at = now();
    for (const ev of events) {
      if (ev.target === notes) {
        for (const key of (ev as Y.YMapEvent<unknown>).keysChanged) {
          const rec = notes.get(key);
          if (rec instanceof Y.Map) for (const [k, v] of rec) if (k.charCodeAt(0) === 115) onReceipt(v, at);
        }
        continue;
      }
      if (!(ev.target instanceof Y.Map)) continue;
      const rec = ev.target as Y.Map<unknown>;
      for (const k of (ev as Y.YMapEvent<unknown>).keysChanged) if (k.charCodeAt(0) === 115) onReceipt(rec.get(k), at);
    }
  });
}

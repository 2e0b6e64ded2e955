// Content limits (shared/limits.ts), enforced by the server's write gate whatever the client:
// written as an attacker with the stock y-websocket client, which writes the board directly. A
// write past a limit is reverted at once (the writer's copy too), counted, and never reaches a
// late joiner. MAX_FRAME_BYTES is raised here so that the limits, not the frame size, decide.
import { afterEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, waitConverged, waitSynced, type TestClient } from '../helpers/clients.js';
import { createWorkshop, metricValue, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { putRecord } from '../helpers/records.js';
import { MAX_DOC_BYTES, MAX_DRI_LENGTH, MAX_NOTES_PER_BOARD, MAX_NOTE_TEXT, MAX_OTHER_FIELD_LENGTH } from '../../shared/limits.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
const track = (c: TestClient) => (cleanup.push(() => c.destroy()), c);
const noteKeys = (d: Y.Doc) => [...d.getMap('notes').keys()].sort();
const rejected = (server: TestServer, reason: string) => metricValue(server, 'scaleboard_ws_rejected_total', { reason });

async function setup() {
  const server = await startTestServer({ env: { MAX_FRAME_BYTES: String(16 * 1024 * 1024) } });
  cleanup.push(() => server.stop());
  const w = await createWorkshop(server);
  const attacker = track(connectClient(server.wsUrl, w.id, w.tokens.participant));
  const watcher = track(connectClient(server.wsUrl, w.id, w.tokens.participant));
  await Promise.all([waitSynced(attacker), waitSynced(watcher)]);
  return { server, w, attacker, watcher };
}

/** A note record as the app writes it, with its text as a Y.Text. */
function putNote(doc: Y.Doc, id: string, text: string): void {
  const m = new Y.Map<unknown>();
  m.set('id', id);
  m.set('lane', 'product');
  m.set('text', new Y.Text(text));
  doc.getMap('notes').set(id, m);
}
const noteText = (doc: Y.Doc, id: string) => String((doc.getMap('notes').get(id) as Y.Map<unknown> | undefined)?.get('text') ?? '');

it('reverts a 1 MB note text; no fresh client ever receives it', async () => {
  const { server, w, attacker, watcher } = await setup();
  putNote(attacker.doc, 'fine', 'x'.repeat(MAX_NOTE_TEXT)); // at the limit: accepted
  await waitFor(() => noteText(watcher.doc, 'fine').length === MAX_NOTE_TEXT, 5_000, 'a note at the limit');

  putNote(attacker.doc, 'huge', 'A'.repeat(1_000_000));
  // The server undoes it, and the undo reaches the writer: its copy drops the note.
  await waitFor(() => !attacker.doc.getMap('notes').has('huge'), 10_000, 'the writer reverted');
  expect(await rejected(server, 'text_too_long')).toBe(1);
  await waitConverged([attacker.doc, watcher.doc], noteKeys);
  expect(noteKeys(watcher.doc)).toEqual(['fine']);

  const fresh = track(connectClient(server.wsUrl, w.id, w.tokens.observer));
  await waitSynced(fresh);
  expect(noteKeys(fresh.doc)).toEqual(['fine']);
  // What it downloaded holds the 2,000-character note, not the megabyte.
  expect(Y.encodeStateAsUpdate(fresh.doc).byteLength).toBeLessThan(10_000);

  // Nor after a restart, loaded from storage.
  await server.stop();
  const restarted = await server.restart();
  cleanup.push(() => restarted.stop());
  const later = track(connectClient(restarted.wsUrl, w.id, w.tokens.observer));
  await waitSynced(later);
  expect(noteKeys(later.doc)).toEqual(['fine']);
  expect(Y.encodeStateAsUpdate(later.doc).byteLength).toBeLessThan(10_000);
});

it('reverts text typed past the limit into an existing note, and a field set past its limit', async () => {
  const { server, attacker, watcher } = await setup();
  putNote(attacker.doc, 'n1', 'short');
  const initiative = new Y.Map<unknown>();
  initiative.set('id', 'i1');
  attacker.doc.getMap('initiatives').set('i1', initiative);
  const decision = new Y.Map<unknown>();
  decision.set('initiativeId', 'i1');
  decision.set('dri', 'Ada');
  attacker.doc.getMap('decisions').set('i1', decision);
  await waitFor(() => watcher.doc.getMap('decisions').has('i1') && noteText(watcher.doc, 'n1') === 'short', 5_000, 'records stored');

  // Into the Y.Text of an existing note.
  const text = (attacker.doc.getMap('notes').get('n1') as Y.Map<unknown>).get('text') as Y.Text;
  text.insert(5, '!'.repeat(MAX_NOTE_TEXT));
  await waitFor(() => noteText(attacker.doc, 'n1') === 'short', 5_000, 'the insert reverted');
  // A plain string field of an existing record.
  (attacker.doc.getMap('decisions').get('i1') as Y.Map<unknown>).set('dri', 'D'.repeat(MAX_DRI_LENGTH + 1));
  await waitFor(() => (attacker.doc.getMap('decisions').get('i1') as Y.Map<unknown>).get('dri') === 'Ada', 5_000, 'the DRI reverted');
  expect(await rejected(server, 'text_too_long')).toBe(2);

  // Within the limits the same fields are written as usual.
  text.insert(5, '!'.repeat(MAX_NOTE_TEXT - 5));
  (attacker.doc.getMap('decisions').get('i1') as Y.Map<unknown>).set('dri', 'D'.repeat(MAX_DRI_LENGTH));
  await waitFor(() => noteText(watcher.doc, 'n1').length === MAX_NOTE_TEXT, 5_000, 'a text at the limit');
  await waitFor(() => (watcher.doc.getMap('decisions').get('i1') as Y.Map<unknown>).get('dri') === 'D'.repeat(MAX_DRI_LENGTH), 5_000, 'a DRI at the limit');
  expect(await rejected(server, 'text_too_long')).toBe(2);
});

it(`reverts note number ${MAX_NOTES_PER_BOARD + 1}; deleting one makes room again`, async () => {
  const { server, w, attacker, watcher } = await setup();
  attacker.doc.transact(() => {
    for (let i = 0; i < MAX_NOTES_PER_BOARD; i++) putRecord(attacker.doc, `n${i}`, i);
  });
  await waitFor(() => watcher.doc.getMap('notes').size === MAX_NOTES_PER_BOARD, 10_000, `${MAX_NOTES_PER_BOARD} notes`);

  putRecord(attacker.doc, 'one-too-many', 'refused');
  await waitFor(() => !attacker.doc.getMap('notes').has('one-too-many'), 5_000, 'the extra note reverted');
  expect(await rejected(server, 'too_many_records')).toBe(1);
  // Rewriting a note that is there does not count as one more.
  putRecord(attacker.doc, 'n0', 'rewritten');
  // Deleting one makes room for the next.
  attacker.doc.getMap('notes').delete('n1');
  putRecord(attacker.doc, 'replacement', 'accepted');
  await waitFor(() => watcher.doc.getMap('notes').has('replacement'), 5_000, 'a note in the freed place');
  expect(await rejected(server, 'too_many_records')).toBe(1);

  const fresh = track(connectClient(server.wsUrl, w.id, w.tokens.observer));
  await waitSynced(fresh);
  expect(fresh.doc.getMap('notes').size).toBe(MAX_NOTES_PER_BOARD);
  expect(fresh.doc.getMap('notes').has('one-too-many')).toBe(false);
  await waitConverged([attacker.doc, watcher.doc, fresh.doc], noteKeys);
});

it('reverts a write that takes the board or the control document past its size', async () => {
  const { server, w, attacker, watcher } = await setup();
  // Every field within its limit, but more impacts than the board holds: its size decides.
  const field = 'e'.repeat(MAX_OTHER_FIELD_LENGTH);
  const count = Math.ceil(MAX_DOC_BYTES.board / (4 * field.length)) + 10;
  attacker.doc.transact(() => {
    for (let i = 0; i < count; i++) {
      const m = new Y.Map<unknown>();
      for (const key of ['a', 'b', 'c', 'd']) m.set(key, field);
      attacker.doc.getMap('impacts').set(`imp${i}`, m);
    }
  });
  await waitFor(() => attacker.doc.getMap('impacts').size === 0, 20_000, 'the board write reverted');
  expect(await rejected(server, 'doc_too_large')).toBe(1);
  // The board still takes ordinary writes.
  putRecord(attacker.doc, 'after', 'ok');
  await waitFor(() => watcher.doc.getMap('notes').has('after'), 5_000, 'an ordinary write');

  // The control document (facilitators only) holds 256 KB. (Into a setting with no limit of its
  // own: the title has one, see workshop-title.test.ts.)
  const facilitator = track(connectClient(server.wsUrl, w.id, w.tokens.facilitator, { docName: 'control' }));
  await waitSynced(facilitator);
  const settings = facilitator.doc.getMap('settings');
  settings.set('padding', 'T'.repeat(MAX_DOC_BYTES.control + 1));
  await waitFor(() => !settings.has('padding'), 10_000, 'the control write reverted');
  expect(await rejected(server, 'doc_too_large')).toBe(2);

  const fresh = track(connectClient(server.wsUrl, w.id, w.tokens.observer));
  await waitSynced(fresh);
  expect(fresh.doc.getMap('impacts').size).toBe(0);
  // Only the reverted keys' tombstones remain (a few bytes each), not the megabytes.
  expect(Y.encodeStateAsUpdate(fresh.doc).byteLength).toBeLessThan(50_000);
});

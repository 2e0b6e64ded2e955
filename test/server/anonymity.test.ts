// Anonymous workshops hold no author identity in the shared board: not from notes written before
// anonymity was turned on, not from a stale or hostile client that still writes its name, not in
// the merge records. An observer who joins later receives no name in any byte.
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { waitSynced } from '../helpers/clients.js';
import { useServerAndClients } from '../helpers/suites.js';
import { createWorkshop, waitFor } from '../helpers/server.js';
import { addNote, mergeNotes } from '../../shared/commands/notes.js';
import { setAnonymous } from '../../shared/commands/control.js';
import { noteMergeMap, readBoard } from '../../shared/schema.js';

const env = useServerAndClients();
const client = env.client;

const SECRET = 'Quentin Secretname';
const author = (name: string) => ({ id: `id-${name.split(' ')[0]}`, name, color: '#336699' });
const holdsName = (doc: Y.Doc, name: string) => Buffer.from(Y.encodeStateAsUpdate(doc)).includes(Buffer.from(name));

it('clears every author when anonymity is turned on, and any author a client still writes while it is on', async () => {
  const ws = await createWorkshop(env.server);
  const p = client(env.server.wsUrl, ws.id, ws.tokens.participant);
  const control = client(env.server.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control' });
  await Promise.all([waitSynced(p), waitSynced(control)]);

  // Written before anonymity: two notes with authors, one merged into the other (a merge record
  // keeps the dropped note's snapshot, author included).
  addNote(p.doc, { id: 'n1', lane: 'product', text: 'Checkout is slow', author: author(SECRET), now: 1 });
  addNote(p.doc, { id: 'n2', lane: 'product', text: 'Search is slow', author: author('Other Person'), now: 2 });
  addNote(p.doc, { id: 'n3', lane: 'org', text: 'Hiring', author: author('Third Person'), now: 3 });
  mergeNotes(p.doc, { sourceId: 'n2', targetId: 'n1' });
  await waitFor(() => readBoard(p.doc).notes.length === 2, 5000, 'notes');
  const before = client(env.server.wsUrl, ws.id, ws.tokens.observer);
  await waitSynced(before);
  await waitFor(() => readBoard(before.doc).notes.length === 2, 5000, 'observer has the notes');
  expect(holdsName(before.doc, SECRET)).toBe(true); // the check below is meaningful

  setAnonymous(control.doc, true);
  // A stale client that has not seen the setting (or a hostile one) writes its name anyway.
  addNote(p.doc, { id: 'n4', lane: 'platform', text: 'Deploys take hours', author: author(SECRET), now: 4 });

  const late = client(env.server.wsUrl, ws.id, ws.tokens.observer);
  await waitSynced(late);
  await waitFor(() => readBoard(late.doc).notes.length === 3, 5000, 'every note');
  await waitFor(() => readBoard(late.doc).notes.every((n) => !n.author.id && !n.author.name && n.coAuthors.length === 0), 5000, 'authors cleared');
  // Not in the notes, not in the merge records, not in any byte the late observer received.
  for (const name of [SECRET, 'Other Person', 'Third Person']) expect(holdsName(late.doc, name)).toBe(false);
  expect(JSON.stringify(noteMergeMap(late.doc).toJSON())).not.toContain('id-');
  // The writer's and the earlier observer's copies follow.
  await waitFor(() => readBoard(p.doc).notes.every((n) => !n.author.name), 5000, 'writer cleared');
  await waitFor(() => readBoard(before.doc).notes.every((n) => !n.author.name), 5000, 'observer cleared');
});

it('keeps authors when the workshop is not anonymous', async () => {
  const ws = await createWorkshop(env.server);
  const p = client(env.server.wsUrl, ws.id, ws.tokens.participant);
  await waitSynced(p);
  addNote(p.doc, { id: 'n1', lane: 'product', text: 'Checkout is slow', author: author(SECRET), now: 1 });
  const late = client(env.server.wsUrl, ws.id, ws.tokens.observer);
  await waitSynced(late);
  await waitFor(() => readBoard(late.doc).notes.length === 1, 5000, 'note');
  expect(readBoard(late.doc).notes[0]!.author.name).toBe(SECRET);
});

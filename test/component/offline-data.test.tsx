// @vitest-environment jsdom
// Offline (SPEC 10): the connection badge says `Offline` and how many of this person's changes
// wait to be sent, and a sync resets the count; `Leave workshop`'s clearing drops everything this
// device keeps of that workshop (IndexedDB databases, person tokens, joined names, cached session
// answers, private notes, drafts) and nothing of another workshop.
import { afterEach, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { SessionContext } from '../../client/sync/SessionContext.js';
import { WorkshopSession } from '../../client/sync/session.js';
import { ConnectionBadge } from '../../client/workshop/ConnectionBadge.js';
import { clearWorkshopData } from '../../client/state/leave.js';
import { useBoardDrafts } from '../../client/state/drafts.js';
import { localDbName } from '../../client/sync/localData.js';
import { addNote } from '../../shared/commands/notes.js';
import { setSilentWriting } from '../../shared/commands/control.js';
import { readBoard } from '../../shared/schema.js';
import { addPrivateNote, usePrivateNotesStore, watchPrivateNotes } from '../../client/features/board/privateNotes.js';

const sessions: WorkshopSession[] = [];
afterEach(() => {
  cleanup();
  sessions.splice(0).forEach((s) => s.destroy());
  localStorage.clear();
  usePrivateNotesStore.setState({ byOwner: {} });
});

it('counts the changes made while disconnected in the badge, and clears the count once synced', () => {
  // Nothing listens on port 9: the session never connects.
  const session = new WorkshopSession('w1', 'token', 'participant', 'person', null, 'ws://127.0.0.1:9/ws');
  sessions.push(session);
  render(
    <SessionContext.Provider value={session}>
      <ConnectionBadge />
    </SessionContext.Provider>,
  );
  const user = { id: 'p1', name: 'Ada', color: '#000' };
  act(() => {
    addNote(session.board, { lane: 'product', text: 'one', author: user, now: 1 });
    addNote(session.board, { lane: 'product', text: 'two', author: user, now: 2 });
  });
  expect(session.getPending()).toBe(2);
  expect(screen.getByRole('status').textContent).toContain('2 changes wait to be sent');

  // The browser loses the network: the badge says Offline.
  act(() => void window.dispatchEvent(new Event('offline')));
  expect(screen.getByRole('status').textContent).toMatch(/^Offline\. 2 changes wait to be sent/);

  // The board document's sync sends them.
  const board = session.providers[0]!;
  act(() => board.emit('sync', [true]));
  expect(session.getPending()).toBe(0);
  expect(screen.getByRole('status').textContent).toMatch(/^Offline\. 0 changes wait to be sent/);
  act(() => void window.dispatchEvent(new Event('online')));
});

it('counts a note written before the control document synced as waiting, until it is on the board and sent', async () => {
  const session = new WorkshopSession('w7', 'token', 'participant', 'person', null, 'ws://127.0.0.1:9/ws');
  sessions.push(session);
  const user = { id: 'p7', name: 'Ada', color: '#000' };
  session.join(user);
  render(
    <SessionContext.Provider value={session}>
      <ConnectionBadge />
    </SessionContext.Provider>,
  );
  const stop = watchPrivateNotes(session);
  try {
    act(() => void window.dispatchEvent(new Event('offline')));
    // Not synced: the note stays on this device (silent writing might be on), and waits.
    act(() => void addPrivateNote(session, { lane: 'product', text: 'written offline', now: 1 }));
    await act(() => Promise.resolve());
    expect(session.getPending()).toBe(1);
    expect(screen.getByRole('status').textContent).toMatch(/^Offline\. 1 change waits to be sent/);

    // With silent writing on (as this screen last knew the control state, here as if it came from
    // the server), a note waits for the reveal, not for the connection: it is not counted.
    act(() => setSilentWriting(session.control, true, session.providers[1]));
    await act(() => Promise.resolve());
    expect(session.getPending()).toBe(0);
    act(() => setSilentWriting(session.control, false, session.providers[1]));
    await act(() => Promise.resolve());
    expect(session.getPending()).toBe(1);

    // The control document syncs: the note is published into the board, whose connection is still
    // down, so it still waits (now as a board change), once.
    act(() => void (session.providers[1]!.synced = true));
    await act(() => Promise.resolve());
    expect(readBoard(session.board).notes.map((n) => n.text)).toEqual(['written offline']);
    expect(session.getPending()).toBe(1);
    // The board syncs: sent.
    act(() => void (session.providers[0]!.synced = true));
    expect(session.getPending()).toBe(0);
  } finally {
    stop();
    act(() => void window.dispatchEvent(new Event('online')));
  }
});

it("clears one workshop's local data and keeps every other workshop's", async () => {
  localStorage.setItem('scaleboard:person:w1:participant', 'pt1');
  localStorage.setItem('scaleboard:joined:w1:participant', 'Ada');
  localStorage.setItem('scaleboard:cache-session:w1:abcd', '{}');
  localStorage.setItem('scaleboard:cache-person:w1:abcd', '{}');
  localStorage.setItem('scaleboard:person:w2:participant', 'pt2');
  localStorage.setItem('scaleboard:user', JSON.stringify({ name: 'Ada' }));
  const note = { lane: 'product' as const, text: 'x', threshold: null, createdAt: 1, seq: 0 };
  usePrivateNotesStore.getState().add('w1/p1', { ...note, id: 'n1' });
  usePrivateNotesStore.getState().add('w2/p1', { ...note, id: 'n2' });
  useBoardDrafts.getState().setDraft('new-note:product', 'half a thought');

  // An IndexedDB factory that lists and deletes databases (jsdom has none).
  const dbs = new Set([localDbName('w1', 'p1', 'board'), localDbName('w1', 'p1', 'control'), localDbName('w1', 'p1', 'private'), localDbName('w2', 'p1', 'board')]);
  const fake = {
    databases: async () => [...dbs].map((name) => ({ name, version: 1 })),
    deleteDatabase: (name: string) => {
      const req = {} as IDBOpenDBRequest;
      setTimeout(() => {
        dbs.delete(name);
        req.onsuccess?.(new Event('success'));
      });
      return req;
    },
  } as unknown as IDBFactory;
  const original = globalThis.indexedDB;
  Object.defineProperty(globalThis, 'indexedDB', { value: fake, configurable: true });
  try {
    await clearWorkshopData('w1');
  } finally {
    Object.defineProperty(globalThis, 'indexedDB', { value: original, configurable: true });
  }

  expect([...dbs]).toEqual([localDbName('w2', 'p1', 'board')]);
  expect(Object.keys(localStorage).sort()).toEqual(['scaleboard:person:w2:participant', 'scaleboard:private-notes', 'scaleboard:user']);
  expect(Object.keys(usePrivateNotesStore.getState().byOwner)).toEqual(['w2/p1']);
  expect(useBoardDrafts.getState().drafts).toEqual({});
});

it("starts offline from the link's last answers, cached under a hash of the token, never the token", async () => {
  const info = { id: 'w3', title: 'Offsite', template: 'scaleup', role: 'participant' };
  const person = { personId: 'p3', personToken: 'person-secret', role: 'participant', color: '#123456' };
  const { fetchPerson, fetchSession } = await import('../../client/api.js');
  const answer = (body: object) => Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
  const original = globalThis.fetch;
  try {
    globalThis.fetch = ((url: string) => answer(url.endsWith('/session') ? info : person)) as typeof fetch;
    await fetchSession('w3', 'link-secret-token');
    await fetchPerson('w3', 'link-secret-token', undefined);
    globalThis.fetch = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;
    expect(await fetchSession('w3', 'link-secret-token')).toEqual(info);
    expect(await fetchPerson('w3', 'link-secret-token', 'person-secret')).toEqual(person);
    // Another link (token) of the workshop has no cached answer: the failure is said as before.
    await expect(fetchSession('w3', 'other-token')).rejects.toThrow('Could not reach the server');
    // Without this browser's person token, a cached person is no one.
    await expect(fetchPerson('w3', 'link-secret-token', undefined)).rejects.toThrow('Could not reach the server');
  } finally {
    globalThis.fetch = original;
  }
  const stored = Object.entries(localStorage).map(([k, v]) => k + v).join('\n');
  expect(stored).toContain('Offsite');
  expect(stored).not.toContain('link-secret-token');
  expect(stored).not.toContain('person-secret');
});

it("keeps a workshop's unsent drafts across a reload, apart from other workshops', and Leave drops them", async () => {
  const { attachDrafts, draftsStorageKey } = await import('../../client/state/drafts.js');
  let detach = attachDrafts('w5');
  useBoardDrafts.getState().setDraft('new-note:product', 'typed offline');
  expect(localStorage.getItem(draftsStorageKey('w5'))).toContain('typed offline');
  detach();

  // Another workshop's screen starts with its own drafts (none).
  detach = attachDrafts('w6');
  expect(useBoardDrafts.getState().drafts).toEqual({});
  detach();
  // Back to the first (a reload): the draft is there again.
  detach = attachDrafts('w5');
  await Promise.resolve();
  expect(useBoardDrafts.getState().drafts).toEqual({ 'new-note:product': 'typed offline' });

  await clearWorkshopData('w5');
  detach();
  expect(localStorage.getItem(draftsStorageKey('w5'))).toBeNull();
  expect(useBoardDrafts.getState().drafts).toEqual({});
});

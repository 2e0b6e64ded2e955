// DELETE /api/workshops/:id (issue 12, SPEC section 4): only the facilitator's token deletes; the
// workshop's open sockets close with 4404, its links and log answer 404, and nothing of it is left
// in SQLite (documents, update log, snapshots, private documents, people, tokens), while every other
// workshop is untouched.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectClient, waitClosed, waitSynced, type TestClient } from '../helpers/clients.js';
import { createPerson, createWorkshop, startTestServer, waitFor, type CreatedWorkshop, type TestServer } from '../helpers/server.js';
import { putRecord, recordValue } from '../helpers/records.js';

let server: TestServer;
const clients: TestClient[] = [];
const client = (...args: Parameters<typeof connectClient>) => {
  const c = connectClient(...args);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  // Compact after a few updates, so the deleted workshop has snapshots as well as an update log.
  server = await startTestServer({ env: { COMPACT_AFTER_UPDATES: '5' } });
});
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.stop();
});

const del = (id: string, token?: string) =>
  fetch(`${server.url}/api/workshops/${id}`, { method: 'DELETE', headers: token ? { authorization: `Bearer ${token}` } : {} });

/** A workshop with something in every kind of document: board, control and a private one. */
async function workshopWithData(title: string): Promise<{ ws: CreatedWorkshop; board: TestClient; control: TestClient; ballot: TestClient; watcher: TestClient }> {
  const ws = await createWorkshop(server, { title });
  const person = await createPerson(server, ws.id, ws.tokens.participant);
  const board = client(server.wsUrl, ws.id, ws.tokens.participant, { person: person.personToken });
  const control = client(server.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control' });
  const ballot = client(server.wsUrl, ws.id, ws.tokens.participant, { docName: 'private', person: person.personToken });
  const watcher = client(server.wsUrl, ws.id, ws.tokens.observer);
  await Promise.all([board, control, ballot, watcher].map((c) => waitSynced(c)));
  for (let i = 0; i < 12; i++) putRecord(board.doc, `n${i}`, `${title} ${i}`);
  control.doc.getMap('settings').set('anonymous', true);
  ballot.doc.getMap('scores').set('i1', 4);
  await waitFor(() => recordValue(watcher.doc, 'n11') === `${title} 11`, 10_000, 'board stored and relayed');
  return { ws, board, control, ballot, watcher };
}

it('lets only the facilitator delete: 401 without a token, 403 for participant and observer, 404 for an unknown workshop', async () => {
  const ws = await createWorkshop(server, { title: 'Not yours to delete' });
  expect((await del(ws.id)).status).toBe(401);
  expect((await del(ws.id, 'not-a-token')).status).toBe(401);
  for (const role of ['participant', 'observer'] as const) {
    const res = await del(ws.id, ws.tokens[role]);
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatch(/facilitator/);
  }
  expect((await del('noSuchWorkshop42', ws.tokens.facilitator)).status).toBe(404);
  // Still there.
  const session = await fetch(`${server.url}/api/workshops/${ws.id}/session`, { headers: { authorization: `Bearer ${ws.tokens.observer}` } });
  expect(session.status).toBe(200);
});

it('deletes a workshop: 204, its sockets close with 4404, its links and log answer 404, its data leaves SQLite, others stay', async () => {
  const gone = await workshopWithData('Doomed');
  const kept = await workshopWithData('Kept');
  const before = await fetch(`${server.url}/api/workshops/${gone.ws.id}/decision-log.json`, { headers: { authorization: `Bearer ${gone.ws.tokens.observer}` } });
  expect(before.status).toBe(200);

  const res = await del(gone.ws.id, gone.ws.tokens.facilitator);
  expect(res.status).toBe(204);
  expect(await res.text()).toBe('');

  // Every open socket of the deleted workshop closes with 4404 and says why.
  for (const c of [gone.board, gone.control, gone.ballot, gone.watcher]) {
    expect(await waitClosed(c)).toEqual({ code: 4404, reason: 'workshop deleted' });
  }
  // Its links, its log, its people endpoint and a second delete answer 404 for every role.
  for (const role of ['facilitator', 'participant', 'observer'] as const) {
    const auth = { authorization: `Bearer ${gone.ws.tokens[role]}` };
    expect((await fetch(`${server.url}/api/workshops/${gone.ws.id}/session`, { headers: auth })).status).toBe(404);
    for (const ext of ['json', 'md', 'csv']) {
      expect((await fetch(`${server.url}/api/workshops/${gone.ws.id}/decision-log.${ext}`, { headers: auth })).status).toBe(404);
    }
    const people = await fetch(`${server.url}/api/workshops/${gone.ws.id}/people`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' });
    expect(people.status).toBe(404);
  }
  expect((await del(gone.ws.id, gone.ws.tokens.facilitator)).status).toBe(404);
  // Reconnecting is refused, and does not bring it back.
  const late = client(server.wsUrl, gone.ws.id, gone.ws.tokens.facilitator);
  expect((await waitClosed(late)).code).toBe(4404);

  // The other workshop goes on: its sockets are open and it still syncs.
  for (const c of [kept.board, kept.control, kept.ballot, kept.watcher]) expect(c.closeEvents).toEqual([]);
  putRecord(kept.board.doc, 'after', 'still here');
  await waitFor(() => recordValue(kept.watcher.doc, 'after') === 'still here', 10_000, 'the other workshop syncing');

  // Nothing of the deleted workshop is left in the database file; everything of the other one is.
  await server.stop();
  const db = new Database(path.join(server.dataDir, 'scaleboard.db'), { readonly: true });
  try {
    const count = (sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;
    const rowsOf = (id: string) => ({
      workshops: count('SELECT COUNT(*) AS n FROM workshops WHERE id = ?', id),
      people: count('SELECT COUNT(*) AS n FROM people WHERE workshop_id = ?', id),
      updates: count('SELECT COUNT(*) AS n FROM doc_updates WHERE substr(doc, 1, ?) = ?', id.length + 1, `${id}:`),
      snapshots: count('SELECT COUNT(*) AS n FROM doc_snapshots WHERE substr(doc, 1, ?) = ?', id.length + 1, `${id}:`),
      privateDocs: count(
        `SELECT COUNT(*) AS n FROM (SELECT doc FROM doc_updates UNION SELECT doc FROM doc_snapshots) WHERE substr(doc, 1, ?) = ?`,
        id.length + 8,
        `${id}:private`,
      ),
    });
    expect(rowsOf(gone.ws.id)).toEqual({ workshops: 0, people: 0, updates: 0, snapshots: 0, privateDocs: 0 });
    const left = rowsOf(kept.ws.id);
    expect(left.workshops).toBe(1);
    expect(left.people).toBe(1);
    expect(left.snapshots + left.updates).toBeGreaterThan(0);
    expect(left.privateDocs).toBeGreaterThan(0);
    // The role token hashes lived in the workshop's row: only the two other workshops' rows are left.
    expect(count('SELECT COUNT(*) AS n FROM workshops')).toBe(2); // 'Not yours to delete' and 'Kept'
  } finally {
    db.close();
  }
});

// The workshop title in the control document (settings.title), tried as an attacker would: a
// facilitator's token and hand-made Yjs updates on a raw socket. The write gate reverts a title
// that POST /api/workshops would refuse (too long, control characters, not a string), and a
// follow-up of a workshop whose stored title breaks those rules (stored before the gate) gets a
// clean one: the follow-up copies that title into a new workshop, which must not bypass them.
import { afterEach, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import path from 'node:path';
import * as Y from 'yjs';
import { connectClient, waitSynced, type TestClient } from '../helpers/clients.js';
import { openRaw, type RawPeer } from '../helpers/raw.js';
import { createWorkshop, metricValue, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { updateFrame, updateOf } from '../helpers/updates.js';
import { controlMaps, readBoard, readSettings } from '../../shared/schema.js';
import { hasReachedStage, readEngineState } from '../../shared/stages.js';
import { nextStage } from '../../shared/commands/control.js';
import { MAX_WORKSHOP_TITLE } from '../../shared/limits.js';
import { CreateWorkshopBody } from '../../server/http.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
const track = (c: TestClient) => (cleanup.push(() => c.destroy()), c);
const trackRaw = (r: RawPeer) => (cleanup.push(() => r.ws.close()), r);
const rejected = (server: TestServer, reason: string) => metricValue(server, 'scaleboard_ws_rejected_total', { reason });
const titleOf = (c: TestClient) => readSettings(c.doc).title;

/** What POST /api/workshops would take as a title, and nothing a split emoji leaves behind. */
function expectValidTitle(title: string): void {
  expect(CreateWorkshopBody.shape.title.safeParse(title).success, JSON.stringify(title)).toBe(true);
  expect(title).not.toMatch(/\p{Cc}|\p{Cs}|\uFFFD/u);
}

it("reverts a facilitator's hand-made settings.title that is too long, holds control characters or is no string; takes one at the limit", async () => {
  const server = await startTestServer();
  cleanup.push(() => server.stop());
  const ws = await createWorkshop(server, { title: 'Scaling Q3' });
  const view = track(connectClient(server.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control' }));
  await waitSynced(view);
  expect(titleOf(view)).toBe('Scaling Q3');
  const attacker = trackRaw(await openRaw(`${server.wsUrl}/${ws.id}/control?token=${ws.tokens.facilitator}`));
  await waitFor(() => attacker.received.length > 0, 5_000, 'attacker synced');

  const cases: [string, unknown, string][] = [
    ['a line break', 'Scaling\nQ3', 'control_characters'],
    ['a NUL', 'Scaling Q3\u0000', 'control_characters'],
    ['a C1 control', 'Scaling\u0085Q3', 'control_characters'],
    ['one unit too long', 'T'.repeat(MAX_WORKSHOP_TITLE + 1), 'text_too_long'],
    ['a quarter of a megabyte', 'T'.repeat(250_000), 'text_too_long'],
    ['a number', 42, 'not_a_string'],
    ['a Y.Text', new Y.Text('Scaling Q3'), 'not_a_string'],
  ];
  for (const [what, value, reason] of cases) {
    const before = await rejected(server, reason);
    // Each made on the view's copy once the previous revert has reached it.
    attacker.ws.send(updateFrame(updateOf(view.doc, (d) => controlMaps(d).settings.set('title', value))));
    await waitFor(async () => (await rejected(server, reason)) > before, 5_000, `${what} refused`);
    await waitFor(() => titleOf(view) === 'Scaling Q3', 5_000, `${what} reverted`);
  }
  // Nothing of it reaches a fresh client.
  const fresh = track(connectClient(server.wsUrl, ws.id, ws.tokens.observer, { docName: 'control' }));
  await waitSynced(fresh);
  expect(controlMaps(fresh.doc).settings.get('title')).toBe('Scaling Q3');

  // A title at the limit, an emoji as its last two units, is a title like any other.
  const atLimit = 'x'.repeat(MAX_WORKSHOP_TITLE - 2) + '🚀';
  expect(atLimit).toHaveLength(MAX_WORKSHOP_TITLE);
  attacker.ws.send(updateFrame(updateOf(view.doc, (d) => controlMaps(d).settings.set('title', atLimit))));
  await waitFor(() => titleOf(fresh) === atLimit && titleOf(view) === atLimit, 5_000, 'the title at the limit');
  for (const reason of ['control_characters', 'text_too_long', 'not_a_string']) expect(await rejected(server, reason), reason).toBe(reason === 'control_characters' ? 3 : 2);
});

it('gives the follow-up of a workshop whose stored title breaks the rules a title that keeps them, in the new workshop and its Review', async () => {
  const server = await startTestServer();
  cleanup.push(() => server.stop());
  const ws = await createWorkshop(server, { title: 'Scaling Q3' });
  const fac = track(connectClient(server.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control' }));
  await waitSynced(fac);
  // A follow-up may start from stage 5 on.
  for (let i = 0; i < 10 && !hasReachedStage(readEngineState(fac.doc), 'metrics-owners'); i++) nextStage(fac.doc, Date.now());
  const check = track(connectClient(server.wsUrl, ws.id, ws.tokens.observer, { docName: 'control' }));
  await waitFor(() => hasReachedStage(readEngineState(check.doc), 'metrics-owners'), 5_000, 'stage 5 stored');
  const stored = new Y.Doc();
  Y.applyUpdate(stored, Y.encodeStateAsUpdate(fac.doc));
  fac.destroy();
  check.destroy();
  await server.stop();

  // A title written before the gate existed: control characters, and emoji past the limit.
  const hostile = 'Q3\r\nreview\u0000' + '😀'.repeat(150);
  const db = new Database(path.join(server.dataDir, 'scaleboard.db'));
  const key = `${ws.id}:control`;
  const { seq } = db
    .prepare('SELECT MAX(s) AS seq FROM (SELECT upto_seq AS s FROM doc_snapshots WHERE doc = ? UNION ALL SELECT seq FROM doc_updates WHERE doc = ?)')
    .get(key, key) as { seq: number };
  db.prepare('INSERT INTO doc_updates (doc, seq, data) VALUES (?, ?, ?)').run(key, seq + 1, updateOf(stored, (d) => controlMaps(d).settings.set('title', hostile)));
  db.close();

  const restarted = await server.restart();
  cleanup.push(() => restarted.stop());
  const reader = track(connectClient(restarted.wsUrl, ws.id, ws.tokens.observer, { docName: 'control' }));
  await waitFor(() => titleOf(reader) === hostile, 5_000, 'the stored hostile title');

  const res = await fetch(`${restarted.url}/api/workshops/${ws.id}/follow-up`, { method: 'POST', headers: { authorization: `Bearer ${ws.tokens.facilitator}` } });
  expect(res.status).toBe(201);
  const { id, links } = (await res.json()) as { id: string; links: Record<'facilitator' | 'observer', string> };
  const observer = new URL(links.observer).hash.replace(/^#token=/, '');

  // Control characters became one space; "Follow-up: " and the title clipped to the limit drop the
  // emoji the limit cut in half, whole.
  const cleaned = 'Q3 review ' + '😀'.repeat(95);
  const expected = 'Follow-up: Q3 review ' + '😀'.repeat(89);
  expect(cleaned).toHaveLength(MAX_WORKSHOP_TITLE);
  expect(expected).toHaveLength(MAX_WORKSHOP_TITLE - 1);
  const session = (await (await fetch(`${restarted.url}/api/workshops/${id}/session`, { headers: { authorization: `Bearer ${observer}` } })).json()) as { title: string };
  expect(session.title).toBe(expected);
  expectValidTitle(session.title);
  const control = track(connectClient(restarted.wsUrl, id, observer, { docName: 'control' }));
  const board = track(connectClient(restarted.wsUrl, id, observer));
  await Promise.all([waitSynced(control), waitSynced(board)]);
  expect(titleOf(control)).toBe(expected);
  // The Review names the workshop it follows by the same rules.
  const previous = readBoard(board.doc).previous;
  expect(previous?.title).toBe(cleaned);
  expectValidTitle(previous!.title);
});

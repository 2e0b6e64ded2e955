// The history (SPEC 8) tried as an attacker would, against the real server: a participant, who gets
// 403 on GET …/history, gets no history through the decision log either; notes written before
// anonymous mode was turned on name nobody once it is on, in the history and in every export;
// restore and rollback answer every hostile body, entry of another workshop, replay and race with
// a 4xx (never a 500), and the server keeps answering; no token reaches the server's log. On a
// locked board the facilitator may still restore and roll back (as they may write it), and it stays locked.
import { afterAll, describe, expect, it } from 'vitest';
import { connectClient, waitSynced } from '../helpers/clients.js';
import { createPerson, createWorkshop, startTestServer, waitFor, type CreatedWorkshop, type TestServer } from '../helpers/server.js';
import { addNote, deleteNote } from '../../shared/commands/notes.js';
import { setAnonymous, setLocked } from '../../shared/commands/control.js';
import { boardMaps, readBoard, readSettings } from '../../shared/schema.js';
import { MAX_NOTES_PER_BOARD } from '../../shared/limits.js';
import type { HistoryAnswer, HistoryEntryView } from '../../shared/history.js';
import type { DecisionLog } from '../../shared/log/types.js';

const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

let shared: TestServer | null = null;
async function server(): Promise<TestServer> {
  if (!shared) {
    shared = await startTestServer();
    const s = shared;
    cleanup.push(() => s.stop());
  }
  return shared;
}

/** A person with a connected board client, named in the roster; `open` connects them to another document. */
async function join(s: TestServer, ws: CreatedWorkshop, role: 'facilitator' | 'participant' | 'observer', name: string) {
  const person = await createPerson(s, ws.id, ws.tokens[role]);
  const open = async (docName?: string) => {
    const c = connectClient(s.wsUrl, ws.id, ws.tokens[role], { person: person.personToken, ...(docName ? { docName } : {}) });
    cleanup.push(() => c.destroy());
    await waitSynced(c);
    return c;
  };
  const board = await open();
  board.provider.awareness.setLocalStateField('user', { name });
  await waitFor(() => boardMaps(board.doc).roster.get(person.personId)?.name === name, 5000, `${name} in the roster`);
  return { ...person, name, doc: board.doc, open };
}

const historyOf = async (s: TestServer, ws: CreatedWorkshop, token = ws.tokens.facilitator): Promise<HistoryAnswer> => {
  const res = await fetch(`${s.url}/api/workshops/${ws.id}/history`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as HistoryAnswer;
};

async function entry(s: TestServer, ws: CreatedWorkshop, text: string): Promise<HistoryEntryView> {
  let found: HistoryEntryView | undefined;
  await waitFor(async () => !!(found = (await historyOf(s, ws)).entries.find((e) => e.text.includes(text))), 5000, `history entry "${text}"`);
  return found!;
}

const logOf = (s: TestServer, ws: CreatedWorkshop, token: string, ext: string) =>
  fetch(`${s.url}/api/workshops/${ws.id}/decision-log.${ext}`, { headers: { authorization: `Bearer ${token}` } });

const post = (s: TestServer, workshopId: string, what: 'restore' | 'rollback', body: string, token: string, type = 'application/json') =>
  fetch(`${s.url}/api/workshops/${workshopId}/history/${what}`, {
    method: 'POST',
    headers: { ...(type ? { 'content-type': type } : {}), authorization: `Bearer ${token}` },
    body,
  });

const author = (p: { personId: string; name: string }) => ({ id: p.personId, name: p.name, color: '#336699' });

describe('who reads the history', () => {
  it('gives a participant no history through the decision log (JSON, Markdown), while the facilitator’s and the observer’s logs carry it', async () => {
    const s = await server();
    const ws = await createWorkshop(s);
    const alice = await join(s, ws, 'participant', 'Alice');
    addNote(alice.doc, { id: 'n1', lane: 'platform', text: 'Deploys take hours', author: author(alice), now: 1 });
    deleteNote(alice.doc, { id: 'n1' });
    await entry(s, ws, 'Alice deleted a Platform note');

    for (const token of [ws.tokens.facilitator, ws.tokens.observer]) {
      const json = (await (await logOf(s, ws, token, 'json')).json()) as DecisionLog;
      expect(json.history?.map((h) => h.text)).toContain('Alice deleted a Platform note: “Deploys take hours”');
      expect(await (await logOf(s, ws, token, 'md')).text()).toContain('Appendix: History');
    }
    const json = await logOf(s, ws, ws.tokens.participant, 'json');
    expect(json.status).toBe(200);
    const log = (await json.json()) as DecisionLog;
    expect(log).not.toHaveProperty('history');
    const md = await (await logOf(s, ws, ws.tokens.participant, 'md')).text();
    expect(md).not.toContain('Appendix: History');
    expect(md).not.toContain('Deploys take hours');
    for (const ext of ['csv', 'jira.csv']) expect(await (await logOf(s, ws, ws.tokens.participant, ext)).text()).not.toContain('Deploys take hours');
  });
});

describe('anonymous mode in the history', () => {
  it('names nobody for notes written before anonymous mode was turned on, in the API and in the exported logs, as the board does', async () => {
    const s = await server();
    const ws = await createWorkshop(s);
    const fran = await join(s, ws, 'facilitator', 'Fran');
    const control = await fran.open('control');
    const alice = await join(s, ws, 'participant', 'Alice');
    addNote(alice.doc, { id: 'early', lane: 'product', text: 'Written in the open', author: author(alice), now: 1 });
    await entry(s, ws, 'Alice added a Product note: “Written in the open”');
    addNote(alice.doc, { id: 'gone', lane: 'org', text: 'Deleted in the open', author: author(alice), now: 1 });
    deleteNote(alice.doc, { id: 'gone' });
    const earlyDeletion = await entry(s, ws, 'Alice deleted an Org note: “Deleted in the open”');

    setAnonymous(control.doc, true);
    await entry(s, ws, 'Fran turned anonymous mode on');
    // The board no longer says who wrote it …
    await waitFor(() => readBoard(fran.doc).notes[0]?.author.name === '', 5000, 'author cleared on the board');
    // … and neither does the history, nor any log.
    const answer = await historyOf(s, ws, ws.tokens.observer);
    expect(answer.entries.map((e) => e.text)).toContain('Someone added a Product note: “Written in the open”');
    expect(JSON.stringify(answer)).not.toContain('Alice');
    // (The log lists who attended, Alice too; its history does not say which note was hers.)
    const log = (await (await logOf(s, ws, ws.tokens.facilitator, 'json')).json()) as DecisionLog;
    expect(log.history!.map((h) => h.text)).toContain('Someone added a Product note: “Written in the open”');
    expect(JSON.stringify(log.history)).not.toContain('Alice');
    const appendix = (await (await logOf(s, ws, ws.tokens.observer, 'md')).text()).split('Appendix: History')[1]!;
    expect(appendix).toContain('Someone added a Product note');
    expect(appendix).not.toContain('Alice');
    // Turned off again: the board forgot the author for good, and so does the history; new notes are hers again.
    setAnonymous(control.doc, false);
    await entry(s, ws, 'Fran turned anonymous mode off');
    addNote(alice.doc, { id: 'late', lane: 'org', text: 'Written later', author: author(alice), now: 2 });
    await entry(s, ws, 'Alice added an Org note: “Written later”');
    const texts = (await historyOf(s, ws)).entries.map((e) => e.text);
    expect(texts).toContain('Someone added a Product note: “Written in the open”');
    expect(texts.filter((t) => t.includes('Alice'))).toEqual(['Alice added an Org note: “Written later”']);

    // Restoring a note deleted before anonymous mode brings back its text, not its forgotten author
    // (the history keeps it privately); one written after it was turned off keeps hers.
    deleteNote(alice.doc, { id: 'late' });
    const lateDeletion = await entry(s, ws, 'Alice deleted an Org note: “Written later”');
    for (const e of [earlyDeletion, lateDeletion]) expect((await post(s, ws.id, 'restore', JSON.stringify({ entryId: e.id }), ws.tokens.facilitator)).status).toBe(201);
    await waitFor(() => readBoard(fran.doc).notes.length === 3, 5000, 'both notes back');
    const authors = Object.fromEntries(readBoard(fran.doc).notes.map((n) => [n.id, n.author.name]));
    expect(authors).toEqual({ early: '', gone: '', late: 'Alice' });
  });
});

describe('restore and rollback under attack', () => {
  it('answers every hostile body, foreign entry, replay and race with a 4xx, never a 500, and logs no token', async () => {
    const s = await server();
    const victim = await createWorkshop(s, { title: 'Victim' });
    const other = await createWorkshop(s, { title: 'Other' });
    const alice = await join(s, victim, 'participant', 'Alice');
    addNote(alice.doc, { id: 'v1', lane: 'org', text: 'Victim note', author: author(alice), now: 1 });
    deleteNote(alice.doc, { id: 'v1' });
    const deletion = await entry(s, victim, 'Alice deleted an Org note');
    // The other workshop has one entry only: the victim's deletion number is no entry of it.
    const bob = await join(s, other, 'participant', 'Bob');
    addNote(bob.doc, { id: 'o1', lane: 'org', text: 'Other note', author: author(bob), now: 1 });
    await entry(s, other, 'Bob added an Org note');
    expect(deletion.id).toBeGreaterThan(1);

    for (const what of ['restore', 'rollback'] as const) {
      const hostile: [string, number][] = [
        ['null', 400],
        ['[]', 400],
        ['"1"', 400],
        ['1', 400],
        ['{"entryId":"1"}', 400],
        ['{"entryId":true}', 400],
        ['{"entryId":{}}', 400],
        ['{"entryId":[1]}', 400],
        ['{"entryId":-1}', 400],
        ['{"entryId":1e300}', 400],
        ['{"entryId":9007199254740993}', 400],
        ['{"entryId":' + '9'.repeat(400) + '}', 400],
        ['{"entryId":2147483647}', 404],
        // The other workshop's #1 added a note: nothing to restore, and it is the newest entry, so nothing to roll back.
        ['{"entryId":1,"__proto__":{"x":1}}', 409],
        ['[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[', 400],
        ['{"entryId":1', 400],
        ['', 400],
        [JSON.stringify({ entryId: 1, pad: 'x'.repeat(200_000) }), 413],
      ];
      for (const [body, status] of hostile) {
        const res = await post(s, other.id, what, body, other.tokens.facilitator);
        expect(res.status, `${what} ${body.slice(0, 40)}`).toBe(status);
      }
      // An entry of another workshop: unknown here (404), and the victim's facilitator token opens nothing of the other (401).
      const foreign = await post(s, other.id, what, JSON.stringify({ entryId: deletion.id }), other.tokens.facilitator);
      expect(foreign.status).toBe(404);
      expect(await foreign.json()).toMatchObject({ field: 'entryId' });
      expect((await post(s, other.id, what, JSON.stringify({ entryId: 1 }), victim.tokens.facilitator)).status).toBe(401);
      expect((await post(s, victim.id, what, JSON.stringify({ entryId: deletion.id }), victim.tokens.facilitator, 'text/plain')).status).toBe(415);
      expect((await post(s, victim.id, what, JSON.stringify({ entryId: deletion.id }), victim.tokens.participant)).status).toBe(403);
      expect((await post(s, victim.id, what, JSON.stringify({ entryId: deletion.id }), victim.tokens.observer)).status).toBe(403);
    }
    // Nothing of the other workshop moved.
    expect(readBoard(bob.doc).notes.map((n) => n.id)).toEqual(['o1']);

    const restorable = async () => (await historyOf(s, victim)).entries.find((e) => e.id === deletion.id)!.restorable;
    expect(await restorable()).toBe(true);
    // A race of five restores of one deletion: one brings it back, the others have nothing to do.
    const statuses = await Promise.all(
      Array.from({ length: 5 }, () => post(s, victim.id, 'restore', JSON.stringify({ entryId: deletion.id }), victim.tokens.facilitator).then((r) => r.status)),
    );
    expect(statuses.sort()).toEqual([201, 409, 409, 409, 409]);
    await waitFor(() => readBoard(alice.doc).notes.length === 1, 5000, 'the note back once');
    // No longer offered (the region shows no Restore that could only answer 409) …
    expect(await restorable()).toBe(false);
    // … and replayed by hand: still nothing to do.
    expect((await post(s, victim.id, 'restore', JSON.stringify({ entryId: deletion.id }), victim.tokens.facilitator)).status).toBe(409);

    // The GET's filters: hostile queries are refused by name.
    for (const query of [`?person=${'x'.repeat(500)}`, '?stage=%00', '?stage=Bottlenecks%20', '?person=a%2Fb']) {
      const res = await fetch(`${s.url}/api/workshops/${victim.id}/history${query}`, { headers: { authorization: `Bearer ${victim.tokens.observer}` } });
      expect(res.status, query).toBe(400);
    }
    // The server still answers, and no token of either workshop reached its log.
    expect((await historyOf(s, victim)).entries.length).toBeGreaterThan(2);
    const logs = s.logs.join('\n');
    for (const token of [...Object.values(victim.tokens), ...Object.values(other.tokens), alice.personToken, bob.personToken]) expect(logs).not.toContain(token);
    expect(logs).not.toMatch(/"statusCode":500|internal error/i);
  });
});

describe('a locked board', () => {
  it('still takes the facilitator’s restore and rollback (the facilitator may write a locked board), which leave it locked; a participant stays read-only', async () => {
    const s = await server();
    const ws = await createWorkshop(s);
    const fran = await join(s, ws, 'facilitator', 'Fran');
    const control = await fran.open('control');
    const alice = await join(s, ws, 'participant', 'Alice');
    addNote(alice.doc, { id: 'k', lane: 'org', text: 'Keep', author: author(alice), now: 1 });
    const point = await entry(s, ws, 'Alice added an Org note: “Keep”');
    addNote(alice.doc, { id: 'd', lane: 'org', text: 'Doomed', author: author(alice), now: 2 });
    deleteNote(alice.doc, { id: 'k' });
    const deletion = await entry(s, ws, 'Alice deleted an Org note: “Keep”');
    setLocked(control.doc, true);
    await entry(s, ws, 'Fran locked the board');

    expect((await post(s, ws.id, 'restore', JSON.stringify({ entryId: deletion.id }), ws.tokens.facilitator)).status).toBe(201);
    expect((await post(s, ws.id, 'rollback', JSON.stringify({ entryId: point.id }), ws.tokens.facilitator)).status).toBe(201);
    await waitFor(() => readBoard(alice.doc).notes.map((n) => n.id).join() === 'k', 5000, 'the board as after the first note');
    expect(readSettings(control.doc).locked).toBe(true);
    // Alice's write on the locked board is still reverted.
    addNote(alice.doc, { id: 'x', lane: 'org', text: 'Sneaked in', author: author(alice), now: 3 });
    await waitFor(() => !readBoard(alice.doc).notes.some((n) => n.id === 'x'), 5000, 'Alice reverted');
  });
});

describe('a full board', () => {
  it('refuses (409) a restore that would put it past its note limit, and takes it once there is room', async () => {
    const s = await server();
    const ws = await createWorkshop(s);
    const fran = await join(s, ws, 'facilitator', 'Fran');
    const alice = await join(s, ws, 'participant', 'Alice');
    alice.doc.transact(() => {
      for (let i = 0; i < MAX_NOTES_PER_BOARD; i++) addNote(alice.doc, { id: `n${i}`, lane: 'org', text: `Note ${i}`, author: author(alice), now: i });
    });
    await waitFor(() => readBoard(fran.doc).notes.length === MAX_NOTES_PER_BOARD, 10_000, 'a full board');
    deleteNote(alice.doc, { id: 'n0' });
    const deletion = await entry(s, ws, 'Alice deleted an Org note: “Note 0”');
    addNote(alice.doc, { id: 'fill', lane: 'org', text: 'The last place', author: author(alice), now: 1000 });
    await entry(s, ws, 'Alice added an Org note: “The last place”');

    const full = await post(s, ws.id, 'restore', JSON.stringify({ entryId: deletion.id }), ws.tokens.facilitator);
    expect(full.status).toBe(409);
    expect(((await full.json()) as { error: string }).error).toContain(`at most ${MAX_NOTES_PER_BOARD} notes`);
    expect(readBoard(fran.doc).notes.length).toBe(MAX_NOTES_PER_BOARD);
    deleteNote(alice.doc, { id: 'fill' });
    await entry(s, ws, 'Alice deleted an Org note: “The last place”');
    expect((await post(s, ws.id, 'restore', JSON.stringify({ entryId: deletion.id }), ws.tokens.facilitator)).status).toBe(201);
    await waitFor(() => readBoard(fran.doc).notes.some((n) => n.id === 'n0'), 5000, 'the note back');
  });
});

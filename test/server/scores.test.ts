// Blind scoring against the real server with stock y-websocket clients. Before the reveal, we
// record every frame a participant's connections actually receive and show that nobody else's
// scores are in them, and that another person's private document cannot be opened: `private`
// always opens the connecting person's own. After the reveal, every client (late joiners too) holds the same, correctly
// aggregated revealedScores (a tally per initiative: how many gave each value, never who), and it
// keeps up with later changes, reconnects, going back a stage, hiding again, a lock and a server
// restart. Who gave which score reaches the board only after a named reveal; the facilitator can set
// a ballot aside.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as decoding from 'lib0/decoding';
import { connectClient, waitClosed, waitConverged, waitSynced, canonical, type TestClient } from '../helpers/clients.js';
import { createPerson, createWorkshop, startTestServer, waitFor, type CreatedWorkshop, type TestServer } from '../helpers/server.js';
import { boardMaps, privateMaps, readBoard, readCurrentStage, type Score, type ScoreTally } from '../../shared/schema.js';
import { createInitiative } from '../../shared/commands/initiatives.js';
import { readOwnScores, scoreInitiative, setScoreProfile } from '../../shared/commands/scores.js';
import { hideScores, revealScores, setBallotDiscarded, setNamedReveal } from '../../shared/commands/ranking.js';
import { nextStage, previousStage, setLocked } from '../../shared/commands/control.js';
import { rankingOf, tallyScores } from '../../shared/ranking.js';
import { putRecord } from '../helpers/records.js';
import { collectScores } from '../../server/scores.js';

let server: TestServer;
let ws: CreatedWorkshop;
const clients: TestClient[] = [];
const client = (...args: Parameters<typeof connectClient>) => {
  const c = connectClient(...args);
  clients.push(c);
  return c;
};

/** Every frame received by one participant's connections, with the document it came from. */
interface Frame {
  url: string;
  data: Uint8Array;
}
const received: Frame[] = [];

/** A `ws` WebSocket that records what it receives, so the test sees exactly what the client got. */
class RecordingWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    this.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      received.push({ url: String(url), data: new Uint8Array(bytes) });
    });
  }
}

/** A stock y-websocket client whose frames are recorded. */
function recordedClient(workshopId: string, token: string, docName?: string, person?: string): TestClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(server.wsUrl, docName ? `${workshopId}/${docName}` : workshopId, doc, {
    WebSocketPolyfill: RecordingWebSocket as unknown as typeof globalThis.WebSocket,
    params: person ? { token, person } : { token },
    disableBc: true,
    maxBackoffTime: 500,
  });
  const c: TestClient = { doc, provider, closeEvents: [], destroy: () => (provider.destroy(), doc.destroy()) };
  clients.push(c);
  return c;
}

/** Rebuilds, from recorded frames only, the documents a connection received. */
function replicaOf(frames: Frame[]): Y.Doc {
  const doc = new Y.Doc();
  for (const f of frames) {
    const d = decoding.createDecoder(f.data);
    if (decoding.readVarUint(d) !== 0) continue; // not a sync message
    const sub = decoding.readVarUint(d);
    if (sub === 1 || sub === 2) Y.applyUpdate(doc, decoding.readVarUint8Array(d));
  }
  return doc;
}
const rootsAsJson = (doc: Y.Doc) => canonical(Object.fromEntries([...doc.share.keys()].map((k) => [k, doc.getMap(k).toJSON()])));
const bytesContain = (frames: Frame[], needle: string) => {
  const n = Buffer.from(needle);
  return frames.some((f) => Buffer.from(f.data).includes(n));
};

/** A participant: a person the server issued, a board connection with presence, and their private document. */
interface Person {
  id: string;
  name: string;
  personToken: string;
  board: TestClient;
  private: TestClient;
}
function openPrivate(token: string, personToken: string, record = false): TestClient {
  return record ? recordedClient(ws.id, token, 'private', personToken) : client(server.wsUrl, ws.id, token, { docName: 'private', person: personToken });
}
async function join(name: string, opts: { record?: boolean; token?: string } = {}): Promise<Person> {
  const token = opts.token ?? ws.tokens.participant;
  const { personId: id, personToken } = await createPerson(server, ws.id, token);
  const board = opts.record ? recordedClient(ws.id, token, undefined, personToken) : client(server.wsUrl, ws.id, token, { person: personToken });
  const priv = openPrivate(token, personToken, opts.record);
  await Promise.all([waitSynced(board), waitSynced(priv)]);
  board.provider.awareness.setLocalStateField('user', { id, name, color: '#336699' });
  setScoreProfile(priv.doc, { participantId: id, name });
  return { id, name, personToken, board, private: priv };
}

const revealedOf = (d: Y.Doc) => boardMaps(d).revealedScores.toJSON() as Record<string, ScoreTally>;
/** What the board should show for these individual scores: their tallies, keyed by initiative. */
const talliesOf = (scores: Record<string, Score>) => Object.fromEntries(tallyScores(Object.values(scores)));
const expectRevealed = (people: Person[], expected: Record<string, Score>, others: TestClient[] = []) =>
  waitFor(
    () => [...people.map((p) => p.board), ...others].every((c) => canonical(revealedOf(c.doc)) === canonical(talliesOf(expected))),
    10_000,
    'revealed scores on every client',
  );
const s = (initiativeId: string, p: Person, roi: number | null, urgency: number | null): [string, Score] => [
  `${initiativeId}/${p.id}`,
  { initiativeId, participantId: p.id, roi, urgency },
];

let ada: Person;
let bob: Person;
let facilitatorBoard: TestClient;
let facilitatorControl: TestClient;
let adaControl: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkshop(server, { title: 'Blind scores' });
  facilitatorBoard = client(server.wsUrl, ws.id, ws.tokens.facilitator);
  facilitatorControl = client(server.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control' });
  adaControl = recordedClient(ws.id, ws.tokens.participant, 'control');
  await Promise.all([waitSynced(facilitatorBoard), waitSynced(facilitatorControl), waitSynced(adaControl)]);
  ada = await join('Ada', { record: true });
  bob = await join('Bob');
  createInitiative(facilitatorBoard.doc, { id: 'checkout', title: 'Checkout rewrite', bottleneckIds: [], now: 1 });
  createInitiative(facilitatorBoard.doc, { id: 'observability', title: 'Observability', bottleneckIds: [], now: 2 });
  createInitiative(facilitatorBoard.doc, { id: 'teams', title: 'Team topology', bottleneckIds: [], now: 3 });
  nextStage(facilitatorControl.doc, Date.now());
  nextStage(facilitatorControl.doc, Date.now());
  await waitFor(() => readBoard(ada.board.doc).initiatives.length === 3 && readCurrentStage(adaControl.doc) === 2, 5000, 'setup');
});

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.stop();
});

describe('before the reveal', () => {
  it("a participant's client receives nobody else's scores, and cannot open another private doc", async () => {
    scoreInitiative(ada.private.doc, { initiativeId: 'checkout', roi: 5, urgency: 4 });
    scoreInitiative(ada.private.doc, { initiativeId: 'teams', roi: 2, urgency: 2 });
    scoreInitiative(bob.private.doc, { initiativeId: 'checkout', roi: 1, urgency: 2 });
    scoreInitiative(bob.private.doc, { initiativeId: 'observability', roi: 4, urgency: 5 });

    // The server holds Bob's scores: Bob reopening his private doc (a second tab) gets them back.
    const bobAgain = openPrivate(ws.tokens.participant, bob.personToken);
    await waitFor(() => Object.keys(readOwnScores(bobAgain.doc)).length === 2, 5000, "Bob's scores stored");
    expect(readOwnScores(bobAgain.doc)).toEqual({ checkout: { roi: 1, urgency: 2 }, observability: { roi: 4, urgency: 5 } });
    // And a later board change reached Ada, so anything sent before it would have reached her too.
    putRecord(facilitatorBoard.doc, 'marker', 'after scores');
    await waitFor(() => ada.board.doc.getMap('notes').has('marker'), 5000, 'marker');

    // What Ada's client actually received, frame by frame, on the board and control documents:
    const isPrivate = (f: Frame) => new URL(f.url).pathname.endsWith('/private');
    const shared = received.filter((f) => !isPrivate(f));
    expect(shared.length).toBeGreaterThan(0);
    expect(bytesContain(shared, 'urgency')).toBe(false);
    expect(bytesContain(received, bob.personToken)).toBe(false);
    const boardReplica = replicaOf(shared.filter((f) => !f.url.includes('/control')));
    expect(Object.keys(readBoard(boardReplica).initiatives)).toHaveLength(3); // the replica is real
    expect(boardMaps(boardReplica).revealedScores.size).toBe(0);
    expect(rootsAsJson(boardReplica)).not.toMatch(/roi|urgency/);
    expect(rootsAsJson(replicaOf(shared.filter((f) => f.url.includes('/control'))))).not.toMatch(/roi|urgency/);
    // Her private doc brings her nothing but her own (the server does not echo her writes back).
    const ownFrames = received.filter(isPrivate);
    expect(ownFrames.length).toBeGreaterThan(0);
    const own = readOwnScores(replicaOf(ownFrames));
    for (const [id, score] of Object.entries(own)) expect(score).toEqual(readOwnScores(ada.private.doc)[id]);
    // Presence carries no scores either.
    for (const state of ada.board.provider.awareness.getStates().values()) expect(JSON.stringify(state)).not.toMatch(/roi|urgency/);
    // The facilitator does not see them before the reveal either.
    expect(boardMaps(facilitatorBoard.doc).revealedScores.size).toBe(0);

    // Ada gets nothing of Bob's: naming his document (his person id is in presence) opens her
    // own; without a person token no private document opens at all.
    const named = client(server.wsUrl, ws.id, ws.tokens.participant, { docName: `private/${bob.id}`, person: ada.personToken });
    await waitSynced(named);
    await waitFor(() => Object.keys(readOwnScores(named.doc)).length === 2, 5000, "Ada's own scores");
    expect(readOwnScores(named.doc)).toEqual(readOwnScores(ada.private.doc));
    const anonymous = client(server.wsUrl, ws.id, ws.tokens.participant, { docName: `private/${bob.id}` });
    expect((await waitClosed(anonymous)).code).toBe(4403);
    expect(anonymous.doc.share.size).toBe(0);
    anonymous.provider.disconnect();
    // Observers may not open private docs at all, with a person of their own or without.
    const watcher = await createPerson(server, ws.id, ws.tokens.observer);
    const observer = client(server.wsUrl, ws.id, ws.tokens.observer, { docName: 'private', person: watcher.personToken });
    expect((await waitClosed(observer)).code).toBe(4403);
    expect(observer.doc.share.size).toBe(0);
    observer.provider.disconnect();
  });

  it('refuses a participant writing revealedScores on the board (server-only)', async () => {
    boardMaps(ada.board.doc).revealedScores.set('checkout', { initiativeId: 'checkout', roi: [0, 0, 0, 0, 9], urgency: [0, 0, 0, 0, 9], scorers: 9 });
    putRecord(facilitatorBoard.doc, 'marker2', 'x');
    await waitFor(() => ada.board.doc.getMap('notes').has('marker2') && boardMaps(ada.board.doc).revealedScores.size === 0, 5000, 'revert');
    expect(boardMaps(facilitatorBoard.doc).revealedScores.size).toBe(0);
  });
});

describe('after the reveal', () => {
  let expected: Record<string, Score>;

  it('aggregates every private doc into revealedScores, the same on every client', async () => {
    revealScores(facilitatorControl.doc);
    expected = Object.fromEntries([
      s('checkout', ada, 5, 4),
      s('teams', ada, 2, 2),
      s('checkout', bob, 1, 2),
      s('observability', bob, 4, 5),
    ]);
    await expectRevealed([ada, bob], expected, [facilitatorBoard]);
    // Now the scores do reach Ada's client (so the "before" check above was meaningful).
    expect(bytesContain(received, 'urgency')).toBe(true);
    const ranking = rankingOf(ada.board.doc, adaControl.doc);
    expect(ranking.map((r) => r.initiative.id)).toEqual(['observability', 'checkout', 'teams']);
    const checkout = ranking.find((r) => r.initiative.id === 'checkout')!;
    expect(checkout.stats.roi).toMatchObject({ mean: 3, min: 1, max: 5, count: 2 });
    expect(checkout.stats.urgency.mean).toBe(3);
    expect(checkout.stats.disagreement).toBe(true);
    expect(checkout.priority).toBe(9);
    // The board says how many gave each value, not who: no person id in what was revealed.
    const revealed = JSON.stringify(boardMaps(ada.board.doc).revealedScores.toJSON());
    expect(revealed).not.toContain(ada.id);
    expect(revealed).not.toContain(bob.id);
    expect(boardMaps(ada.board.doc).namedScores.size).toBe(0);
  });

  it("lists each person's ballot with how far they are, never their scores", async () => {
    await waitFor(() => boardMaps(ada.board.doc).ballots.size === 2, 5000, 'ballots');
    expect(boardMaps(ada.board.doc).ballots.toJSON()).toEqual({
      [ada.id]: { personId: ada.id, name: 'Ada', scored: 2, discarded: false },
      [bob.id]: { personId: bob.id, name: 'Bob', scored: 2, discarded: false },
    });
  });

  it('names who gave which score only after a named reveal, and clears the names when it is turned off', async () => {
    setNamedReveal(facilitatorControl.doc, true);
    await waitFor(() => boardMaps(ada.board.doc).namedScores.size === 4, 5000, 'named scores');
    expect(boardMaps(ada.board.doc).namedScores.get(`checkout/${bob.id}`)).toEqual({ initiativeId: 'checkout', participantId: bob.id, roi: 1, urgency: 2, name: 'Bob' });
    setNamedReveal(facilitatorControl.doc, false);
    await waitFor(() => boardMaps(ada.board.doc).namedScores.size === 0 && boardMaps(facilitatorBoard.doc).namedScores.size === 0, 5000, 'names cleared');
  });

  it("leaves a ballot the facilitator set aside out of the tallies, and counts it again when taken back", async () => {
    setBallotDiscarded(facilitatorControl.doc, bob.id, true);
    const withoutBob = Object.fromEntries(Object.entries(expected).filter(([, v]) => v.participantId !== bob.id));
    await expectRevealed([ada, bob], withoutBob, [facilitatorBoard]);
    await waitFor(() => boardMaps(ada.board.doc).ballots.get(bob.id)?.discarded === true, 5000, 'marked as set aside');
    setBallotDiscarded(facilitatorControl.doc, bob.id, false);
    await expectRevealed([ada, bob], expected, [facilitatorBoard]);
  });

  it('keeps up with later score changes and cleared scores', async () => {
    scoreInitiative(bob.private.doc, { initiativeId: 'teams', roi: 3, urgency: 1 });
    scoreInitiative(ada.private.doc, { initiativeId: 'teams', roi: null, urgency: null });
    scoreInitiative(ada.private.doc, { initiativeId: 'checkout', urgency: 5 });
    delete expected[`teams/${ada.id}`];
    Object.assign(expected, Object.fromEntries([s('teams', bob, 3, 1), s('checkout', ada, 5, 5)]));
    await expectRevealed([ada, bob], expected, [facilitatorBoard]);
  });

  it('shows a late joiner the revealed scores, and counts the scores they give', async () => {
    const cleo = await join('Cleo');
    await expectRevealed([cleo], expected);
    scoreInitiative(cleo.private.doc, { initiativeId: 'observability', roi: 5, urgency: 5 });
    Object.assign(expected, Object.fromEntries([s('observability', cleo, 5, 5)]));
    await expectRevealed([ada, bob, cleo], expected, [facilitatorBoard]);
  });

  it('merges a score given while disconnected when the participant reconnects', async () => {
    bob.private.provider.disconnect();
    await waitFor(() => !bob.private.provider.wsconnected, 5000, 'disconnected');
    scoreInitiative(bob.private.doc, { initiativeId: 'checkout', roi: 2 });
    expect(revealedOf(ada.board.doc).checkout!.roi).toEqual([1, 0, 0, 0, 1]); // Bob's 1 and Ada's 5, unchanged yet
    bob.private.provider.connect();
    Object.assign(expected, Object.fromEntries([s('checkout', bob, 2, 2)]));
    await expectRevealed([ada, bob], expected, [facilitatorBoard]);
  });

  it('keeps the scores and the ranking when the facilitator goes back a stage and forward again', async () => {
    const before = rankingOf(ada.board.doc, adaControl.doc);
    previousStage(facilitatorControl.doc, Date.now());
    await waitFor(() => readCurrentStage(adaControl.doc) === 1, 5000, 'back to stage 2');
    scoreInitiative(ada.private.doc, { initiativeId: 'observability', roi: 3, urgency: 3 });
    Object.assign(expected, Object.fromEntries([s('observability', ada, 3, 3)]));
    await expectRevealed([ada, bob], expected, [facilitatorBoard]);
    nextStage(facilitatorControl.doc, Date.now());
    await waitFor(() => readCurrentStage(adaControl.doc) === 2, 5000, 'stage 3 again');
    const after = rankingOf(ada.board.doc, adaControl.doc);
    expect(after.map((r) => r.initiative.id)).toEqual(before.map((r) => r.initiative.id));
    await expectRevealed([ada, bob], expected, [facilitatorBoard]);
  });

  it('drops score changes while the board is locked (reverted for the writer too)', async () => {
    setLocked(facilitatorControl.doc, true);
    await waitFor(() => adaControl.doc.getMap('settings').get('locked') === true, 5000, 'lock');
    scoreInitiative(ada.private.doc, { initiativeId: 'checkout', roi: 1 });
    await waitFor(() => readOwnScores(ada.private.doc).checkout?.roi === 5, 5000, 'revert in own private doc');
    setLocked(facilitatorControl.doc, false);
    await waitFor(() => adaControl.doc.getMap('settings').get('locked') === false, 5000, 'unlock');
    await expectRevealed([ada, bob], expected, [facilitatorBoard]);
  });

  it('clears the revealed scores when the facilitator hides them, and restores them on a new reveal', async () => {
    hideScores(facilitatorControl.doc);
    await expectRevealed([ada, bob], {}, [facilitatorBoard]);
    revealScores(facilitatorControl.doc);
    await expectRevealed([ada, bob], expected, [facilitatorBoard]);
  });

  it('survives a server restart: still revealed, and later changes are still aggregated', async () => {
    const { port, dataDir } = server;
    await server.stop();
    server = await startTestServer({ port, dataDir });
    // The clients reconnect by themselves; a change after the restart is aggregated too.
    await waitFor(() => bob.private.provider.wsconnected && ada.board.provider.wsconnected && ada.board.provider.synced, 15_000, 'reconnect');
    scoreInitiative(bob.private.doc, { initiativeId: 'teams', roi: 5 });
    Object.assign(expected, Object.fromEntries([s('teams', bob, 5, 1)]));
    await expectRevealed([ada, bob], expected, [facilitatorBoard]);
    const fresh = client(server.wsUrl, ws.id, ws.tokens.observer);
    await waitSynced(fresh);
    await waitConverged([fresh.doc, ada.board.doc, bob.board.doc, facilitatorBoard.doc], (d) => readBoard(d));
    expect(revealedOf(fresh.doc)).toEqual(talliesOf(expected));
  }, 60_000);
});

describe('collectScores (what the server reads from private documents)', () => {
  const privateDoc = (participantId: unknown, scores: Record<string, unknown>) => {
    const doc = new Y.Doc();
    if (participantId !== undefined) privateMaps(doc).profile.set('participantId', participantId);
    for (const [k, v] of Object.entries(scores)) privateMaps(doc).scores.set(k, v as { roi: number | null; urgency: number | null });
    return doc;
  };

  it('keeps only valid scores, attributed to the person the document is named after', () => {
    const scores = collectScores([
      { name: 'private/p1', doc: privateDoc('p1', { i1: { roi: 5, urgency: 9 }, 'bad id!': { roi: 3, urgency: 3 }, i2: 'junk', i3: { roi: null, urgency: null } }) },
      { name: 'private/p2', doc: privateDoc(undefined, { i1: { roi: 1, urgency: 1 } }) },
      { name: 'private/p3', doc: privateDoc({ not: 'a string' }, { i1: { roi: 2, urgency: 2 } }) },
      { name: 'private/p4', doc: privateDoc('p4', { i1: { roi: 2.5, urgency: 3 } }) },
      { name: 'private/not an id!', doc: privateDoc('p5', { i1: { roi: 4, urgency: 4 } }) },
      { name: 'control', doc: privateDoc('p6', { i1: { roi: 4, urgency: 4 } }) },
    ]);
    expect(Object.fromEntries(scores)).toEqual({
      'i1/p1': { initiativeId: 'i1', participantId: 'p1', roi: 5, urgency: null },
      'i1/p2': { initiativeId: 'i1', participantId: 'p2', roi: 1, urgency: 1 },
      'i1/p3': { initiativeId: 'i1', participantId: 'p3', roi: 2, urgency: 2 },
      'i1/p4': { initiativeId: 'i1', participantId: 'p4', roi: null, urgency: 3 },
    });
  });

  it('never reads the participant from the profile a client wrote', () => {
    const scores = [...collectScores([
      { name: 'private/ada', doc: privateDoc('ada', { i1: { roi: 5, urgency: 5 } }) },
      { name: 'private/mallory', doc: privateDoc('ada', { i1: { roi: 1, urgency: 1 } }) },
    ]).values()];
    expect(scores.map((x) => [x.participantId, x.roi])).toEqual([
      ['ada', 5],
      ['mallory', 1],
    ]);
  });
});

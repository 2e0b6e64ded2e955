// The room's write path in-process, on the doubles of test/helpers/room.ts: fake sockets whose
// messages wait until the test delivers them, storage in memory that fails on demand, and a commit
// the test runs. No server, no network, no timers: every interleaving is the test's choice, so a
// seeded one can be replayed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { ServerOrigin } from '../../server/docRoom.js';
import { CloseCode } from '../../server/protocol.js';
import { MAX_UPDATES_PER_COMMIT } from '../../server/turnWriter.js';
import { seededRandom } from '../helpers/random.js';
import { RoomHarness, type TestClient } from '../helpers/room.js';

const harnesses: RoomHarness[] = [];
const harness = (...args: ConstructorParameters<typeof RoomHarness>): RoomHarness => {
  const h = new RoomHarness(...args);
  harnesses.push(h);
  return h;
};
afterEach(() => {
  harnesses.splice(0).forEach((h) => h.destroy());
  vi.useRealTimers();
});

type Note = { text: string; lane?: string };
const notesOf = (doc: Y.Doc): Record<string, Note> => doc.getMap('notes').toJSON() as Record<string, Note>;

function addNote(doc: Y.Doc, id: string, text: string, lane = 'todo'): void {
  doc.transact(() => {
    const note = new Y.Map<unknown>();
    note.set('text', new Y.Text(text));
    note.set('lane', lane);
    doc.getMap<Y.Map<unknown>>('notes').set(id, note);
  });
}

/** The state vector as sorted [client, clock] pairs (its encoding's order depends on the document's history). */
const stateOf = (doc: Y.Doc): [number, number][] => [...Y.decodeStateVector(Y.encodeStateVector(doc))].sort((a, b) => a[0] - b[0]);

/** Every client holds what the room holds, and storage holds it too. */
function expectConverged(h: RoomHarness): void {
  const expected = { notes: notesOf(h.room.doc), state: stateOf(h.room.doc) };
  for (const c of h.clients) expect({ client: c.name, notes: notesOf(c.doc), state: stateOf(c.doc) }).toEqual({ client: c.name, ...expected });
  const stored = h.storage.load(h.key);
  expect({ notes: notesOf(stored), state: stateOf(stored) }).toEqual(expected);
  stored.destroy();
}

/** Events of the timeline from `start` on. */
const since = (h: RoomHarness, start: number): string[] => h.timeline.slice(start);

describe('persist first, then relay', () => {
  it('sends no peer an update before the commit that stores it has returned', () => {
    const h = harness();
    const alice = h.client('alice');
    const bob = h.client('bob');
    h.settle();

    const start = h.timeline.length;
    addNote(alice.doc, 'n1', 'hello');
    alice.send();
    // Accepted into the room's document, waiting for the end of the turn: nothing stored, nothing sent.
    expect(h.room.pendingCount).toBe(1);
    expect(h.storage.appended).toHaveLength(0);
    expect([alice.socket.queue, bob.socket.queue]).toEqual([[], []]);
    expect(since(h, start)).toEqual([]);

    h.commit();
    // Stored, then sent to bob (not back to its writer).
    expect(since(h, start)).toEqual(['commit', 'send bob']);
    expect(h.storage.appended).toHaveLength(1);
    expect(alice.socket.queue).toEqual([]);
    bob.receive();
    expect(notesOf(bob.doc)).toEqual({ n1: { text: 'hello', lane: 'todo' } });
    expectConverged(h);
  });

  it(`stores a turn in commits of at most ${MAX_UPDATES_PER_COMMIT} updates, each before what it holds is relayed`, () => {
    // A starved event loop reads thousands of queued frames in one turn: one commit of them all
    // grew the WAL by megabytes at once, past WAL_MAX_BYTES (boundWal runs between commits).
    const h = harness();
    const alice = h.client('alice');
    const bob = h.client('bob');
    h.settle();
    const start = h.timeline.length;
    for (let i = 0; i < MAX_UPDATES_PER_COMMIT - 1; i++) {
      addNote(alice.doc, `n${i}`, `note ${i}`);
      alice.send();
    }
    expect(since(h, start)).toEqual([]); // nothing stored yet: the end of the turn will
    expect(h.room.pendingCount).toBe(MAX_UPDATES_PER_COMMIT - 1);
    addNote(alice.doc, 'last', 'the one that fills a commit');
    alice.send();
    // Stored within the turn, once, and only then sent (the relay sends a busy turn in chunks).
    const events = since(h, start);
    expect(events[0]).toBe('commit');
    expect(new Set(events.slice(1))).toEqual(new Set(['send bob']));
    expect(h.storage.appended).toHaveLength(MAX_UPDATES_PER_COMMIT);
    expect(h.room.pendingCount).toBe(0);
    bob.receive();
    expect(Object.keys(notesOf(bob.doc))).toHaveLength(MAX_UPDATES_PER_COMMIT);
    expectConverged(h);
  });

  it("answers a joiner's sync request only after this turn's updates are stored", () => {
    const h = harness();
    const alice = h.client('alice');
    h.settle();
    addNote(alice.doc, 'n1', 'written this turn');
    alice.send();

    const start = h.timeline.length;
    const carol = h.client('carol'); // the room greets it with its state vector (no content)
    expect(since(h, start)).toEqual(['send carol']);
    carol.send(); // carol's sync step 1: the reply holds the whole document, so the room commits first
    const events = since(h, start);
    expect(events.indexOf('commit')).toBe(1);
    expect(events.slice(1)).toEqual(['commit', 'send carol', 'send carol']); // the relayed update, then the reply
    h.settle();
    expect(notesOf(carol.doc)).toEqual({ n1: { text: 'written this turn', lane: 'todo' } });
    expectConverged(h);
  });
});

describe('a failed commit', () => {
  it("relays nothing, rolls the whole turn back, closes every connection and drops the room; the writers' edits come back on reconnect", async () => {
    const h = harness();
    const alice = h.client('alice');
    const bob = h.client('bob');
    const carol = h.client('carol', { role: 'observer' });
    addNote(alice.doc, 'stored', 'before the fault');
    h.settle();
    const failed = h.room;
    const storedBefore = h.storage.appended.length;

    // Two writers in one turn: the first append succeeds, the second throws, the commit rolls back.
    addNote(alice.doc, 'a', 'from alice');
    addNote(bob.doc, 'b', 'from bob');
    alice.send();
    bob.send();
    h.storage.failNextAppend({ after: 1 });
    const start = h.timeline.length;
    h.commit();

    expect(since(h, start)).toEqual([]); // neither stored nor sent
    expect(h.storage.appended).toHaveLength(storedBefore);
    for (const c of [alice, bob, carol]) {
      expect(c.socket.queue).toEqual([]);
      expect(c.socket.closed).toEqual({ code: CloseCode.storageFailed, reason: 'storage failed; reconnect' });
    }
    expect(h.dropped).toEqual([failed]);
    expect(failed.doc.isDestroyed).toBe(true);
    expect((await h.rejections()).persist_failed).toBe(1);
    // Nothing of it reached the observer, who never wrote.
    expect(Object.keys(notesOf(carol.doc))).toEqual(['stored']);

    // The next connection loads the room from storage: the failed turn is not there.
    for (const c of [alice, bob, carol]) c.receive(); // the close is reported to the room
    const reloaded = h.reload();
    expect(Object.keys(notesOf(reloaded.doc))).toEqual(['stored']);
    // The writers' clients still hold their edits and send them again on reconnect.
    for (const c of [alice, bob, carol]) c.connect(reloaded);
    h.settle();
    expect(Object.keys(notesOf(carol.doc)).sort()).toEqual(['a', 'b', 'stored']);
    expectConverged(h);
  });
});

describe('an attacker', () => {
  it("overwrites a roster entry: reverted, and the value never reaches another client's document or storage", async () => {
    const h = harness();
    const mallory = h.client('mallory');
    const bob = h.client('bob');
    h.settle();
    const entry = { id: 'bob', name: 'Bob', role: 'participant', color: '#336699', firstSeen: 1 };
    h.room.doc.transact(() => h.room.doc.getMap('roster').set('bob', entry), ServerOrigin.server);
    h.settle();
    expect(bob.doc.getMap('roster').get('bob')).toEqual(entry);

    // Other writers' edits in the same turn, so the relayed message is a merge of several.
    addNote(bob.doc, 'n1', 'an honest edit');
    bob.send();
    mallory.doc.getMap('roster').set('bob', { ...entry, name: 'Mallory' });
    mallory.send();
    h.commit();

    // Bob applies what he receives one message at a time; the roster never shows the overwrite.
    const rosterSeen: unknown[] = [];
    while (bob.receive(1)) rosterSeen.push(bob.doc.getMap('roster').get('bob'));
    expect(rosterSeen.length).toBeGreaterThan(0);
    expect(rosterSeen.every((seen) => JSON.stringify(seen) === JSON.stringify(entry))).toBe(true);
    // The revert reaches the writer too, and storage holds the entry as the server wrote it.
    h.settle();
    expect(mallory.doc.getMap('roster').get('bob')).toEqual(entry);
    expect(h.storage.load(h.key).getMap('roster').get('bob')).toEqual(entry);
    expect((await h.rejections()).server_only_map).toBe(1);
    expect(mallory.socket.closed).toBeNull(); // reverted, not disconnected: it may go on writing notes
    expectConverged(h);
  });
});

describe('an attacker whose write lands at a relay chunk boundary', () => {
  it('never has the write relayed without its undo, wherever it falls in a busy turn', async () => {
    // The relay merges a turn's updates sixteen at a time: put the overwrite at every position
    // around a chunk's end (with 15 honest edits before it, it is the 16th, and its undo the 17th).
    let messages = 0;
    for (const honest of [14, 15, 16, 17]) {
      const h = harness();
      const mallory = h.client('mallory');
      const bob = h.client('bob');
      const carol = h.client('carol'); // watches: every message of the turn is for her
      h.settle();
      const entry = { id: 'bob', name: 'Bob', role: 'participant', color: '#336699', firstSeen: 1 };
      h.room.doc.transact(() => h.room.doc.getMap('roster').set('bob', entry), ServerOrigin.server);
      h.settle();
      for (let i = 0; i < honest; i++) {
        addNote(bob.doc, `n${i}`, `edit ${i}`);
        bob.send();
      }
      mallory.doc.getMap('roster').set('bob', { ...entry, name: 'Mallory' });
      mallory.send();
      h.commit();
      const rosterSeen: unknown[] = [];
      while (carol.receive(1)) rosterSeen.push(carol.doc.getMap('roster').get('bob'));
      messages = Math.max(messages, rosterSeen.length);
      expect(rosterSeen.every((seen) => JSON.stringify(seen) === JSON.stringify(entry)), `${honest} honest edits first`).toBe(true);
      h.settle();
      expect(mallory.doc.getMap('roster').get('bob')).toEqual(entry);
      expectConverged(h);
    }
    expect(messages).toBeGreaterThan(1); // a turn that big is relayed in more than one message
  });
});

describe('presence', () => {
  it("is relayed batched, as the identity the server gave the connection, not the one claimed", () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }); // the relay's batching delay only
    const h = harness();
    const alice = h.client('alice', { personId: 'p-alice' });
    const bob = h.client('bob');
    h.settle();
    alice.setPresence({ user: { id: 'p-bob', name: 'Alice\u202e', role: 'facilitator', color: '#000000' }, cursor: { x: 1, y: 2 } });
    alice.send();
    expect(bob.socket.queue).toEqual([]); // waits for the batch
    vi.advanceTimersByTime(20);
    bob.receive();
    expect(bob.awareness.getStates().get(alice.doc.clientID)).toEqual({
      user: { id: 'p-alice', name: 'Alice', role: 'participant', color: '#336699' },
      cursor: { x: 1, y: 2 },
    });
  });
});

describe('a seeded interleaving', () => {
  const WORDS = ['alpha', 'beta', 'gamma', '🙂', 'delta', 'ε', ' '];
  const LANES = ['todo', 'doing', 'done'];

  /** A random edit by `c`: a new note, text typed into or cut from a note, a lane changed, a note removed. */
  function randomEdit(c: TestClient, rng: ReturnType<typeof seededRandom>, made: number): void {
    const notes = c.doc.getMap<Y.Map<unknown>>('notes');
    const ids = [...notes.keys()].sort();
    const roll = rng.next();
    if (!ids.length || roll < 0.2) return addNote(c.doc, `${c.name}-${made}`, rng.pick(WORDS), rng.pick(LANES));
    const note = notes.get(rng.pick(ids))!;
    const text = note.get('text') as Y.Text;
    if (roll < 0.55) text.insert(rng.int(text.length + 1), rng.pick(WORDS));
    else if (roll < 0.75 && text.length) {
      const at = rng.int(text.length);
      text.delete(at, 1 + rng.int(Math.min(3, text.length - at)));
    } else if (roll < 0.95) note.set('lane', rng.pick(LANES));
    else notes.delete(rng.pick(ids));
  }

  /**
   * N clients edit at random while the test delivers their frames, commits turns, and delivers the
   * room's messages in an order drawn from the seed; now and then a client drops its connection
   * (whatever was in flight is lost), goes on editing offline, and later reconnects and resyncs.
   * Then everything is delivered.
   */
  async function run(seed: number, { clients = 4, steps = 400 } = {}) {
    const rng = seededRandom(seed);
    const h = harness();
    const cs = Array.from({ length: clients }, (_, i) => h.client(`c${i}`, { role: i === 0 ? 'facilitator' : 'participant' }));
    let made = 0;
    for (let step = 0; step < steps; step++) {
      const c = rng.pick(cs);
      const roll = rng.next();
      if (!c.connected && rng.chance(0.1)) c.connect(h.room);
      else if (roll < 0.35) randomEdit(c, rng, made++);
      else if (roll < 0.55) c.send(1 + rng.int(3));
      else if (roll < 0.65) h.commit();
      else if (roll < 0.985) c.receive(1 + rng.int(3));
      else c.disconnect();
    }
    for (const c of cs) if (!c.connected) c.connect(h.room);
    h.settle();
    expectConverged(h);
    expect(await h.rejections()).toEqual({});
    expect(cs.map((c) => c.doc.clientID)).toEqual(cs.map((_, i) => 100 + i)); // nobody had to change id
    return { room: Y.encodeStateAsUpdate(h.room.doc), clients: cs.map((c) => Y.encodeStateAsUpdate(c.doc)), notes: notesOf(h.room.doc) };
  }

  it('converges, and the same seed gives byte-identical states twice', async () => {
    const first = await run(7);
    const again = await run(7);
    expect(Buffer.from(again.room).equals(Buffer.from(first.room))).toBe(true);
    again.clients.forEach((c, i) => expect(Buffer.from(c).equals(Buffer.from(first.clients[i]!))).toBe(true));
    expect(Object.keys(first.notes).length).toBeGreaterThan(5);
  });

  it('converges for other seeds too', async () => {
    const seen = new Set<string>();
    for (const seed of [1, 2, 3, 42, 1234]) seen.add(Buffer.from((await run(seed, { clients: 3 + (seed % 3) })).room).toString('base64'));
    expect(seen.size).toBe(5); // different interleavings, different documents, all converged
  });
});

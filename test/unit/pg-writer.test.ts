// The cluster owner's writer (server/cluster/pgWriter.ts) on a real DocRoom, in process, with a
// PostgreSQL double whose commits the test answers: persist before relay holds while a commit is
// under way (what arrives meanwhile waits for its own commit, each update is stored once), a
// fenced commit relays nothing, and a held socket sends nothing until its commit returned.
import { afterEach, describe, expect, it } from 'vitest';
import { DocRoom } from '../../server/docRoom.js';
import { createMetrics } from '../../server/metrics.js';
import { createLogger } from '../../server/logger.js';
import { GATES } from '../../server/workshop.js';
import { HeldSocket, PgWriter, PreloadedStorage } from '../../server/cluster/pgWriter.js';
import { FencedError, type Append, type PgStore } from '../../server/cluster/pgStore.js';
import { TestClient, TestSocket, type Timeline } from '../helpers/room.js';
import { putRecord } from '../helpers/records.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

/** A PostgreSQL whose commits wait until the test settles them, in order. */
function fakePg() {
  const commits: { appends: Append[]; settle: (err?: Error) => void }[] = [];
  const pg = {
    commit: (_w: string, _e: number, appends: Append[]) =>
      new Promise<void>((resolve, reject) => commits.push({ appends, settle: (err) => (err ? reject(err) : resolve()) })),
  } as unknown as PgStore;
  return { pg, commits };
}

function setup() {
  const { pg, commits } = fakePg();
  const failures: unknown[] = [];
  const metrics = createMetrics();
  let writer: PgWriter;
  const storage = new PreloadedStorage(new Map(), new Set(), (c) => writer.compact(c));
  writer = new PgWriter(pg, 'w', 1, storage, metrics, (err) => failures.push(err));
  const room = new DocRoom('w:board', {
    storage,
    turnWriter: writer,
    metrics,
    log: createLogger('silent'),
    compactAfterUpdates: 1_000_000,
    maxBufferedBytes: 1024 * 1024,
    writePolicy: () => 'allow',
    gate: GATES.board,
  });
  const timeline: Timeline = [];
  const a = new TestClient('a', { clientId: 100, role: 'facilitator' }, timeline);
  const b = new TestClient('b', { clientId: 101, role: 'facilitator' }, timeline);
  a.connect(room);
  b.connect(room);
  return { room, writer, commits, failures, a, b };
}

let cleanup: (() => void) | null = null;
afterEach(() => cleanup?.());

describe('PgWriter', () => {
  it('relays nothing before its commit returns; what arrives meanwhile waits for the next commit, each update stored once', async () => {
    const { room, commits, a, b } = setup();
    cleanup = () => room.destroy();
    a.send();
    b.send();
    await tick();
    a.receive();
    b.receive();

    putRecord(a.doc, 'first', 1);
    a.send();
    await tick(); // the first commit starts
    expect(commits).toHaveLength(1);
    putRecord(a.doc, 'second', 2);
    a.send();
    await tick(); // no second commit while the first is under way
    expect(commits).toHaveLength(1);
    b.receive();
    expect(b.doc.getMap('notes').has('first')).toBe(false);

    commits[0]!.settle();
    await tick();
    b.receive();
    expect(b.doc.getMap('notes').has('first')).toBe(true);
    expect(b.doc.getMap('notes').has('second')).toBe(false);
    expect(commits).toHaveLength(2);

    commits[1]!.settle();
    await tick();
    b.receive();
    expect(b.doc.getMap('notes').has('second')).toBe(true);
    expect(commits.map((c) => c.appends.map((x) => x.seq))).toEqual([[1], [2]]);
  });

  it('relays nothing of a fenced commit, says so once, and closes the room', async () => {
    const { room, commits, failures, a, b } = setup();
    cleanup = () => {
      if (!room.doc.isDestroyed) room.destroy();
    };
    a.send();
    b.send();
    await tick();
    a.receive();
    b.receive();
    putRecord(a.doc, 'fenced', 1);
    a.send();
    await tick();
    commits[0]!.settle(new FencedError('w'));
    await tick();
    b.receive();
    expect(b.doc.getMap('notes').has('fenced')).toBe(false);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(FencedError);
    expect(room.doc.isDestroyed).toBe(true);
  });
});

describe('HeldSocket', () => {
  it('sends nothing while held, then everything in order once the commit returned', async () => {
    const inner = new TestSocket('c', []);
    const held = new HeldSocket(inner);
    let release!: (stored: boolean) => void;
    held.holdUntil(new Promise<boolean>((r) => (release = r)));
    held.send(new Uint8Array([1]));
    held.send(new Uint8Array([2]));
    expect(inner.queue).toHaveLength(0);
    expect(held.bufferedAmount()).toBe(2);
    release(true);
    await tick();
    expect(inner.queue.map((m) => m[0])).toEqual([1, 2]);
    held.send(new Uint8Array([3]));
    expect(inner.queue.map((m) => m[0])).toEqual([1, 2, 3]);
  });
});

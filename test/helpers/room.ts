// In-process doubles for a DocRoom, so its write path can be tested without a server, a socket or
// a clock (as tldraw's TestSocketPair and Yjs's TestConnector do):
// - TestSocket: a RoomSocket whose sends wait in a queue until the test delivers them;
// - TestClient: a client-side Y.Doc and Awareness on one TestSocket, speaking y-websocket: what it
//   sends waits in a queue too, until the test hands it to room.handleMessage;
// - MemoryStorage: the storage the room and the TurnWriter use, in memory, which fails on demand;
// - RoomHarness: one room on them, with a TurnWriter whose end-of-turn commit runs only when the
//   test calls commit().
// Every commit and every send is written to one timeline, so a test can say what came first.
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { DocRoom, type DocRoomDeps, type WriteVerdict } from '../../server/docRoom.js';
import { TurnWriter, type CommitStorage } from '../../server/turnWriter.js';
import { createMetrics, type Metrics } from '../../server/metrics.js';
import { createLogger } from '../../server/logger.js';
import { CloseCode, MessageType } from '../../server/protocol.js';
import { MalformedMessageError } from '../../server/room/messages.js';
import type { RoomStorage } from '../../server/room/roomStorage.js';
import type { GateRules } from '../../server/room/writeRules.js';
import type { Peer, RoomSocket } from '../../server/socket.js';
import { GATES } from '../../server/workshop.js';
import type { Role } from '../../shared/constants.js';
import { updateFrame } from './updates.js';

/** What happened, in order: `commit` (storage made updates durable) or `send <client>`. */
export type Timeline = string[];

/** A RoomSocket whose sends wait in `queue` until the client takes them (TestClient.receive). */
export class TestSocket implements RoomSocket {
  readonly queue: Uint8Array[] = [];
  /** How the room closed it, if it did. */
  closed: { code: number; reason: string } | null = null;
  /** What bufferedAmount() reports (a test sets it to play a peer that stopped reading). */
  buffered = 0;

  constructor(
    private readonly name: string,
    private readonly timeline: Timeline,
  ) {}

  send(data: Uint8Array): void {
    if (this.closed) throw new Error(`send on a closed socket (${this.name})`);
    this.queue.push(data);
    this.timeline.push(`send ${this.name}`);
  }

  close(code: number, reason: string): void {
    this.closed ??= { code, reason };
  }

  isOpen(): boolean {
    return this.closed === null;
  }

  bufferedAmount(): number {
    return this.buffered;
  }
}

export interface ClientOptions {
  role?: Role;
  /** The Yjs client id the client's document writes under (fixed, so runs can be replayed). */
  clientId: number;
  /** The person id the server issued (default: the client's name). */
  personId?: string;
  ephemeral?: boolean;
}

/**
 * One client connected to a room through a TestSocket: a Y.Doc and an Awareness the test drives.
 * The client's local changes wait in `outbox` as y-websocket frames until send(); what the room
 * sent waits in `socket.queue` until receive().
 */
export class TestClient {
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  /** Frames this client sent that the room has not read yet. */
  outbox: Uint8Array[] = [];
  socket!: TestSocket;
  peer!: Peer;
  /** Whether the room still counts this connection (join called, leave not yet). */
  private joined = false;
  private room: DocRoom | null = null;

  constructor(
    readonly name: string,
    private readonly options: ClientOptions,
    private readonly timeline: Timeline,
  ) {
    this.doc = new Y.Doc();
    this.doc.clientID = options.clientId;
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState(null); // no presence until the test sets one
    // Like y-websocket: local document changes go to the server; what came from it does not go back.
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this && this.connected) this.outbox.push(updateFrame(update));
    });
    this.awareness.on('update', ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
      if (origin !== 'local' || !this.connected) return;
      this.outbox.push(awarenessFrame(this.awareness, [...added!, ...updated!, ...removed!]));
    });
  }

  get connected(): boolean {
    return this.joined && this.socket.isOpen();
  }

  /** Opens a connection to `room` (a new socket): the room greets it, and the client sends its sync step 1 (and presence). */
  connect(room: DocRoom): void {
    if (this.joined) this.disconnect();
    this.room = room;
    this.socket = new TestSocket(this.name, this.timeline);
    const { role = 'participant', personId = this.name, ephemeral = false } = this.options;
    this.peer = { socket: this.socket, role, id: this.name, personId, ephemeral, color: '#336699' };
    this.outbox = [];
    this.joined = true;
    room.join(this.peer);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MessageType.sync);
    syncProtocol.writeSyncStep1(e, this.doc);
    this.outbox.push(encoding.toUint8Array(e));
    if (this.awareness.getLocalState() !== null) this.outbox.push(awarenessFrame(this.awareness, [this.doc.clientID]));
  }

  /** The connection ends (as ws reports a close): whatever was in flight either way is lost. */
  disconnect(): void {
    if (!this.joined) return;
    this.joined = false;
    this.socket.close(1000, 'client left');
    this.outbox = [];
    this.socket.queue.length = 0;
    this.room!.leave(this.peer);
  }

  /**
   * Hands up to `n` of this client's frames to the room, in order. Like ws.ts, a malformed one
   * closes the connection (4400); a connection the room closed carries nothing more (its close is
   * then reported to the room, as ws does).
   */
  send(n = Infinity): number {
    let sent = 0;
    while (sent < n && this.outbox.length) {
      if (!this.connected) break;
      const frame = this.outbox.shift()!;
      sent++;
      try {
        this.room!.handleMessage(this.peer, frame);
      } catch (err) {
        if (!(err instanceof MalformedMessageError)) throw err;
        this.socket.close(CloseCode.malformed, err.message);
      }
    }
    this.reportClose();
    return sent;
  }

  /** Applies up to `n` of the messages the room sent, in order; replies (a sync step 2) join the outbox. */
  receive(n = Infinity): number {
    let received = 0;
    while (received < n && this.socket.queue.length) {
      const message = this.socket.queue.shift()!;
      received++;
      const decoder = decoding.createDecoder(message);
      const type = decoding.readVarUint(decoder);
      if (type === MessageType.sync) {
        const reply = encoding.createEncoder();
        encoding.writeVarUint(reply, MessageType.sync);
        syncProtocol.readSyncMessage(decoder, reply, this.doc, this);
        if (encoding.length(reply) > 1 && this.connected) this.outbox.push(encoding.toUint8Array(reply));
      } else if (type === MessageType.awareness) {
        awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
      }
    }
    this.reportClose();
    return received;
  }

  /** Sets this client's presence (sent like y-websocket sends it, on the next send()). */
  setPresence(state: Record<string, unknown> | null): void {
    this.awareness.setLocalState(state);
  }

  /** A socket the room closed is reported closed to the room once the client has read what it sent. */
  private reportClose(): void {
    if (this.joined && this.socket.closed && !this.socket.queue.length) {
      this.joined = false;
      this.outbox = [];
      this.room!.leave(this.peer);
    }
  }

  destroy(): void {
    this.awareness.destroy();
    this.doc.destroy();
  }
}

const awarenessFrame = (awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.awareness);
  encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
  return encoding.toUint8Array(e);
};

interface StoredDoc {
  snapshot: { uptoSeq: number; data: Uint8Array } | null;
  updates: Map<number, Uint8Array>;
}

/**
 * What the room (RoomStorage) and the TurnWriter (CommitStorage) use of the SQLite Storage, in
 * memory. A transaction is all or nothing, as SQLite's is; an append can be made to fail.
 */
export class MemoryStorage implements RoomStorage, CommitStorage {
  private docs = new Map<string, StoredDoc>();
  /** Appends to come before one throws (null: none throws). */
  private failAfter: number | null = null;
  private inTransaction = false;
  /** Committed appends, all documents, in order (what a crash would keep). */
  readonly appended: { doc: string; seq: number; update: Uint8Array }[] = [];

  constructor(private readonly timeline: Timeline = []) {}

  readonly db = {
    transaction:
      (fn: () => void) =>
      (): void => {
        const saved = this.copy();
        const committed = this.appended.length;
        this.inTransaction = true;
        try {
          fn();
        } catch (err) {
          this.docs = saved; // rolled back
          this.appended.length = committed;
          throw err;
        } finally {
          this.inTransaction = false;
        }
        this.timeline.push('commit');
      },
  };

  /** The next append (or, with `after`, the one after that many more) throws, as a full disk would. */
  failNextAppend({ after = 0 } = {}): void {
    this.failAfter = after;
  }

  appendUpdate(doc: string, seq: number, update: Uint8Array): void {
    if (this.failAfter !== null && this.failAfter-- === 0) {
      this.failAfter = null;
      throw new Error('injected storage fault: disk full');
    }
    const stored = this.doc(doc);
    if (stored.updates.has(seq) || seq <= (stored.snapshot?.uptoSeq ?? 0)) throw new Error(`UNIQUE constraint failed: ${doc} ${seq}`);
    stored.updates.set(seq, update.slice());
    this.appended.push({ doc, seq, update: update.slice() });
    if (!this.inTransaction) this.timeline.push('commit'); // a lone statement commits on its own
  }

  loadDoc(doc: string): { snapshot: Uint8Array | null; updates: Uint8Array[]; lastSeq: number } {
    const stored = this.doc(doc);
    const seqs = [...stored.updates.keys()].sort((a, b) => a - b);
    return {
      snapshot: stored.snapshot?.data.slice() ?? null,
      updates: seqs.map((s) => stored.updates.get(s)!.slice()),
      lastSeq: seqs.length ? seqs[seqs.length - 1]! : (stored.snapshot?.uptoSeq ?? 0),
    };
  }

  compact(doc: string, uptoSeq: number, snapshot: Uint8Array): void {
    const stored = this.doc(doc);
    stored.snapshot = { uptoSeq, data: snapshot.slice() };
    for (const seq of [...stored.updates.keys()]) if (seq <= uptoSeq) stored.updates.delete(seq);
  }

  boundWal(): void {}

  /** A document rebuilt from what is stored for `doc`, as a restarted server would load it. */
  load(doc: string): Y.Doc {
    const loaded = new Y.Doc();
    const { snapshot, updates } = this.loadDoc(doc);
    if (snapshot) Y.applyUpdate(loaded, snapshot);
    for (const update of updates) Y.applyUpdate(loaded, update);
    return loaded;
  }

  private doc(doc: string): StoredDoc {
    let stored = this.docs.get(doc);
    if (!stored) this.docs.set(doc, (stored = { snapshot: null, updates: new Map() }));
    return stored;
  }

  private copy(): Map<string, StoredDoc> {
    const copy = new Map<string, StoredDoc>();
    for (const [key, d] of this.docs) copy.set(key, { snapshot: d.snapshot, updates: new Map(d.updates) });
    return copy;
  }
}

export interface HarnessOptions {
  /** Default: the board's rules (server/workshop.ts GATES). */
  gate?: GateRules;
  /** Default: as a workshop's board: facilitators write, observers are dropped, participants are reverted while `locked`. */
  writePolicy?: (peer: Peer) => WriteVerdict;
  /** The room's own Yjs client id (what its reverts and its own writes carry); fixed for replays. */
  roomClientId?: number;
  storage?: MemoryStorage;
}

/** One room on in-memory storage, with clients the test connects, and a commit the test runs. */
export class RoomHarness {
  readonly key = 'w:board';
  readonly timeline: Timeline = [];
  readonly storage: MemoryStorage;
  readonly metrics: Metrics = createMetrics();
  readonly writer: TurnWriter;
  readonly clients: TestClient[] = [];
  room: DocRoom;
  /** Rooms that dropped themselves after a failed commit (DocRoomDeps.onDropped). */
  readonly dropped: DocRoom[] = [];
  /** While true, participants' writes are reverted (the default write policy). */
  locked = false;
  private readonly deps: DocRoomDeps;

  constructor(private readonly options: HarnessOptions = {}) {
    this.storage = options.storage ?? new MemoryStorage(this.timeline);
    // The end-of-turn flush is never scheduled on the event loop: the test runs it (commit()).
    this.writer = new TurnWriter(this.storage, this.metrics, () => undefined);
    this.deps = {
      storage: this.storage,
      turnWriter: this.writer,
      metrics: this.metrics,
      log: createLogger('silent'),
      compactAfterUpdates: 1_000_000,
      maxBufferedBytes: 1024 * 1024,
      writePolicy: options.writePolicy ?? ((peer) => (peer.role === 'facilitator' ? 'allow' : peer.role === 'observer' ? 'drop' : this.locked ? 'revert' : 'allow')),
      gate: options.gate ?? GATES.board,
      onDropped: (room) => this.dropped.push(room),
    };
    this.room = this.open();
  }

  /** Loads the room from storage again (as the next connection after a dropped room does). */
  reload(): DocRoom {
    this.room = this.open();
    return this.room;
  }

  private open(): DocRoom {
    const room = new DocRoom(this.key, this.deps);
    room.doc.clientID = this.options.roomClientId ?? 1;
    return room;
  }

  /** A new client, connected to the room. */
  client(name: string, options: Partial<ClientOptions> = {}): TestClient {
    const client = new TestClient(name, { clientId: 100 + this.clients.length, ...options }, this.timeline);
    this.clients.push(client);
    client.connect(this.room);
    return client;
  }

  /** Runs the end-of-turn commit now: stores this turn's updates, then relays them (or fails). */
  commit(): void {
    this.writer.flush();
  }

  /** Delivers everything in every direction, committing each turn, until nothing moves. */
  settle(): void {
    for (let moved = true; moved; ) {
      moved = false;
      for (const c of this.clients) if (c.send()) moved = true;
      if (this.room.pendingCount) {
        this.commit();
        moved = true;
      }
      for (const c of this.clients) if (c.receive()) moved = true;
    }
  }

  /** How many messages or connections the room rejected, by reason. */
  async rejections(): Promise<Record<string, number>> {
    const { values } = await this.metrics.rejected.get();
    return Object.fromEntries(values.map((v) => [String(v.labels.reason), v.value]));
  }

  destroy(): void {
    for (const c of this.clients) c.destroy();
    if (!this.room.doc.isDestroyed) this.room.destroy();
  }
}

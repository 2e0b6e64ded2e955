// Records a workshop's history (SPEC 8) from the transactions the server applies, never from what a
// client says. For the board and the control document it keeps each tracked record's value as
// JSON (a shadow), so every transaction's change is known as before/after values:
// - a client's write becomes an entry only once the write gate accepted it (DocRoomDeps.onAccepted):
//   a refused or reverted write, and an observer's (dropped before it is applied), never do;
// - the server's own writes become an entry when made on someone's behalf (withActor: a check-in,
//   a restore, auto-advance as the server itself); its bookkeeping (reverts, merge repairs, clearing
//   authors in anonymous mode, tallies, the roster) only keeps the shadow in step.
// Entries are stored by the TurnWriter in the same SQLite transaction as the updates they describe
// (this recorder is one of its PendingRooms): a kill -9 keeps both or neither.
import type * as Y from 'yjs';
import type { Peer } from '../socket.js';
import type { DocRoom } from '../docRoom.js';
import { ServerOrigin } from '../room/origins.js';
import type { PendingRoom, RoomWriter } from '../turnWriter.js';
import type { Storage } from '../storage.js';
import { DOC_NAMES, PRIVATE_DOC_PREFIX, type Role } from '../../shared/constants.js';
import { boardMaps, noteMergeMap, controlMaps, privateMaps, readPrevious } from '../../shared/schema.js';
import { readEngineState } from '../../shared/stages.js';
import {
  ANONYMOUS_ACTOR,
  HISTORY_BOARD_ROOTS,
  HISTORY_CONTROL_ROOTS,
  canonicalJson,
  describeChange,
  describeScoring,
  namesNoteAuthor,
  withAnonymity,
  type Actor,
  type HistoryKind,
  type HistoryNames,
  type Json,
  type RecordChange,
} from '../../shared/history.js';
import { HistoryStore, type HistoryEntry, type HistoryLog } from './store.js';

/** The server itself (auto-advance); a role's API token without a person is `api:<role>`. */
export const SERVER_ACTOR: Actor = { id: 'server', name: 'Scaleboard', role: 'server' };

const stores = new WeakMap<Storage, HistoryStore>();
/** The history table of a storage (one statement set per database). */
export function historyStore(storage: Storage): HistoryStore {
  let store = stores.get(storage);
  if (!store) stores.set(storage, (store = new HistoryStore(storage.db)));
  return store;
}

/** What one server-made change is said as (a restore and a rollback say more than "added"). */
export interface ServerWrite {
  actor: Actor;
  kind?: HistoryKind;
  describe?: (who: string, changes: RecordChange[], names: HistoryNames) => string;
}

/** Each tracked record's value as canonical JSON, per root, for one document. */
class Shadow {
  private readonly values = new Map<string, Map<string, string>>();
  private readonly roots: Map<Y.AbstractType<unknown>, string>;

  constructor(
    private readonly doc: Y.Doc,
    roots: [string, Y.Map<unknown>][],
  ) {
    this.roots = new Map(roots.map(([name, map]) => [map as Y.AbstractType<unknown>, name]));
    for (const [name, map] of roots) {
      const values = new Map<string, string>();
      for (const key of map.keys()) values.set(key, canonicalJson(valueOf(map.get(key))));
      this.values.set(name, values);
    }
  }

  /** What the transaction changed in the tracked records; the shadow takes the new values. */
  take(tr: Y.Transaction): RecordChange[] {
    const touched = new Map<string, Set<string>>();
    const add = (root: string, key: string) => {
      let keys = touched.get(root);
      if (!keys) touched.set(root, (keys = new Set()));
      keys.add(key);
    };
    for (const [type, keys] of tr.changed) {
      const root = this.roots.get(type as Y.AbstractType<unknown>);
      if (root) {
        keys.forEach((k) => k !== null && add(root, k));
        continue;
      }
      // A field of a record (or text inside one): walk up to the record under its root.
      let t: Y.AbstractType<unknown> | null = type as Y.AbstractType<unknown>;
      while (t?._item) {
        const parent = t._item.parent as Y.AbstractType<unknown>;
        const name = this.roots.get(parent);
        if (name && t._item.parentSub) {
          add(name, t._item.parentSub);
          break;
        }
        t = parent;
      }
    }
    const changes: RecordChange[] = [];
    for (const [root, keys] of touched) {
      const map = [...this.roots].find(([, n]) => n === root)![0] as Y.Map<unknown>;
      const values = this.values.get(root)!;
      for (const key of keys) {
        const was = values.get(key);
        const now = map.has(key) ? canonicalJson(valueOf(map.get(key))) : undefined;
        if (was === now) continue;
        if (now === undefined) values.delete(key);
        else values.set(key, now);
        changes.push({ root, key, before: was === undefined ? null : (JSON.parse(was) as Json), after: now === undefined ? null : (JSON.parse(now) as Json) });
      }
    }
    return changes;
  }

  /** A record's value now (what the board holds, as the history knows it). */
  value(root: string, key: string): Json {
    const v = this.values.get(root)?.get(key);
    return v === undefined ? null : (JSON.parse(v) as Json);
  }

  entries(root: string): [string, Json][] {
    return [...(this.values.get(root) ?? [])].map(([k, v]) => [k, JSON.parse(v) as Json]);
  }

  get destroyed(): boolean {
    return this.doc.isDestroyed;
  }
}

const valueOf = (v: unknown): unknown => (v && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function' ? (v as { toJSON(): unknown }).toJSON() : v ?? null);
const isPeer = (origin: unknown): origin is Peer => !!origin && typeof origin === 'object' && 'personId' in origin && 'role' in origin;

export interface HistoryHost {
  readonly id: string;
  room(docName: string): DocRoom;
}

export class HistoryRecorder implements PendingRoom {
  readonly store: HistoryLog;
  private readonly shadows = new Map<string, { room: DocRoom; shadow: Shadow }>();
  /** The last client transaction's changes, until the gate says it is accepted. */
  private lastClientWrite: { tr: Y.Transaction; changes: RecordChange[] } | null = null;
  private serverWrite: ServerWrite | null = null;
  private pending: HistoryEntry[] = [];
  /** How many of `pending` (its first ones) the commit under way stores (the cluster's writer awaits PostgreSQL; see room/outbox.ts). */
  private persisted = 0;
  private committedSeq: number;
  /** Every stored entry, oldest first, read from the table once and kept in step as entries are stored. */
  private stored: HistoryEntry[] | null = null;
  /** Called once entries are stored (the API's readers may want to know). */
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly host: HistoryHost,
    /** The workshop's history table (historyStore(storage) on one node). */
    store: HistoryLog,
    private readonly turnWriter: RoomWriter,
    private readonly clock: () => number = Date.now,
  ) {
    this.store = store;
    this.committedSeq = this.store.lastSeq(host.id);
  }

  /** Called by the workshop right after it loaded a document, before anything else writes it. */
  roomLoaded(docName: string, room: DocRoom): void {
    if (docName !== DOC_NAMES.board && docName !== DOC_NAMES.control) return;
    const roots: [string, Y.Map<unknown>][] =
      docName === DOC_NAMES.board
        ? HISTORY_BOARD_ROOTS.map((r) => [r, r === 'noteMerges' ? noteMergeMap(room.doc) : (boardMaps(room.doc) as unknown as Record<string, Y.Map<unknown>>)[r]!])
        : HISTORY_CONTROL_ROOTS.map((r) => [r, controlMaps(room.doc)[r] as Y.Map<unknown>]);
    const shadow = new Shadow(room.doc, roots);
    this.shadows.set(docName, { room, shadow });
    const doc = docName === DOC_NAMES.board ? 'board' : 'control';
    room.doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.origin === ServerOrigin.load) return;
      const changes = shadow.take(tr);
      if (!changes.length) return;
      if (isPeer(tr.origin)) this.lastClientWrite = { tr, changes };
      else if (tr.origin === ServerOrigin.server && this.serverWrite) this.record(this.serverWrite, doc, changes);
    });
  }

  /** A client's write passed the gate (DocRoomDeps.onAccepted): its entry. */
  accepted(docName: string, tr: Y.Transaction, peer: Peer): void {
    const actor = this.actorOf(peer);
    if (docName.startsWith(PRIVATE_DOC_PREFIX)) {
      // Whose ballot it is comes from the document's name; what was scored is never recorded.
      const scores = privateMaps(this.host.room(docName).doc).scores as Y.AbstractType<unknown>;
      if ([...tr.changed.keys()].some((t) => t === scores)) this.push({ actor, doc: 'private', kind: 'change', text: describeScoring(actor.name), changes: [] });
      return;
    }
    const write = this.lastClientWrite;
    this.lastClientWrite = null;
    if (write?.tr !== tr) return;
    this.record({ actor }, docName === DOC_NAMES.board ? 'board' : 'control', write.changes);
  }

  /** Runs server writes made on someone's behalf: they are recorded as that person's (nested: the outer one wins). */
  withActor<T>(write: ServerWrite, fn: () => T): T {
    if (this.serverWrite) return fn();
    this.serverWrite = write;
    try {
      return fn();
    } finally {
      this.serverWrite = null;
    }
  }

  /**
   * Every entry as it may be read (API, logs), oldest first, note authors hidden as anonymous mode
   * says (withAnonymity). From memory: the History region asks after every change, and parsing
   * every row's values each time cost 20–40 ms for 3,000 entries (about 3–6 ms from memory).
   */
  readable(anonymousNow: boolean): HistoryEntry[] {
    this.stored ??= this.store.list(this.host.id);
    return withAnonymity(this.stored, anonymousNow);
  }

  /** The number of the last entry stored. */
  get lastStored(): number {
    return this.committedSeq;
  }

  get actingFor(): ServerWrite | null {
    return this.serverWrite;
  }

  /** A board record's value as the history knows it now (null: absent). */
  boardValue(root: string, key: string): Json {
    return this.shadow(DOC_NAMES.board).value(root, key);
  }

  /** The person a peer is, by the server-issued id; the name the roster knows. */
  actorOf(peer: Pick<Peer, 'personId' | 'role'>): Actor {
    const entry = boardMaps(this.host.room(DOC_NAMES.board).doc).roster.get(peer.personId);
    const name = typeof entry?.name === 'string' && entry.name ? entry.name : `A ${peer.role}`;
    return { id: peer.personId, name, role: peer.role };
  }

  /** Who an API request acts as: its person (x-person-token) if it is one of this role, else the role's token. */
  requestActor(person: { id: string; role: string } | null, role: Role): Actor {
    if (person && person.role === role) return this.actorOf({ personId: person.id, role });
    return { id: `api:${role}`, name: `The ${role} (API)`, role };
  }

  private shadow(docName: string): Shadow {
    const s = this.shadows.get(docName);
    // A room dropped after a failed commit is loaded again (and its shadow made again) on next use.
    if (!s || s.shadow.destroyed) this.host.room(docName);
    return this.shadows.get(docName)!.shadow;
  }

  /** The names sentences use, from the board as it is now. */
  names(): HistoryNames {
    const board = this.shadow(DOC_NAMES.board);
    // Numbered by creation, like the board shows them; read only when a sentence names one.
    let initiatives: { id: string; v: Record<string, Json> }[] | null = null;
    const ordered = () =>
      (initiatives ??= board
        .entries('initiatives')
        .map(([id, v]) => ({ id, v: (v ?? {}) as Record<string, Json> }))
        .sort((a, b) => Number(a.v.createdAt ?? 0) - Number(b.v.createdAt ?? 0) || (a.id < b.id ? -1 : 1)));
    const roster = boardMaps(this.host.room(DOC_NAMES.board).doc).roster;
    const field = (root: string, id: string, f: string): string | null => {
      const v = board.value(root, id) as Record<string, Json> | null;
      return v && typeof v[f] === 'string' ? (v[f] as string) : null;
    };
    return {
      initiative: (id) => {
        const list = ordered();
        const i = list.findIndex((x) => x.id === id);
        return i < 0 ? null : { number: i + 1, title: typeof list[i]!.v.title === 'string' ? (list[i]!.v.title as string) : '' };
      },
      noteText: (id) => field('notes', id, 'text'),
      metricName: (id) => field('metrics', id, 'name'),
      previousDecision: (id) => readPrevious(this.host.room(DOC_NAMES.board).doc)?.decisions.find((d) => d.id === id)?.initiative ?? null,
      personName: (id) => {
        const name = roster.get(id)?.name;
        return typeof name === 'string' && name ? name : null;
      },
    };
  }

  private record(write: ServerWrite, doc: 'board' | 'control', changes: RecordChange[]): void {
    let actor = write.actor;
    // Anonymous workshops: the history does not say which participant wrote which note.
    const control = this.host.room(DOC_NAMES.control).doc;
    if (controlMaps(control).settings.get('anonymous') === true && namesNoteAuthor({ actor, doc, changes })) actor = ANONYMOUS_ACTOR;
    const names = this.names();
    const text = write.describe ? write.describe(actor.name, changes, names) : describeChange(actor.name, doc, changes, names);
    // A restore's or rollback's own sentence is for its own transaction; what follows from it (a merge
    // repair) is said as a plain change of the same person.
    if (write === this.serverWrite && write.describe) this.serverWrite = { actor: write.actor };
    if (text === null) return;
    this.push({ actor, doc, kind: write.kind ?? 'change', text, changes });
  }

  private push(e: Omit<HistoryEntry, 'seq' | 'at' | 'stage'>): void {
    this.pending.push({ ...e, seq: 0, at: this.clock(), stage: this.stageKey() });
    this.turnWriter.add(this);
  }

  /** The current stage's key, read again only after the engine state changed. */
  private stage: { state: unknown; key: string } | null = null;
  private stageKey(): string {
    const control = this.host.room(DOC_NAMES.control).doc;
    const state = controlMaps(control).engine.get('state');
    const known = this.stage;
    if (known && known.state === state) return known.key;
    const engine = readEngineState(control);
    const key = engine.stages[engine.current]?.key ?? String(engine.current);
    this.stage = { state, key };
    return key;
  }

  onStored(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // The TurnWriter's side: stored with the updates of the same turn, in the same transaction.

  get pendingCount(): number {
    return this.pending.length;
  }

  persistPending(): void {
    let seq = this.committedSeq + this.persisted;
    for (let i = this.persisted; i < this.pending.length; i++) {
      const e = this.pending[i]!;
      e.seq = ++seq;
      this.store.insert(this.host.id, e);
    }
    this.persisted = this.pending.length;
  }

  dropPending(): void {
    // The updates these entries describe were not stored either (same transaction): neither happened.
    this.pending = [];
    this.persisted = 0;
  }

  relayPersisted(): void {
    const stored = this.pending.splice(0, this.persisted);
    this.stored?.push(...stored);
    this.committedSeq += this.persisted;
    this.persisted = 0;
    this.listeners.forEach((l) => l());
  }
}

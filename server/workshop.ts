// A workshop loaded in memory: its documents (board, control, private ones), who may write
// which, and the roster the server keeps from presence. The unit that is loaded and unloaded.
import * as Y from 'yjs';
import { DocRoom, ServerOrigin, type DocRoomDeps, type WriteVerdict } from './docRoom.js';
import type { Peer } from './socket.js';
import type { Storage, WorkshopRow } from './storage.js';
import type { RoleHashes } from './auth.js';
import { DOC_NAMES, PRIVATE_DOC_PREFIX } from '../shared/constants.js';
import { DOC_ROOTS, RECORD_ROOTS, boardMaps, readSettings, type DocKind, type RosterEntry } from '../shared/schema.js';
import type { GateRules } from './room/writeRules.js';
import type { RoomStorage } from './room/roomStorage.js';
import { FIELD_LIMITS, MAX_DOC_BYTES, MAX_OTHER_FIELD_LENGTH, RECORD_LIMITS, SETTINGS_LINE_LIMITS } from '../shared/limits.js';
import { Anonymity } from './anonymity.js';
import { ScoreReveal } from './scores.js';
import { ServerRules } from './serverRules.js';
import { HistoryRecorder, SERVER_ACTOR } from './history/recorder.js';
import type { HistoryLog } from './history/store.js';

/**
 * Whether a requested path names the connecting person's private document: `private`, or (as
 * older clients ask) `private/<anything>`. Whatever follows the prefix is ignored: a person has
 * exactly one private document, so a second one under the same identity is the same ballot.
 */
export const isPrivateRequest = (name: string): boolean => name === PRIVATE_DOC_PREFIX.slice(0, -1) || name.startsWith(PRIVATE_DOC_PREFIX);

/** Document paths a client may ask for: board (''), control, or private[/…]. */
export function isValidDocName(name: string): boolean {
  return name === DOC_NAMES.board || name === DOC_NAMES.control || isPrivateRequest(name);
}

/** The document a peer's request opens: a private request is always the peer's own `private/<personId>`. */
export const roomNameFor = (requested: string, peer: Pick<Peer, 'personId'>): string =>
  isPrivateRequest(requested) ? PRIVATE_DOC_PREFIX + peer.personId : requested;

/** Why a private document is refused to a connection without a person token. */
export const PERSON_NEEDED = 'a private document needs a person identity: connect with ?person=<person token>';

/** Whether this peer may open the requested document at all: true, or the reason it may not (no workshop needs loading to say). */
export function mayReadDoc(requested: string, peer: Pick<Peer, 'role' | 'ephemeral'>): true | string {
  if (!isPrivateRequest(requested)) return true;
  if (peer.role === 'observer') return 'forbidden';
  if (peer.ephemeral) return PERSON_NEEDED;
  return true;
}

export const docKey = (workshopId: string, docName: string): string => `${workshopId}:${docName || 'board'}`;

/** What a workshop reads of storage: its rooms' documents, its people and its private documents (SQLite, or the cluster's PostgreSQL preload). */
export type WorkshopStorage = RoomStorage & Pick<Storage, 'personIds' | 'listDocs'>;

/** What every room of every workshop shares; the workshop itself reads more of storage (its people, its private documents). */
type SharedDeps = Omit<DocRoomDeps, 'writePolicy' | 'gate' | 'onAccepted' | 'onDropped' | 'storage'> & { storage: WorkshopStorage };

const docKind = (docName: string): DocKind =>
  docName === DOC_NAMES.board ? 'board' : docName === DOC_NAMES.control ? 'control' : 'private';

/** What clients may write in each kind of document (see DOC_ROOTS). */
const gateOf = (kind: DocKind): GateRules => ({
  clientRoots: new Set<string>(DOC_ROOTS[kind].client),
  serverRoots: new Set<string>(DOC_ROOTS[kind].server),
  recordRoots: new Set<string>(kind === 'board' ? RECORD_ROOTS : []),
  limits: {
    fields: FIELD_LIMITS,
    otherField: MAX_OTHER_FIELD_LENGTH,
    records: RECORD_LIMITS,
    docBytes: MAX_DOC_BYTES[kind],
    lines: kind === 'control' ? { settings: SETTINGS_LINE_LIMITS } : {},
  },
});
export const GATES: Record<DocKind, GateRules> = { board: gateOf('board'), control: gateOf('control'), private: gateOf('private') };

/** A document of a workshop could not be loaded from storage (a damaged row): that workshop is unavailable. */
export class WorkshopLoadError extends Error {
  constructor(
    readonly workshopId: string,
    readonly docName: string,
    cause: unknown,
  ) {
    super(`workshop ${workshopId} could not be loaded: document ${docName || 'board'} is damaged (${(cause as Error)?.message ?? cause})`, { cause });
  }
}

export class Workshop {
  private readonly rooms = new Map<string, DocRoom>();
  readonly roleHashes: RoleHashes;
  private connections = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Copies blind scores from private docs into the board once the facilitator reveals. */
  private readonly scores = new ScoreReveal(this);
  /** While the workshop is anonymous, the board holds no author identity. */
  private readonly anonymity = new Anonymity(this);
  /** Merge repair and auto-advance, which no client may be trusted or relied on to run. */
  private readonly rules = new ServerRules(this);
  /** Every accepted change, who made it and what it did (SPEC 8), stored with the updates it describes. */
  readonly history: HistoryRecorder;

  constructor(
    readonly row: WorkshopRow,
    private readonly deps: SharedDeps & { roomIdleMs: number; onIdle: (w: Workshop) => void; history: HistoryLog },
  ) {
    this.roleHashes = {
      facilitator: row.facilitatorHash,
      participant: row.participantHash,
      observer: row.observerHash,
    };
    this.history = new HistoryRecorder(this, deps.history, deps.turnWriter);
  }

  get id(): string {
    return this.row.id;
  }

  /** The control document is always loaded: the board's write policy reads the lock from it. */
  get control(): DocRoom {
    return this.room(DOC_NAMES.control);
  }

  get board(): DocRoom {
    return this.room(DOC_NAMES.board);
  }

  room(docName: string): DocRoom {
    let room = this.rooms.get(docName);
    if (!room) {
      try {
        room = new DocRoom(docKey(this.id, docName), {
          ...this.deps,
          writePolicy: (peer) => this.writePolicy(docName, peer),
          gate: GATES[docKind(docName)],
          anonymous: () => this.anonymity.isOn(),
          onAccepted: (tr, peer) => {
            this.history.accepted(docName, tr, peer);
            if (docName === DOC_NAMES.board) this.anonymity.written(tr);
          },
          // Reloaded from storage on its next use.
          onDropped: (dropped) => {
            if (this.rooms.get(docName) === dropped) this.rooms.delete(docName);
          },
        });
      } catch (err) {
        throw new WorkshopLoadError(this.id, docName, err);
      }
      this.rooms.set(docName, room);
      this.history.roomLoaded(docName, room);
      if (docName === DOC_NAMES.board) this.trackRoster(room);
      this.scores.roomLoaded(docName, room);
      this.anonymity.roomLoaded(docName);
      this.rules.roomLoaded(docName, room);
    }
    return room;
  }

  /**
   * Loads every document of the workshop, or throws WorkshopLoadError. All of them are needed at
   * once anyway (ballots read every private document), and a document that cannot be loaded
   * (a damaged row) then fails here, where the caller answers for this workshop alone.
   */
  loadAll(): void {
    this.room(DOC_NAMES.control);
    this.room(DOC_NAMES.board);
    for (const name of this.privateDocNames()) this.room(name);
  }

  /** Whether this peer may open the requested document at all: true, or the reason it may not. */
  mayRead(requested: string, peer: Pick<Peer, 'role' | 'ephemeral'>): true | string {
    return mayReadDoc(requested, peer);
  }

  writePolicy(docName: string, peer: Peer): WriteVerdict {
    if (peer.role === 'facilitator') return 'allow';
    if (peer.role === 'observer') return 'drop';
    // Participants never write the control document, and a locked board is read-only for them,
    // scoring (their private doc) included. Reverted rather than dropped: the undo reaches the
    // writer too, so its copy comes back in step with everyone's instead of drifting.
    if (docName === DOC_NAMES.control) return 'revert';
    if (readSettings(this.control.doc).locked) return 'revert';
    return 'allow';
  }

  /** Names of this workshop's private documents in storage (blind scores), one per person. */
  privateDocNames(): string[] {
    const prefix = docKey(this.id, PRIVATE_DOC_PREFIX);
    // Documents named after anything but a person of this workshop (made before people existed) are no ballot.
    const people = new Set(this.deps.storage.personIds(this.id));
    // Loaded ones too: a document's first update may not be committed yet when this is read.
    const stored = this.deps.storage.listDocs(prefix).map((k) => PRIVATE_DOC_PREFIX + k.slice(prefix.length));
    const loaded = [...this.rooms.keys()].filter((name) => name.startsWith(PRIVATE_DOC_PREFIX));
    return [...new Set([...stored, ...loaded])].filter((name) => people.has(name.slice(PRIVATE_DOC_PREFIX.length)));
  }

  connected(): void {
    this.connections++;
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
  }

  disconnected(): void {
    this.connections--;
    if (this.connections === 0) {
      this.idleTimer = setTimeout(() => this.deps.onIdle(this), this.deps.roomIdleMs);
      this.idleTimer.unref();
    }
  }

  get connectionCount(): number {
    return this.connections;
  }

  /**
   * The server records everyone who joins (name, role, colour) for the decision log, keyed by the
   * person id it issued, with the role and colour it knows. Only the name comes from presence
   * (already cleaned by the room: awarenessChecks.ts sanitizePresence).
   */
  private trackRoster(board: DocRoom): void {
    board.awareness.on('change', ({ added, updated }: { added: number[]; updated: number[] }, origin: unknown) => {
      const peer = origin as Peer | null;
      if (!peer || typeof peer !== 'object' || !('personId' in peer) || peer.ephemeral) return;
      const roster = boardMaps(board.doc).roster;
      const entries: RosterEntry[] = [];
      for (const clientId of [...added, ...updated]) {
        const user = (board.awareness.getStates().get(clientId) as { user?: Record<string, unknown> } | undefined)?.user;
        const name = typeof user?.name === 'string' ? user.name : '';
        const { personId: id, role, color } = peer;
        const prev = roster.get(id);
        if (!name || (prev && prev.name === name && prev.role === role && prev.color === color)) continue;
        entries.push({ id, name, role, color, firstSeen: prev?.firstSeen ?? Date.now() });
      }
      if (entries.length) board.doc.transact(() => entries.forEach((e) => roster.set(e.id, e)), ServerOrigin.server);
    });
  }

  /** Writes on behalf of the server (reveals, roster); persisted and relayed like any update. */
  transact(docName: string, fn: (doc: Y.Doc) => void): void {
    const room = this.room(docName);
    // Recorded in the history as the server's own (auto-advance) unless made on someone's behalf.
    this.history.withActor(this.history.actingFor ?? { actor: SERVER_ACTOR }, () => room.doc.transact(() => fn(room.doc), ServerOrigin.server));
  }

  /** Closes every connection to any of this workshop's documents (e.g. 4404 once it is deleted). */
  closeConnections(code: number, reason: string): void {
    for (const room of this.rooms.values()) for (const peer of room.peers.keys()) peer.socket.close(code, reason);
  }

  destroy(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.scores.destroy();
    this.rules.destroy();
    for (const room of this.rooms.values()) room.destroy();
    this.rooms.clear();
  }
}

// One live workshop session: the board and control documents, their y-websocket providers and
// presence. The single bridge between the network and the views.
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import type { Awareness } from 'y-protocols/awareness';
import * as authProtocol from 'y-protocols/auth';
import { DOC_NAMES, type Role } from '../../shared/constants';
import { withJitteredBackoff } from './backoff';
import { refusalMessage } from './refusals';
import { localDbName, persistLocally, type LocalDoc, type LocalPersistence } from './localData';
import { nextPending, totalPending, type PendingCounts } from './pendingChanges';
import { readCurrentStage, readReveals, readSettings } from '../../shared/schema';
import { readEngineState, stagesOf } from '../../shared/stages';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'refused';

/** The person at this screen: `id` and `color` are the server's (the person), `name` is theirs. */
export interface LocalUser {
  id: string;
  name: string;
  color: string;
}

/** What every connection of a session presents: the link's role token and this browser's person token. */
export interface ConnectionParams {
  token: string;
  person: string;
}

export interface PresenceState {
  user?: LocalUser & { role?: Role };
  /** Set by features: cursor position on the board, the note being edited, typing… */
  [field: string]: unknown;
}

/**
 * User Timing marks, once per session: `scaleboard:<doc>-connected` when a document's socket
 * first opens and `scaleboard:<doc>-synced` when it first holds the server's state. They show up
 * in a browser profile, and bench/board-render.ts splits the time to a full board with them.
 */
export const timingMark = (doc: 'board' | 'control', event: 'connected' | 'synced') => `scaleboard:${doc}-${event}`;

/** Said once the board syncs again after a lock that came while this screen was offline. */
const OFFLINE_LOCK_NOTICE = 'The board was locked while you were offline: the changes you made to it meanwhile were not kept.';

/** y-websocket's auth message (server/protocol.ts MessageType.auth). */
const MESSAGE_AUTH = 2;

/** Close codes after which reconnecting is pointless (see server/protocol.ts). */
const FATAL_CLOSE_CODES = new Set([4400, 4401, 4403, 4404, 4500]);

/** The close code of a workshop whose stored data is damaged (server/protocol.ts CloseCode.loadFailed). */
export const WORKSHOP_UNAVAILABLE_CODE = 4500;
/** What the screen says then: no new link or reload helps, the server's operator has to restore it. */
export const WORKSHOP_UNAVAILABLE_MESSAGE =
  'This workshop could not be loaded: its stored data is damaged. Ask whoever runs the server to restore it from a backup.';

/** The close code of a connection to a workshop that is not there (any more): it was deleted. */
export const WORKSHOP_GONE_CODE = 4404;

/** Longest wait between reconnect attempts (ms). */
const MAX_BACKOFF_MS = 5_000;

/**
 * A provider for one room of the workshop server, reconnecting with jittered back-off: after a
 * server restart every client returns at once, and jitter spreads the herd.
 */
export function openProvider(
  serverUrl: string,
  room: string,
  doc: Y.Doc,
  params: ConnectionParams,
  { disableBc = false, presenceApart = false }: { disableBc?: boolean; presenceApart?: boolean } = {},
): WebsocketProvider {
  const provider = new WebsocketProvider(serverUrl, room, presenceApart ? wireFor(doc) : doc, {
    params: { token: params.token, person: params.person },
    maxBackoffTime: MAX_BACKOFF_MS,
    disableBc,
  });
  withJitteredBackoff(provider, { maxMs: MAX_BACKOFF_MS });
  freshPresenceAfterClose(provider);
  return provider;
}

/**
 * The document a provider syncs in place of `doc` when presence must not share `doc`'s client id.
 * y-websocket announces presence under its document's client id, and every item a document writes
 * carries that id too: on the board, anyone could name an anonymous note's author by matching the
 * two (SPEC: anonymous means the shared board holds no author identity). So the provider syncs a
 * copy that never writes anything of its own, whose id is the presence's, and the copy and `doc`
 * pass each other every update: the server's arrive in `doc` with the provider as their origin, as
 * if applied directly; `doc`'s own go out under `doc`'s id, which no presence names.
 */
function wireFor(doc: Y.Doc): Y.Doc {
  const wire = new Y.Doc();
  let provider: unknown = null;
  const bridge = Symbol('bridge');
  wire.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === bridge) return;
    provider = origin; // the provider (its socket or its broadcast channel): what `doc` sees
    Y.applyUpdate(doc, update, origin);
  });
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== null && origin === provider) return;
    Y.applyUpdate(wire, update, bridge);
  });
  doc.once('destroy', () => wire.destroy()); // its presence (awareness) and timer go with it
  return wire;
}

/**
 * Makes presence whole again as soon as a connection reopens. When a connection closes,
 * y-websocket drops everyone else's presence but keeps their clocks (awareness.meta), and
 * y-protocols ignores a state whose clock it has seen: after a server restart every peer
 * re-announces itself at its old clock and stays hidden until its 15 s renewal. Likewise a server
 * that stayed up still holds our last clock and drops a re-announcement at it as an echo. So on
 * close: forget the clocks of states no longer held, and renew our own state, so the next
 * connection announces a clock nobody has seen.
 */
export function freshPresenceAfterClose(provider: WebsocketProvider): void {
  provider.on('status', ({ status }: { status: string }) => {
    if (status !== 'disconnected') return;
    const { awareness } = provider;
    for (const id of [...awareness.meta.keys()]) {
      if (id !== awareness.clientID && !awareness.states.has(id)) awareness.meta.delete(id);
    }
    const own = awareness.getLocalState();
    if (own !== null) awareness.setLocalState(own);
  });
}

export class WorkshopSession {
  readonly board = new Y.Doc();
  readonly control = new Y.Doc();
  readonly providers: WebsocketProvider[];
  private status: ConnectionStatus = 'connecting';
  private everConnected = false;
  private refusal: string | null = null;
  private refusalCode: number | null = null;
  private joinedUser: LocalUser | null = null;
  private readonly listeners = new Set<() => void>();
  private pending: PendingCounts = {};
  private offline = typeof navigator !== 'undefined' && navigator.onLine === false;
  private readonly persisted: LocalPersistence[] = [];
  private readonly stopTracking: (() => void)[] = [];
  private readonly tracked = new Set<WebsocketProvider>();
  /**
   * Changes kept outside the documents that wait only for the connection, by source (the notes
   * written while the control document was not synced: client/features/board/privateNotes.ts).
   */
  private heldBack: PendingCounts = {};
  /** Counts kept from before a reload (localStorage), until that document syncs. */
  private storedPending: PendingCounts = {};
  /** The board had changes of ours waiting when it synced: check the lock once control is synced too. */
  private boardChangesArrived = false;
  private notice: string | null = null;
  /** The control state this screen last showed while not synced (offline, or loaded from storage). */
  private seenOffline: ControlSeen | null = null;
  private missed: string | null = null;

  constructor(
    readonly workshopId: string,
    readonly token: string,
    readonly role: Role,
    /** This browser's person token (client/state/identity.ts), sent with every connection. */
    readonly personToken: string,
    user: LocalUser | null = null,
    serverUrl = defaultServerUrl(),
  ) {
    // Presence rides on the board's connection under an id none of the board's items carry.
    const open = (docName: string, doc: Y.Doc) =>
      openProvider(serverUrl, docName ? `${workshopId}/${docName}` : workshopId, doc, this.params, { presenceApart: docName === DOC_NAMES.board });
    this.providers = [open(DOC_NAMES.board, this.board), open(DOC_NAMES.control, this.control)];
    markFirst(this.providers[0]!, 'board');
    markFirst(this.providers[1]!, 'control');
    for (const p of this.providers) {
      // The server says why it undid a write of ours (server/protocol.ts encodeRefusal): tell the person.
      p.messageHandlers[MESSAGE_AUTH] = (_encoder, decoder) =>
        authProtocol.readAuthMessage(decoder, p.doc, (_doc, reason) => {
          // The lock notice after a reconnect says more about the same undone edits: it stays.
          if (this.notice === OFFLINE_LOCK_NOTICE) return;
          this.notice = refusalMessage(reason);
          this.emit();
        });
      p.on('status', () => this.updateStatus());
      p.on('connection-close', (event: CloseEvent | null) => {
        if (event && FATAL_CLOSE_CODES.has(event.code)) {
          this.refusal = event.code === WORKSHOP_UNAVAILABLE_CODE ? WORKSHOP_UNAVAILABLE_MESSAGE : event.reason || `refused (${event.code})`;
          this.refusalCode = event.code;
          for (const q of this.providers) q.disconnect();
          this.updateStatus();
        }
      });
    }
    this.track('board', this.board, this.providers[0]!);
    this.track('control', this.control, this.providers[1]!);
    this.watchMissedWhileOffline(this.providers[1]!);
    // The browser knows it lost the network before a socket does (Chromium even holds an open
    // socket's messages): close the connections then, so edits count as waiting, and open them
    // again, with a full sync, when the network is back.
    if (typeof window !== 'undefined') {
      const goOffline = () => {
        this.offline = true;
        for (const p of this.tracked) p.disconnect();
        this.emit();
      };
      const goOnline = () => {
        this.offline = false;
        if (!this.refusal) for (const p of this.tracked) p.connect();
        this.emit();
      };
      window.addEventListener('offline', goOffline);
      window.addEventListener('online', goOnline);
      this.stopTracking.push(() => {
        window.removeEventListener('offline', goOffline);
        window.removeEventListener('online', goOnline);
      });
    }
    // No presence until the person joins: connected early, they are not yet in the room.
    this.awareness.setLocalState(null);
    if (user) this.join(user);
  }

  /**
   * Enters the room under a name: from now on the person is present. The session may have been
   * created (connected and synced) before, while the name form was on screen, so the board is
   * already there when they press Join.
   */
  join(user: LocalUser): void {
    if (this.joinedUser) return;
    this.joinedUser = user;
    this.awareness.setLocalState({ user: { ...user, role: this.role } });
    // Kept in this browser from now on (the person is known): a reload while offline shows it.
    this.persist('board', this.board, this.providers[0]!);
    this.persist('control', this.control, this.providers[1]!);
    this.storedPending = loadPending(this.pendingKey());
    for (const [name, provider] of [['board', this.providers[0]!], ['control', this.providers[1]!]] as const) {
      if (!provider.synced) this.addStoredPending(name);
    }
  }

  private pendingKey(): string {
    return `scaleboard:pending:${this.workshopId}:${this.user.id}`;
  }

  /** Brings back a document's count from before a reload: its changes still wait in IndexedDB. */
  private addStoredPending(name: string): void {
    const n = this.storedPending[name] ?? 0;
    if (n > 0 && !this.pending[name]) this.setPending({ ...this.pending, [name]: n });
  }

  /**
   * Keeps one of this person's documents of the workshop in IndexedDB until the session ends;
   * `provider` is the document's connection (see closeForStoredState).
   */
  persist(doc: LocalDoc, ydoc: Y.Doc, provider: WebsocketProvider): LocalPersistence {
    const p = persistLocally(localDbName(this.workshopId, this.user.id, doc), ydoc, { aroundLoad: () => this.closeForStoredState(provider) });
    this.persisted.push(p);
    return p;
  }

  /**
   * Called as this device's stored state is about to be applied to the document of `provider`.
   * The stored state holds everyone's edits. Applied while the socket is open but not yet synced
   * (a reload whose database loads after its socket opened), y-websocket would send the part the
   * document lacks, which is nearly all of it, as this client's own update, and the server closes a
   * connection that writes under other writers' Yjs client ids for good (4400,
   * server/room/clientIds.ts). So the socket is closed for that transaction and opened again at
   * once: the new connection's sync sends the server only what it lacks. Once synced, what the
   * stored state adds is this person's own unsent edits, which may go out as they are.
   */
  private closeForStoredState(provider: WebsocketProvider): (() => void) | null {
    if (!provider.wsconnected || provider.synced) return null;
    provider.disconnect();
    return () => {
      if (this.tracked.has(provider) && !this.offline && !this.refusal) provider.connect();
    };
  }

  /**
   * Counts this person's updates to `doc` made while its provider is not synced with the server
   * (client/sync/pendingChanges.ts); its next sync sends them and resets the count. Returns a stop function.
   */
  track(name: string, doc: Y.Doc, provider: WebsocketProvider): () => void {
    const onUpdate = (_update: Uint8Array, origin: unknown) => {
      // Remote (the provider, its broadcast channel) and stored (IndexedDB) updates are not ours to send.
      if (origin === provider || (origin && typeof origin === 'object' && 'whenSynced' in origin)) return;
      this.setPending(nextPending(this.pending, { type: 'local-update', doc: name, online: !this.offline && provider.wsconnected && provider.synced }));
    };
    const onSync = (synced: boolean) => {
      if (!synced) return;
      if (name === 'board' && this.pending.board) this.boardChangesArrived = true;
      this.setPending(nextPending(this.pending, { type: 'synced', doc: name }));
      this.checkLockAfterReconnect();
    };
    doc.on('update', onUpdate);
    provider.on('sync', onSync);
    this.tracked.add(provider);
    if (this.joinedUser && !provider.synced) this.addStoredPending(name);
    if (this.offline) provider.disconnect();
    const stop = () => {
      this.tracked.delete(provider);
      doc.off('update', onUpdate);
      provider.off('sync', onSync);
      this.setPending(nextPending(this.pending, { type: 'synced', doc: name }));
    };
    this.stopTracking.push(stop);
    return stop;
  }

  private setPending(next: PendingCounts): void {
    if (next === this.pending) return;
    this.pending = next;
    if (this.joinedUser && !this.destroyed) savePending(this.pendingKey(), next);
    this.emit();
  }

  /**
   * Changes written offline to a board the facilitator locked meanwhile: the server reverts them
   * (server/room) and the revert reaches this client; the person is told why their notes went.
   */
  private checkLockAfterReconnect(): void {
    if (!this.boardChangesArrived || !this.providers.every((p) => p.synced)) return;
    this.boardChangesArrived = false;
    if (this.role !== 'facilitator' && readSettings(this.control).locked) {
      this.notice = OFFLINE_LOCK_NOTICE;
      this.emit();
    }
  }

  /**
   * A stage change or reveal that happened while this screen was offline is said once the control
   * document has synced again (the stage panel's live region only sees the jump, not why).
   */
  private watchMissedWhileOffline(provider: WebsocketProvider): void {
    const remember = () => {
      if (!provider.synced || this.offline) this.seenOffline = seeControl(this.control);
    };
    const onUpdate = (_u: Uint8Array, origin: unknown) => origin !== provider && remember();
    const onStatus = ({ status }: { status: string }) => status === 'disconnected' && (this.seenOffline ??= seeControl(this.control));
    const onSync = (synced: boolean) => {
      if (!synced || !this.seenOffline) return;
      const message = missedMessage(this.seenOffline, seeControl(this.control));
      this.seenOffline = null;
      if (message) {
        this.missed = message;
        this.emit();
      }
    };
    this.control.on('update', onUpdate);
    provider.on('status', onStatus);
    provider.on('sync', onSync);
    this.stopTracking.push(() => {
      this.control.off('update', onUpdate);
      provider.off('status', onStatus);
      provider.off('sync', onSync);
    });
  }

  /** What happened in the workshop while this screen was offline, or null. */
  getMissed = (): string | null => this.missed;
  dismissMissed = (): void => {
    this.missed = null;
    this.emit();
  };

  /** Something the person must be told about their changes (undone by the server, or lost to a lock while offline), or null. */
  getNotice = (): string | null => this.notice;
  dismissNotice = (): void => {
    this.notice = null;
    this.emit();
  };

  /** How many local changes wait to be sent. */
  getPending = (): number => totalPending(this.pending) + totalPending(this.heldBack);

  /** Says how many changes kept outside the documents (by `source`) wait to be sent. */
  setHeldBack(source: string, n: number): void {
    if ((this.heldBack[source] ?? 0) === n) return;
    this.heldBack = { ...this.heldBack, [source]: n };
    this.emit();
  }
  /** The browser says it has no network. */
  isOffline = (): boolean => this.offline;

  private emit(): void {
    this.listeners.forEach((l) => l());
  }

  get params(): ConnectionParams {
    return { token: this.token, person: this.personToken };
  }

  /** The person at this screen; only views rendered after join() read it. */
  get user(): LocalUser {
    if (!this.joinedUser) throw new Error('WorkshopSession.user read before join()');
    return this.joinedUser;
  }

  /** Presence rides on the board document's connection. */
  get awareness(): Awareness {
    return this.providers[0]!.awareness;
  }

  getStatus = (): ConnectionStatus => this.status;
  getRefusal = (): string | null => this.refusal;
  /** The server closed this workshop's connections for good because it no longer exists (deleted). */
  isGone = (): boolean => this.refusalCode === WORKSHOP_GONE_CODE;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private updateStatus(): void {
    let next: ConnectionStatus;
    if (this.refusal) next = 'refused';
    else if (this.providers.every((p) => p.wsconnected)) next = 'connected';
    else next = this.everConnected ? 'reconnecting' : 'connecting';
    if (next === 'connected') this.everConnected = true;
    if (next !== this.status) {
      this.status = next;
      this.listeners.forEach((l) => l());
    }
  }

  private destroyed = false;

  /** Ends the session (idempotent: leaving or a deleted workshop ends it before its page unmounts). */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const stop of this.stopTracking.splice(0)) stop();
    for (const p of this.persisted.splice(0)) p.destroy();
    for (const p of this.providers) p.destroy();
    this.board.destroy();
    this.control.destroy();
  }
}

interface ControlSeen {
  /** The titles of the workshop's own stages (a follow-up starts with Review). */
  stages: readonly string[];
  stage: number;
  notesRevealSeq: number;
  scoresRevealed: boolean;
}

function seeControl(control: Y.Doc): ControlSeen {
  const reveals = readReveals(control);
  return { stages: stagesOf(readEngineState(control)).map((s) => s.title), stage: readCurrentStage(control), notesRevealSeq: reveals.notesRevealSeq, scoresRevealed: reveals.scoresRevealed };
}

/** What changed between what the screen showed offline and the synced control state, in words. */
export function missedMessage(before: ControlSeen, after: ControlSeen): string | null {
  const changes: string[] = [];
  if (after.stage !== before.stage) changes.push(`the workshop moved to stage ${after.stage + 1} of ${after.stages.length}: ${after.stages[after.stage] ?? ''}`);
  if (after.notesRevealSeq > before.notesRevealSeq) changes.push('the notes were revealed');
  if (after.scoresRevealed && !before.scoresRevealed) changes.push('the scores were revealed');
  return changes.length ? `While you were offline, ${changes.join(', and ')}.` : null;
}

function loadPending(key: string): PendingCounts {
  try {
    return (JSON.parse(localStorage.getItem(key) ?? '{}') as PendingCounts) ?? {};
  } catch {
    return {};
  }
}

function savePending(key: string, counts: PendingCounts): void {
  try {
    if (totalPending(counts) > 0) localStorage.setItem(key, JSON.stringify(counts));
    else localStorage.removeItem(key);
  } catch {
    // A full or unavailable storage only loses the count across a reload, never an edit.
  }
}

function markFirst(provider: WebsocketProvider, doc: 'board' | 'control'): void {
  const seen = new Set<string>();
  const mark = (event: 'connected' | 'synced') => {
    if (seen.has(event)) return;
    seen.add(event);
    performance.mark(timingMark(doc, event));
  };
  provider.on('status', ({ status }: { status: string }) => status === 'connected' && mark('connected'));
  provider.on('sync', (isSynced: boolean) => isSynced && mark('synced'));
}

export function defaultServerUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}/ws`;
}

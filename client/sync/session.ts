// One live workshop session: the board and control documents, their y-websocket providers and
// presence. The single bridge between the network and the views.
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import type { Awareness } from 'y-protocols/awareness';
import { DOC_NAMES, type Role } from '../../shared/constants';
import { withJitteredBackoff } from './backoff';

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
  { disableBc = false }: { disableBc?: boolean } = {},
): WebsocketProvider {
  const provider = new WebsocketProvider(serverUrl, room, doc, {
    params: { token: params.token, person: params.person },
    maxBackoffTime: MAX_BACKOFF_MS,
    disableBc,
  });
  withJitteredBackoff(provider, { maxMs: MAX_BACKOFF_MS });
  freshPresenceAfterClose(provider);
  return provider;
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

  constructor(
    readonly workshopId: string,
    readonly token: string,
    readonly role: Role,
    /** This browser's person token (client/state/identity.ts), sent with every connection. */
    readonly personToken: string,
    user: LocalUser | null = null,
    serverUrl = defaultServerUrl(),
  ) {
    const open = (docName: string, doc: Y.Doc) =>
      openProvider(serverUrl, docName ? `${workshopId}/${docName}` : workshopId, doc, this.params);
    this.providers = [open(DOC_NAMES.board, this.board), open(DOC_NAMES.control, this.control)];
    markFirst(this.providers[0]!, 'board');
    markFirst(this.providers[1]!, 'control');
    for (const p of this.providers) {
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

  destroy(): void {
    for (const p of this.providers) p.destroy();
    this.board.destroy();
    this.control.destroy();
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

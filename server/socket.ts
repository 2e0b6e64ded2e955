// The only view of a connection that room logic gets: transport never leaks into rooms.
import type { Role } from '../shared/constants.js';

export interface RoomSocket {
  send(data: Uint8Array): void;
  close(code: number, reason: string): void;
  isOpen(): boolean;
  /** Bytes queued but not yet sent to this peer (slow-consumer detection). */
  bufferedAmount(): number;
}

export interface Peer {
  readonly socket: RoomSocket;
  readonly role: Role;
  /** Short id for logs; never the token. */
  readonly id: string;
  /**
   * Who this connection is, as the server issued it: the person id (server/people.ts), or for a
   * connection without a person token (the stock y-websocket client, the bench) an id made for
   * this connection alone. Presence, the roster and ballots are keyed by it, never by a claim.
   */
  readonly personId: string;
  /** True when personId was made for this connection only (no person token). */
  readonly ephemeral: boolean;
  /** The person's colour (server-assigned, `#rrggbb`). */
  readonly color: string;
}

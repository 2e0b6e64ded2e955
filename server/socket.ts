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
}

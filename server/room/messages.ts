// Decode first, then act: a client's y-websocket frame becomes one RoomMessage (a tagged union, as
// tldraw's sync-core and y-protocols read theirs) before anything in the room looks at it. Every
// frame that is not a well-formed message is refused here with MalformedMessageError; the caller
// closes that connection only. What a message may do (who writes, what it touches) is judged later,
// by the gates: an observer's garbage update is dropped unread, as before, not refused here.
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { MessageType, SyncType } from '../protocol.js';

export type RoomMessage =
  /** A peer's state vector: it asks for everything it lacks. */
  | { type: 'syncStep1'; stateVector: Uint8Array }
  /** A Yjs update (not yet read: the write gate reads it once the writer may write). */
  | { type: 'syncUpdate'; update: Uint8Array; step: 2 | 'update' }
  /** A y-protocols awareness update (read by the presence gate, which drops echoes before parsing). */
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'queryAwareness' }
  /** Tokens travel at upgrade only: nothing to do. */
  | { type: 'auth' };

/** A message's label in `scaleboard_ws_messages_received_total`. */
export type MessageLabel = 'sync' | 'awareness' | 'query_awareness' | 'auth';

export class MalformedMessageError extends Error {
  constructor(
    message: string,
    /** The kind of message, when the frame said that much: it still counts as one received. */
    readonly received: MessageLabel | null = null,
  ) {
    super(message);
  }
}

export const messageLabel = (m: RoomMessage): MessageLabel =>
  m.type === 'syncStep1' || m.type === 'syncUpdate' ? 'sync' : m.type === 'queryAwareness' ? 'query_awareness' : m.type;

/** Reads one frame whole. Throws MalformedMessageError for anything that is not a y-websocket message. */
export function decodeMessage(data: Uint8Array): RoomMessage {
  let decoder: decoding.Decoder;
  let type: number;
  try {
    decoder = decoding.createDecoder(data);
    type = decoding.readVarUint(decoder);
  } catch {
    throw new MalformedMessageError('unreadable message type');
  }
  switch (type) {
    case MessageType.sync:
      return decodeSync(decoder);
    case MessageType.awareness:
      try {
        return { type: 'awareness', update: decoding.readVarUint8Array(decoder) };
      } catch {
        throw new MalformedMessageError('malformed awareness update', 'awareness');
      }
    case MessageType.queryAwareness:
      return { type: 'queryAwareness' };
    case MessageType.auth:
      return { type: 'auth' };
    default:
      throw new MalformedMessageError('unknown message type');
  }
}

function decodeSync(decoder: decoding.Decoder): RoomMessage {
  let sub: number;
  let payload: Uint8Array;
  try {
    sub = decoding.readVarUint(decoder);
    payload = decoding.readVarUint8Array(decoder);
  } catch {
    throw new MalformedMessageError('truncated sync message', 'sync');
  }
  switch (sub) {
    case SyncType.step1:
      // What answering it reads first (Y.encodeStateAsUpdate decodes it the same way): a state
      // vector that cannot be read is refused now, not halfway through the reply.
      try {
        Y.decodeStateVector(payload);
      } catch {
        throw new MalformedMessageError('bad state vector', 'sync');
      }
      return { type: 'syncStep1', stateVector: payload };
    case SyncType.step2:
      return { type: 'syncUpdate', update: payload, step: 2 };
    case SyncType.update:
      return { type: 'syncUpdate', update: payload, step: 'update' };
    default:
      throw new MalformedMessageError('unknown sync type', 'sync');
  }
}

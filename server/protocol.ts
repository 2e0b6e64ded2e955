// The y-websocket wire protocol, as the stock client speaks it: numeric message constants and
// small encoders. One concern per function, like y-protocols itself.
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as authProtocol from 'y-protocols/auth';
import type * as Y from 'yjs';

export const MessageType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const;
export const SyncType = { step1: 0, step2: 1, update: 2 } as const;

/** Close codes (4xxx are ours; 1008, 1009 and 1013 are standard). */
export const CloseCode = {
  badRequest: 4400,
  unauthorized: 4401,
  forbidden: 4403,
  notFound: 4404,
  malformed: 4400,
  /** Kept flooding past its message budget. */
  policyViolation: 1008,
  tooBig: 1009,
  slowConsumer: 1013,
  shuttingDown: 1001,
  /** Storing the room's updates failed: the room is reloaded from storage; reconnect and resend. */
  storageFailed: 1011,
  /** The workshop's stored documents are damaged: it cannot be loaded (reconnecting will not help). */
  loadFailed: 4500,
  /** Cluster: the workshop moved to another node (lease lost or taken over): reconnect, and resync. */
  ownerMoved: 1012,
  /** Cluster: this node cannot reach Redis, so it cannot be sure it still owns the workshop: writes are refused; reconnect later. */
  clusterUnavailable: 4503,
} as const;

/** The close reason (with CloseCode.notFound) for the connections of a workshop that was deleted. */
export const WORKSHOP_DELETED = 'workshop deleted';

export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  syncProtocol.writeSyncStep1(e, doc);
  return encoding.toUint8Array(e);
}

export function encodeSyncStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  syncProtocol.writeSyncStep2(e, doc, stateVector);
  return encoding.toUint8Array(e);
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
}

export function encodeAwareness(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.awareness);
  encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
  return encoding.toUint8Array(e);
}

/**
 * Why the server undid a write of this client's (a label of `scaleboard_ws_rejected_total`:
 * `doc_too_large`, `text_too_long`, `write_reverted_participant`...), as y-protocols' auth
 * "permission denied" message: the stock client only logs it, ours tells the person
 * (client/sync/refusals.ts).
 */
export function encodeRefusal(reason: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.auth);
  authProtocol.writePermissionDenied(e, reason);
  return encoding.toUint8Array(e);
}

// The presence gate: a client's awareness update, admitted entry by entry before y-protocols applies
// it. Echoes (every stock client sends back what it receives) are dropped before any JSON is parsed;
// garbage is refused whole; a connection sets only the presence it introduced, and only as the
// identity the server gave it. The checks themselves are in awarenessChecks.ts; this holds the
// room's state for them.
import * as awarenessProtocol from 'y-protocols/awareness';
import type { Metrics } from '../metrics.js';
import type { Peer } from '../socket.js';
import {
  AwarenessOwners,
  decodeAwarenessUpdate,
  encodeAwarenessEntries,
  isStaleAwareness,
  isStaleEntry,
  sanitizePresence,
  type AwarenessEntry,
} from '../awarenessChecks.js';
import type { ClientIdOwners } from './clientIds.js';
import { MalformedMessageError } from './messages.js';

/** Most awareness client ids one connection may introduce (an honest client has one). */
const MAX_AWARENESS_IDS_PER_PEER = 4;

export class PresenceGate {
  /** Which connection may set and remove which client id's presence. */
  private readonly owners: AwarenessOwners;

  constructor(
    private readonly awareness: awarenessProtocol.Awareness,
    /** The room's peers and the awareness client ids each one introduced. */
    private readonly peers: ReadonlyMap<Peer, Set<number>>,
    /** The write gate's ledger of Yjs client ids. */
    private readonly clientIds: ClientIdOwners,
    private readonly metrics: Metrics,
    /** Whether the workshop is anonymous now (presence then leaves out what someone edits). */
    private readonly anonymous: () => boolean = () => false,
  ) {
    this.owners = new AwarenessOwners(new Set([awareness.clientID]), MAX_AWARENESS_IDS_PER_PEER);
  }

  /** One awareness update of a peer. Throws MalformedMessageError for one that cannot be read. */
  receive(peer: Peer, update: Uint8Array): void {
    let entries: AwarenessEntry[];
    try {
      // The stock client sends every awareness update it receives back to the server, so in
      // a room of n peers each presence change comes back n times: drop those echoes cheaply.
      if (isStaleAwareness(this.awareness, update)) return;
      entries = decodeAwarenessUpdate(update);
    } catch {
      throw new MalformedMessageError('malformed awareness update');
    }
    const introduced = this.peers.get(peer);
    if (!introduced) return;
    // A peer sets only the presence it introduced, and only as the identity the server gave it.
    const accepted: AwarenessEntry[] = [];
    for (const entry of entries) {
      if (isStaleEntry(this.awareness, entry)) continue; // an echo riding along
      const verdict = this.owners.admit(peer, introduced, entry.clientId, entry.state === null);
      if (verdict !== 'own') {
        this.metrics.rejected.inc({ reason: `awareness_${verdict}` });
        continue;
      }
      // A stock y-websocket client announces presence under the client id its document edits
      // carry (ours keeps the two apart on the board, see client/sync/session.ts wireFor): the id
      // is theirs from now on, before anyone else can write under it.
      if (entry.state !== null && !this.clientIds.claim(peer.personId, [entry.clientId])) {
        this.metrics.rejected.inc({ reason: 'awareness_foreign' });
        continue;
      }
      accepted.push(entry.state === null ? entry : { ...entry, state: sanitizePresence(entry.state, peer, { anonymous: this.anonymous() }) });
    }
    if (accepted.length) awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(accepted), peer);
  }

  /** The peer left (`introduced`: the ids it introduced): the presence it still held is removed. */
  leave(peer: Peer, introduced: Set<number>): void {
    const held = this.owners.release(peer, introduced);
    if (held.length) awarenessProtocol.removeAwarenessStates(this.awareness, held, null);
  }
}

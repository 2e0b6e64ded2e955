// A client of this node whose workshop another node owns: its frames go to the owner on the owner's
// channel, with the identity this node verified; what the owner sends it comes back on this node's
// channel, numbered per session. A number skipped (pub/sub is at most once) is a gap, filled by
// sending the client the document as PostgreSQL holds it (everything relayed was committed first).
// The session ends, and its client reconnects (1012), when the owner does not answer or its lease
// moves: the next connection finds or becomes the new owner.
import * as Y from 'yjs';
import type { Peer } from '../socket.js';
import type { Endpoint } from '../ws.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { CloseCode, encodeUpdate } from '../protocol.js';
import { docKey } from '../workshop.js';
import type { PgStore } from './pgStore.js';
import type { ClusterMetrics } from './metrics.js';

export interface ForwardingDeps {
  node: string;
  pg: PgStore;
  metrics: Metrics;
  cluster: ClusterMetrics;
  log: Logger;
  maxBufferedBytes: number;
  /** How long the owner may take to answer a join before the client is sent to reconnect. */
  answerTimeoutMs: number;
  toOwner(owner: string, header: Record<string, unknown>, payload?: Uint8Array): void;
}

interface Session {
  sid: string;
  workshopId: string;
  docName: string;
  owner: string;
  peer: Peer;
  /** The number the owner's next message should carry. */
  nextSeq: number;
  answerTimer: NodeJS.Timeout | null;
}

export class Forwarding {
  private readonly sessions = new Map<string, Session>();
  private counter = 0;

  constructor(private readonly deps: ForwardingDeps) {}

  /** The workshops this node relays, and the node each is relayed to. */
  relayed(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const s of this.sessions.values()) {
      const owners = out.get(s.workshopId) ?? new Set<string>();
      owners.add(s.owner);
      out.set(s.workshopId, owners);
    }
    return out;
  }

  endpoint(workshopId: string, docName: string, owner: string): Endpoint {
    const sid = `${this.deps.node}.${++this.counter}`;
    let session: Session | null = null;
    return {
      workshopId,
      docName,
      join: (peer) => {
        const s: Session = { sid, workshopId, docName, owner, peer, nextSeq: 1, answerTimer: null };
        session = s;
        this.sessions.set(sid, s);
        s.answerTimer = setTimeout(() => this.close(s, CloseCode.ownerMoved, "the workshop's node does not answer; reconnect"), this.deps.answerTimeoutMs);
        s.answerTimer.unref();
        const { role, personId, ephemeral, color } = peer;
        this.deps.toOwner(owner, { t: 'join', sid, from: this.deps.node, wid: workshopId, doc: docName, role, personId, ephemeral, color });
      },
      handleMessage: (_peer, data) => {
        if (!session) return;
        this.deps.cluster.forwarded.inc({ direction: 'to_owner' });
        this.deps.toOwner(owner, { t: 'msg', sid, wid: workshopId, from: this.deps.node }, data);
      },
      leave: () => {
        if (!session || !this.sessions.delete(sid)) return;
        if (session.answerTimer) clearTimeout(session.answerTimer);
        this.deps.toOwner(owner, { t: 'leave', sid, wid: workshopId });
      },
    };
  }

  /**
   * A message of the owner: `out`, one message for several of this node's sessions (a broadcast
   * goes to a node once, with each session's number), or `close` for one session.
   */
  fromOwner(header: { t: string; sid?: string; to?: [sid: string, seq: number][]; code?: number; reason?: string }, payload: Uint8Array): void {
    if (header.t === 'close') {
      const s = header.sid === undefined ? undefined : this.sessions.get(header.sid);
      if (s) this.close(s, header.code ?? CloseCode.ownerMoved, header.reason ?? 'closed by the owner');
      return;
    }
    if (header.t !== 'out' || !Array.isArray(header.to)) return;
    for (const [sid, seq] of header.to) this.deliver(sid, seq, payload);
  }

  private deliver(sid: string, seq: number, payload: Uint8Array): void {
    const s = this.sessions.get(sid);
    if (!s) return;
    if (s.answerTimer) {
      clearTimeout(s.answerTimer);
      s.answerTimer = null;
    }
    if (seq !== s.nextSeq) void this.fillGap(s);
    s.nextSeq = seq + 1;
    const socket = s.peer.socket;
    if (!socket.isOpen()) return;
    if (socket.bufferedAmount() > this.deps.maxBufferedBytes) {
      this.deps.metrics.rejected.inc({ reason: 'slow_consumer' });
      return this.close(s, CloseCode.slowConsumer, 'slow consumer');
    }
    socket.send(payload);
  }

  /** Messages were lost between the owner and here: the client gets the document as stored (Yjs applies what it lacks). */
  private async fillGap(s: Session): Promise<void> {
    this.deps.cluster.gapFills.inc();
    this.deps.log.warn({ workshop: s.workshopId, session: s.sid }, 'relayed messages lost; filling the gap from PostgreSQL');
    try {
      const { snapshot, updates } = await this.deps.pg.loadDoc(docKey(s.workshopId, s.docName));
      const all = snapshot ? [snapshot, ...updates] : updates;
      if (all.length && s.peer.socket.isOpen()) s.peer.socket.send(encodeUpdate(Y.mergeUpdates(all)));
    } catch {
      this.close(s, CloseCode.ownerMoved, 'could not resync; reconnect');
    }
  }

  /** Ends a session: its client is closed (and reconnects unless the code says otherwise); the owner is told. */
  close(s: Session, code: number, reason: string): void {
    if (!this.sessions.delete(s.sid)) return;
    if (s.answerTimer) clearTimeout(s.answerTimer);
    this.deps.toOwner(s.owner, { t: 'leave', sid: s.sid, wid: s.workshopId });
    s.peer.socket.close(code, reason);
  }

  /** Ends every session of a workshop (its owner moved), or all of them (`null`). */
  closeAll(workshopId: string | null, code: number, reason: string): void {
    for (const s of [...this.sessions.values()]) if (workshopId === null || s.workshopId === workshopId) this.close(s, code, reason);
  }

  /** Ends the sessions of a workshop relayed to any node but `owner`. */
  closeStale(workshopId: string, owner: string | null): void {
    for (const s of [...this.sessions.values()]) {
      if (s.workshopId === workshopId && s.owner !== owner) this.close(s, CloseCode.ownerMoved, 'the workshop moved to another node; reconnect');
    }
  }
}

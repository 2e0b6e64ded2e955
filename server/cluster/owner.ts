// A workshop this node owns: loaded from PostgreSQL after its epoch was bumped, served by the same
// Workshop and DocRooms as on one node (every rule of today: roles, lock, server-only maps, private
// documents), stored through PgWriter. Its peers are this node's own sockets and the clients of
// other nodes, whose frames arrive on this node's channel with the identity their node verified.
import * as Y from 'yjs';
import { Workshop } from '../workshop.js';
import type { Peer, RoomSocket } from '../socket.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Config } from '../config.js';
import type { WorkshopRow } from '../storage.js';
import type { Endpoint } from '../ws.js';
import { CloseCode } from '../protocol.js';
import { MessageType, SyncType } from '../protocol.js';
import { MalformedMessageError } from '../room/messages.js';
import { ServerOrigin } from '../room/origins.js';
import { DOC_NAMES, type Role } from '../../shared/constants.js';
import { HeldSocket, PgWriter, PreloadedStorage } from './pgWriter.js';
import { FencedError, type PgStore } from './pgStore.js';
import type { Lease } from './lease.js';
import type { HistoryEntry } from '../history/store.js';
import type { RequestActor } from '../directory.js';
import type { ClusterMetrics } from './metrics.js';
import { historyActs, type HistoryWriteKind } from '../history/routes.js';
import { RestoreRefused, type RestoreHost } from '../history/restore.js';

/** A client of another node, as that node introduced it (the identity it verified). */
export interface RemoteJoin {
  sid: string;
  from: string;
  wid: string;
  doc: string;
  role: Role;
  personId: string;
  ephemeral: boolean;
  color: string;
}

/** Whether a frame is a sync request (its reply, the whole document, waits for the commit). */
const isSyncStep1 = (data: Uint8Array): boolean => data[0] === MessageType.sync && data[1] === SyncType.step1;

export interface OwnerDeps {
  pg: PgStore;
  metrics: Metrics;
  cluster: ClusterMetrics;
  log: Logger;
  config: Config;
  /** Sends a message to a session of another node (batched per node: see ClusterNode.sendOut). */
  sendOut(node: string, sid: string, seq: number, data: Uint8Array): void;
  /** Closes a session of another node (after what was sent to it before). */
  closeSession(node: string, sid: string, code: number, reason: string): void;
}

export class OwnedWorkshop {
  readonly workshop: Workshop;
  readonly writer: PgWriter;
  /** Clients of other nodes, by session id. */
  private readonly remote = new Map<string, { peer: Peer; docName: string; node: string }>();
  /** Let go (lease lost, fenced, idle, shutdown): nothing more is served. */
  gone = false;

  constructor(
    row: WorkshopRow,
    readonly epoch: number,
    docs: Awaited<ReturnType<PgStore['loadWorkshopDocs']>>,
    people: string[],
    history: HistoryEntry[],
    readonly lease: Lease,
    private readonly deps: OwnerDeps,
    callbacks: { onFailure: (err: unknown) => void; onIdle: () => void },
  ) {
    const storage = new PreloadedStorage(docs, new Set(people), (c) => this.writer.compact(c));
    this.writer = new PgWriter(deps.pg, row.id, epoch, storage, deps.metrics, (err) => {
      if (err instanceof FencedError) deps.cluster.fenced.inc();
      callbacks.onFailure(err);
    });
    const { config } = deps;
    this.workshop = new Workshop(row, {
      storage,
      metrics: deps.metrics,
      log: deps.log,
      turnWriter: this.writer,
      history: storage.historyLog(history),
      compactAfterUpdates: config.compactAfterUpdates,
      maxBufferedBytes: config.maxBufferedBytes,
      roomIdleMs: config.roomIdleMs,
      onIdle: () => callbacks.onIdle(),
    });
    try {
      this.workshop.loadAll();
    } catch (err) {
      this.workshop.destroy();
      throw err;
    }
  }

  get id(): string {
    return this.workshop.id;
  }

  /** A peer joins a room: the person is one of the workshop's people from now on (their private document is a ballot). */
  private joinRoom(peer: Peer, docName: string): void {
    if (!peer.ephemeral) this.writer.storage.people.add(peer.personId);
    this.workshop.connected();
    this.workshop.room(docName).join(peer);
  }

  private leaveRoom(peer: Peer, docName: string): void {
    if (this.gone) return;
    this.workshop.room(docName).leave(peer);
    this.workshop.disconnected();
  }

  /** Hands a frame to the room; the reply to a sync request is held until what it holds is committed. */
  private handle(peer: Peer, docName: string, data: Uint8Array): void {
    if (this.gone) return;
    if (isSyncStep1(data)) (peer.socket as HeldSocket).holdUntil(this.writer.whenCommitted());
    this.workshop.room(docName).handleMessage(peer, data);
  }

  /** A socket of this node, on the workshop it owns. */
  localEndpoint(docName: string): Endpoint {
    return {
      workshopId: this.id,
      docName,
      wrapSocket: (socket) => new HeldSocket(socket),
      join: (peer) => this.joinRoom(peer, docName),
      handleMessage: (peer, data) => this.handle(peer, docName, data),
      leave: (peer) => this.leaveRoom(peer, docName),
    };
  }

  /** Another node's client joins: a peer whose socket sends on that node's channel. */
  remoteJoin(join: RemoteJoin): void {
    let seq = 0;
    let open = true;
    const { deps } = this;
    const socket: RoomSocket = {
      send: (data) => {
        if (!open) return;
        deps.cluster.forwarded.inc({ direction: 'to_node' });
        deps.sendOut(join.from, join.sid, ++seq, data);
      },
      close: (code, reason) => {
        if (!open) return;
        open = false;
        deps.closeSession(join.from, join.sid, code, reason);
        // No socket 'close' event comes back for it: the peer leaves now.
        queueMicrotask(() => this.remoteLeave(join.sid));
      },
      isOpen: () => open && !this.gone,
      // That node closes its slow consumers itself (cluster/forwarding.ts).
      bufferedAmount: () => 0,
    };
    const peer: Peer = { socket: new HeldSocket(socket), role: join.role, id: join.sid, personId: join.personId, ephemeral: join.ephemeral, color: join.color };
    this.remote.set(join.sid, { peer, docName: join.doc, node: join.from });
    this.joinRoom(peer, join.doc);
  }

  remoteMessage(sid: string, data: Uint8Array): boolean {
    const entry = this.remote.get(sid);
    if (!entry) return false;
    try {
      this.handle(entry.peer, entry.docName, data);
    } catch (err) {
      if (err instanceof MalformedMessageError) {
        this.deps.metrics.rejected.inc({ reason: 'malformed' });
        entry.peer.socket.close(CloseCode.malformed, err.message);
      } else {
        this.deps.log.error({ err, workshop: this.id, peer: sid }, 'error handling a forwarded message; closing');
        entry.peer.socket.close(1011, 'internal error');
      }
    }
    return true;
  }

  /** The nodes whose clients are connected here. */
  remoteNodes(): Set<string> {
    return new Set([...this.remote.values()].map((e) => e.node));
  }

  /** A node died (its heartbeat expired): its clients leave (their presence goes with them), as a closed socket would. */
  dropNode(node: string): void {
    for (const [sid, entry] of [...this.remote]) if (entry.node === node) this.remoteLeave(sid);
  }

  remoteLeave(sid: string): void {
    const entry = this.remote.get(sid);
    if (!entry) return;
    this.remote.delete(sid);
    this.leaveRoom(entry.peer, entry.docName);
  }

  /** A write on behalf of the server sent by another node (an HTTP write there): applied, committed, answered. */
  async serverWrite(update: Uint8Array, by: RequestActor): Promise<boolean> {
    if (this.gone) return false;
    // In the history as the request's person (or role), as on one node (directory.ts).
    const { history } = this.workshop;
    // Counted as a connection meanwhile: a workshop taken only for this write is let go after the idle grace period.
    this.workshop.connected();
    try {
      history.withActor({ actor: history.requestActor(by.person, by.role) }, () =>
        this.workshop.transact(DOC_NAMES.board, (doc) => Y.applyUpdate(doc, update, ServerOrigin.server)),
      );
    } finally {
      this.workshop.disconnected();
    }
    return this.writer.whenCommitted();
  }

  /** The restore or rollback under way: they run one at a time, so each finds its own entry once committed. */
  private historyQueue: Promise<unknown> = Promise.resolve();

  /**
   * A restore or rollback (SPEC 8), asked here or by another node (an HTTP request there): made as
   * on one node (history/restore.ts), on this node's loaded workshop, and resolved with its entry
   * once the commit holding it returned. Rejects with RestoreRefused as one node refuses.
   */
  historyWrite(kind: HistoryWriteKind, entryId: number, by: RequestActor): Promise<HistoryEntry> {
    const run = this.historyQueue.then(async () => {
      if (this.gone) throw new RestoreRefused(503, `the ${kind} could not be stored: try again in a moment`);
      const { workshop, writer } = this;
      const host: RestoreHost = { history: workshop.history, room: (name) => workshop.room(name), commitBoard: () => writer.whenCommitted() };
      workshop.connected(); // a workshop taken only for this is let go after the idle grace period
      try {
        return await historyActs[kind](host, this.id, entryId, workshop.history.requestActor(by.person, by.role));
      } finally {
        if (!this.gone) workshop.disconnected();
      }
    });
    this.historyQueue = run.catch(() => undefined);
    return run;
  }

  /** Lets the workshop go: every connection closes with `code`, what is pending is stored if the epoch still allows. */
  letGo(code: number, reason: string): void {
    if (this.gone) return;
    this.workshop.closeConnections(code, reason);
    for (const { peer } of [...this.remote.values()]) peer.socket.close(code, reason);
    this.gone = true;
    this.lease.stop();
    this.workshop.destroy();
  }

  /** Once nothing is pending or being stored (after letGo). */
  async drained(): Promise<void> {
    while (!this.writer.idle) await this.writer.whenCommitted();
  }
}

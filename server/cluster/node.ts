// One node of the cluster (SPEC 9). Any node accepts any WebSocket and checks its tokens against
// PostgreSQL; the workshop's owner (the lease holder in Redis) holds its documents. A connection to a
// workshop nobody owns makes this node the owner: it takes the lease, bumps the epoch in PostgreSQL
// and loads the documents. A connection to a workshop another node owns is forwarded there
// (forwarding.ts). Every message between nodes goes on the receiving node's channel.
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { roleForToken, hashToken } from '../auth.js';
import { CloseCode, WORKSHOP_DELETED } from '../protocol.js';
import { ephemeralIdentity, type Admission, type Admit, type Identity, type Refusal } from '../ws.js';
import { mayReadDoc, roomNameFor } from '../workshop.js';
import { decodeEnvelope, encodeEnvelope, type Bus } from './bus.js';
import { Lease, leaseKey } from './lease.js';
import { OwnedWorkshop, type RemoteJoin } from './owner.js';
import { Forwarding } from './forwarding.js';
import { createClusterMetrics, type ClusterMetrics } from './metrics.js';
import { FencedError, type PgStore } from './pgStore.js';
import type { RequestActor } from '../directory.js';
import type { HistoryEntry } from '../history/store.js';
import type { HistoryWriteKind } from '../history/routes.js';
import { RestoreRefused } from '../history/restore.js';

const channelOf = (node: string): string => `scaleboard:node:${node}`;
/** A node's heartbeat: set every third of the lease time, so an owner can tell a relaying node died. */
const aliveKey = (node: string): string => `scaleboard:alive:${node}`;
const refusal = (code: number, reason: string, metric: string): Refusal => ({ refused: { code, reason, metric } });

/** Why a node without Redis refuses what it cannot do safely. */
export const BUS_DOWN = 'this node cannot reach Redis, so writes are refused for now; reconnect in a moment';

type Envelope = { t: string; sid: string; wid: string; [k: string]: unknown };

export class ClusterNode {
  readonly id: string;
  readonly cluster: ClusterMetrics;
  private readonly owned = new Map<string, OwnedWorkshop>();
  /** Workshops being taken or let go by this node: the next connection waits for that first. */
  private readonly transitions = new Map<string, Promise<unknown>>();
  private readonly forwarding: Forwarding;
  private watchTimer: NodeJS.Timeout | null = null;
  private aliveTimer: NodeJS.Timeout | null = null;
  /** Requests sent to an owner (ask), by id: resolved with its answer, or null when none came in time. */
  private readonly rpcs = new Map<string, (reply: Envelope | null) => void>();
  private rpcCounter = 0;
  private closed = false;

  constructor(
    private readonly deps: { pg: PgStore; bus: Bus; config: Config; log: Logger; metrics: Metrics },
  ) {
    this.id = deps.config.nodeId ?? randomBytes(6).toString('hex');
    this.cluster = createClusterMetrics(deps.metrics, () => this.owned.size);
    this.forwarding = new Forwarding({
      node: this.id,
      pg: deps.pg,
      metrics: deps.metrics,
      cluster: this.cluster,
      log: deps.log,
      maxBufferedBytes: deps.config.maxBufferedBytes,
      answerTimeoutMs: Math.min(2_000, deps.config.leaseTtlMs),
      toOwner: (owner, header, payload) => this.send(owner, header, payload),
    });
  }

  async start(): Promise<void> {
    await this.deps.bus.subscribe(channelOf(this.id), (m) => this.receive(m));
    this.deps.bus.on('down', this.busDown);
    const { bus, config } = this.deps;
    const beat = () => void bus.mark(aliveKey(this.id), '1', config.leaseTtlMs).catch(() => undefined);
    beat();
    this.aliveTimer = setInterval(beat, Math.max(100, Math.floor(config.leaseTtlMs / 3)));
    this.aliveTimer.unref();
    // Sessions relayed to a node whose lease moved (it died, or was cut off) are sent to reconnect.
    this.watchTimer = setInterval(() => void this.watch(), Math.max(200, Math.floor(this.deps.config.leaseTtlMs / 2)));
    this.watchTimer.unref();
  }

  private send(node: string, header: Record<string, unknown>, payload?: Uint8Array): void {
    this.deps.bus.publish(channelOf(node), encodeEnvelope(header, payload));
  }

  /** What owned workshops send to other nodes' sessions this turn, per node, in order. */
  private outbound = new Map<string, { sid: string; seq: number; data: Uint8Array }[]>();
  private outboundScheduled = false;

  /**
   * A message for a session of another node. A room's broadcast hands every peer the same message,
   * so consecutive sends of one message to one node go out as one publish naming each session
   * (with its number): one publish per node per broadcast, not one per client.
   */
  private sendOut = (node: string, sid: string, seq: number, data: Uint8Array): void => {
    let queue = this.outbound.get(node);
    if (!queue) this.outbound.set(node, (queue = []));
    queue.push({ sid, seq, data });
    if (this.outboundScheduled) return;
    this.outboundScheduled = true;
    queueMicrotask(this.flushOutbound);
  };

  private flushOutbound = (): void => {
    this.outboundScheduled = false;
    for (const [node, queue] of this.outbound) {
      for (let i = 0; i < queue.length; ) {
        const data = queue[i]!.data;
        const to: [string, number][] = [];
        for (; i < queue.length && queue[i]!.data === data; i++) to.push([queue[i]!.sid, queue[i]!.seq]);
        this.send(node, { t: 'out', to }, data);
      }
    }
    this.outbound.clear();
  };

  /** Closes a session of another node, after everything sent to it before. */
  private closeSession = (node: string, sid: string, code: number, reason: string): void => {
    this.flushOutbound();
    this.send(node, { t: 'close', sid, code, reason });
  };

  /** Checks a connection against PostgreSQL, then finds (or becomes) the workshop's owner. */
  admit: Admit = async (target) => {
    if (!this.deps.bus.up) return refusal(CloseCode.clusterUnavailable, BUS_DOWN, 'cluster_unavailable');
    const { pg } = this.deps;
    const row = await pg.getWorkshop(target.workshopId);
    if (!row) return refusal(CloseCode.notFound, 'unknown workshop', 'unknown_workshop');
    const role = roleForToken(target.token, { facilitator: row.facilitatorHash, participant: row.participantHash, observer: row.observerHash });
    if (!role) return refusal(CloseCode.unauthorized, 'invalid token', 'unauthorized');
    const validPerson = typeof target.person === 'string' && target.person.length > 0 && target.person.length <= 256;
    const person = target.person === null || !validPerson ? null : await pg.findPersonByTokenHash(row.id, hashToken(target.person));
    if (target.person !== null && person?.role !== role) return refusal(CloseCode.unauthorized, 'invalid person token', 'unauthorized_person');
    const identity: Identity = person ? { personId: person.id, ephemeral: false, color: person.color } : ephemeralIdentity();
    const access = mayReadDoc(target.docName, { role, ...identity });
    if (access !== true) return refusal(CloseCode.forbidden, access, 'forbidden');
    const docName = roomNameFor(target.docName, identity);
    const route = await this.route(row.id);
    if (route === null) return refusal(CloseCode.notFound, 'unknown workshop', 'unknown_workshop');
    if (route === 'unavailable') return refusal(CloseCode.clusterUnavailable, BUS_DOWN, 'cluster_unavailable');
    const endpoint = route instanceof OwnedWorkshop ? route.localEndpoint(docName) : this.forwarding.endpoint(row.id, docName, route);
    return { role, identity, endpoint } satisfies Admission;
  };

  /**
   * The workshop's owner: this node (loaded), another node (its id), 'unavailable' without Redis,
   * or null for a workshop that is gone. Takes the lease if nobody holds it.
   */
  async route(workshopId: string): Promise<OwnedWorkshop | string | 'unavailable' | null> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const pending = this.transitions.get(workshopId);
      if (pending) await pending.catch(() => undefined);
      const mine = this.owned.get(workshopId);
      if (mine && !mine.gone) return mine;
      const { bus, config } = this.deps;
      let acquired: boolean;
      let holder: string | null;
      try {
        acquired = await bus.acquire(leaseKey(workshopId), this.id, config.leaseTtlMs);
        holder = acquired ? this.id : await bus.holder(leaseKey(workshopId));
      } catch {
        return 'unavailable';
      }
      if (acquired) return this.takeOver(workshopId);
      if (holder && holder !== this.id) return holder;
      // Expired just now, or ours while being let go: look again shortly.
      await new Promise((r) => setTimeout(r, 25));
    }
    return 'unavailable';
  }

  /** With the lease just taken: a new epoch, the documents from PostgreSQL, and this node serves. */
  private takeOver(workshopId: string): Promise<OwnedWorkshop | null> {
    const { pg, bus, config, log } = this.deps;
    const lease = new Lease(bus, workshopId, this.id, config.leaseTtlMs, this.cluster, (why) => {
      const owned = this.owned.get(workshopId);
      if (!owned) return;
      log.warn({ workshop: workshopId, why }, 'lease lost; letting the workshop go');
      if (why === 'unreachable') this.letGo(owned, CloseCode.clusterUnavailable, BUS_DOWN, false);
      else this.letGo(owned, CloseCode.ownerMoved, 'the workshop moved to another node; reconnect', false);
    });
    lease.start();
    const taking = (async () => {
      try {
        const owner = await pg.takeOwnership(workshopId, this.id);
        const row = owner && (await pg.getWorkshop(workshopId));
        if (!owner || !row) {
          await lease.release();
          return null;
        }
        const [docs, people, history] = await Promise.all([pg.loadWorkshopDocs(workshopId), pg.personIds(workshopId), pg.loadHistory(workshopId)]);
        const owned: OwnedWorkshop = new OwnedWorkshop(row, owner.epoch, docs, people, history, lease, { ...this.deps, cluster: this.cluster, sendOut: this.sendOut, closeSession: this.closeSession }, {
          onFailure: (err) => {
            if (err instanceof FencedError) this.letGo(owned, CloseCode.ownerMoved, 'the workshop moved to another node; reconnect', false);
            else this.letGo(owned, CloseCode.storageFailed, 'storage failed; reconnect', true);
          },
          onIdle: () => {
            if (owned.workshop.connectionCount === 0) this.letGo(owned, CloseCode.shuttingDown, 'idle', true);
          },
        });
        this.owned.set(workshopId, owned);
        // Idle until a connection comes (one whose client left during the takeover never does): let go after the grace period.
        owned.workshop.connected();
        owned.workshop.disconnected();
        this.cluster.acquisitions.inc();
        if (owner.previousNode !== null && owner.previousNode !== this.id) this.cluster.takeovers.inc();
        log.info({ workshop: workshopId, epoch: owner.epoch, previous: owner.previousNode }, 'workshop taken');
        return owned;
      } catch (err) {
        await lease.release();
        throw err;
      }
    })();
    this.transition(workshopId, taking);
    return taking;
  }

  private transition(workshopId: string, p: Promise<unknown>): void {
    this.transitions.set(workshopId, p);
    const done = () => {
      if (this.transitions.get(workshopId) === p) this.transitions.delete(workshopId);
    };
    p.then(done, done);
  }

  /**
   * Lets a workshop go: its connections close with `code`, what is pending is stored (if the epoch
   * still allows), then, if `release`, the lease goes and the owner row says nobody has it.
   */
  private letGo(owned: OwnedWorkshop, code: number, reason: string, release: boolean): void {
    if (this.owned.get(owned.id) !== owned) return;
    this.owned.delete(owned.id);
    owned.letGo(code, reason);
    const releasing = (async () => {
      await owned.drained();
      if (!release) return;
      await this.deps.pg.releaseOwnership(owned.id, owned.epoch).catch(() => undefined);
      await owned.lease.release();
    })();
    this.transition(owned.id, releasing);
  }

  private busDown = (): void => {
    this.deps.log.error('Redis unreachable: closing every connection; writes are refused until it is back');
    for (const owned of [...this.owned.values()]) this.letGo(owned, CloseCode.clusterUnavailable, BUS_DOWN, false);
    this.forwarding.closeAll(null, CloseCode.clusterUnavailable, BUS_DOWN);
  };

  /**
   * Sessions relayed to a node that no longer holds the lease are sent to reconnect; clients of a
   * node whose heartbeat expired (it died) leave the workshops this node owns.
   */
  private async watch(): Promise<void> {
    const { bus } = this.deps;
    if (!bus.up) return;
    try {
      for (const [workshopId] of this.forwarding.relayed()) this.forwarding.closeStale(workshopId, await bus.holder(leaseKey(workshopId)));
      const nodes = new Set([...this.owned.values()].flatMap((o) => [...o.remoteNodes()]));
      for (const node of nodes) {
        if ((await bus.holder(aliveKey(node))) !== null) continue;
        this.deps.log.warn({ node }, 'a node relaying to this one stopped beating; its clients leave');
        for (const owned of this.owned.values()) owned.dropNode(node);
      }
    } catch {
      // Redis unreachable: busDown handles it.
    }
  }

  /** A message on this node's channel: for a workshop it owns, or for one of its sessions. */
  private receive(message: Buffer): void {
    let envelope: { header: Envelope; payload: Uint8Array };
    try {
      envelope = decodeEnvelope<Envelope>(message);
    } catch {
      return;
    }
    const { header: h, payload } = envelope;
    switch (h.t) {
      case 'out':
      case 'close':
        return this.forwarding.fromOwner(h as never, payload);
      case 'written':
      case 'historied':
        this.rpcs.get(h.rid as string)?.(h);
        return;
      case 'join':
      case 'msg':
      case 'leave':
      case 'write':
      case 'history':
      case 'delete':
        return this.toOwned(h, payload);
    }
  }

  /** A message for a workshop this node owns (or is taking: it waits for that). */
  private toOwned(h: Envelope, payload: Uint8Array): void {
    const owned = this.owned.get(h.wid);
    if (!owned && this.transitions.has(h.wid) && !h.waited) {
      // Arrived while the workshop loads: handled once it is loaded, in order with what follows.
      void this.transitions.get(h.wid)!.finally(() => this.toOwned({ ...h, waited: true }, payload));
      return;
    }
    switch (h.t) {
      case 'join':
        if (!owned || owned.gone) return this.send(h.from as string, { t: 'close', sid: h.sid, code: CloseCode.ownerMoved, reason: 'not the owner; reconnect' });
        return owned.remoteJoin(h as unknown as RemoteJoin);
      case 'msg':
        if (!owned?.remoteMessage(h.sid, payload) && h.from) this.send(h.from as string, { t: 'close', sid: h.sid, code: CloseCode.ownerMoved, reason: 'not the owner; reconnect' });
        return;
      case 'leave':
        return owned?.remoteLeave(h.sid);
      case 'write':
        if (!owned) return this.send(h.from as string, { t: 'written', rid: h.rid, stored: false });
        void owned.serverWrite(payload, h.by as RequestActor).then((stored) => this.send(h.from as string, { t: 'written', rid: h.rid, stored }));
        return;
      case 'history': {
        const answer = (reply: Record<string, unknown>) => this.send(h.from as string, { t: 'historied', rid: h.rid, ...reply });
        if (!owned) return answer({ status: 503, message: "the workshop's node moved: try again in a moment" });
        owned.historyWrite(h.kind as HistoryWriteKind, h.entryId as number, h.by as RequestActor).then(
          (entry) => answer({ entry }),
          (err: unknown) => {
            if (err instanceof RestoreRefused) return answer({ status: err.status, message: err.message });
            this.deps.log.error({ err, workshop: h.wid }, `history ${String(h.kind)} failed`);
            answer({ status: 500, message: 'internal error' });
          },
        );
        return;
      }
      case 'delete':
        if (owned) this.deleted(owned);
        return;
    }
  }

  /** The workshop was deleted (its rows are gone, so its next commit is fenced): its connections close with 4404. */
  deleted(owned: OwnedWorkshop): void {
    if (this.owned.get(owned.id) !== owned) return;
    this.owned.delete(owned.id);
    owned.letGo(CloseCode.notFound, WORKSHOP_DELETED);
    void owned.lease.release();
  }

  /** Tells whoever owns the workshop that it was deleted. */
  async announceDeleted(workshopId: string): Promise<void> {
    const mine = this.owned.get(workshopId);
    if (mine) return this.deleted(mine);
    const holder = await this.deps.bus.holder(leaseKey(workshopId)).catch(() => null);
    if (holder) this.send(holder, { t: 'delete', wid: workshopId, sid: '' });
  }

  /**
   * A write to the board on behalf of the server (an HTTP write): on this node if it owns the
   * workshop (or can take it), else sent to the owner as the update it makes. Resolves whether it was stored.
   */
  async writeBoard(workshopId: string, update: Uint8Array, by: RequestActor): Promise<boolean> {
    const route = await this.route(workshopId);
    if (route === null || route === 'unavailable') return false;
    if (route instanceof OwnedWorkshop) return route.serverWrite(update, by);
    const reply = await this.ask(route, { t: 'write', wid: workshopId, by }, update);
    return reply?.stored === true;
  }

  /**
   * A restore or rollback (SPEC 8) made by the workshop's owner: this node if it owns the workshop
   * (or can take it), else the owner, asked as writeBoard asks. Resolves its entry once committed
   * (null: unknown workshop); rejects with RestoreRefused as one node does (503 when the owner
   * cannot be reached or does not answer).
   */
  async historyWrite(workshopId: string, kind: HistoryWriteKind, entryId: number, by: RequestActor): Promise<HistoryEntry | null> {
    const route = await this.route(workshopId);
    if (route === null) return null;
    if (route === 'unavailable') throw new RestoreRefused(503, BUS_DOWN);
    if (route instanceof OwnedWorkshop) return route.historyWrite(kind, entryId, by);
    const reply = await this.ask(route, { t: 'history', wid: workshopId, kind, entryId, by });
    if (!reply) throw new RestoreRefused(503, `the workshop's node did not answer the ${kind}: try again in a moment`);
    if (reply.entry) return reply.entry as HistoryEntry;
    if (reply.status === 404 || reply.status === 409 || reply.status === 503) throw new RestoreRefused(reply.status, String(reply.message));
    throw new Error(`the ${kind} failed on the workshop's node`);
  }

  /** Sends a request to another node's channel and resolves its answer (null when none came within 5 s). */
  private ask(node: string, header: Record<string, unknown>, payload?: Uint8Array): Promise<Envelope | null> {
    const rid = `${this.id}.${++this.rpcCounter}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(null), 5_000);
      const finish = (reply: Envelope | null) => {
        clearTimeout(timer);
        this.rpcs.delete(rid);
        resolve(reply);
      };
      this.rpcs.set(rid, finish);
      this.send(node, { ...header, rid, from: this.id, sid: '' }, payload);
    });
  }

  /** Whether this node owns the workshop now (for reads that may use its loaded documents). */
  ownedWorkshop(workshopId: string): OwnedWorkshop | null {
    const owned = this.owned.get(workshopId);
    return owned && !owned.gone ? owned : null;
  }

  /** Shutdown: sessions and owned workshops closed, what is pending stored, leases let go. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.watchTimer) clearInterval(this.watchTimer);
    if (this.aliveTimer) clearInterval(this.aliveTimer);
    this.forwarding.closeAll(null, CloseCode.shuttingDown, 'server shutting down');
    for (const owned of [...this.owned.values()]) this.letGo(owned, CloseCode.shuttingDown, 'server shutting down', true);
    await Promise.all([...this.transitions.values()].map((p) => p.catch(() => undefined)));
  }
}

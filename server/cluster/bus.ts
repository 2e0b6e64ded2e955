// Coordination between nodes: a lease per workshop and a channel per node. Redis in the cluster
// (redisBus.ts); in process for one node on PostgreSQL without REDIS_URL (LocalBus below), where
// this node is always the owner and nothing is ever published to another node.
import { EventEmitter } from 'node:events';

export interface Bus {
  /** Takes the lease if nobody holds it (SET NX PX): true when this node now holds it. */
  acquire(key: string, node: string, ttlMs: number): Promise<boolean>;
  /** Extends the lease if `node` still holds it (compare and extend): false once it is someone else's or gone. */
  renew(key: string, node: string, ttlMs: number): Promise<boolean>;
  /** Lets the lease go if `node` holds it (compare and delete). */
  release(key: string, node: string): Promise<void>;
  /** Who holds the lease now, or null (also reads a key set by mark). */
  holder(key: string): Promise<string | null>;
  /** Sets `key` to `value` for `ttlMs` (a node's heartbeat). */
  mark(key: string, value: string, ttlMs: number): Promise<void>;
  publish(channel: string, message: Buffer): void;
  /** Delivers each message of `channel`, in the order published by each publisher. */
  subscribe(channel: string, onMessage: (message: Buffer) => void): Promise<void>;
  /** False while the bus is unreachable; 'down' and 'up' are emitted when that changes. */
  readonly up: boolean;
  on(event: 'down' | 'up', listener: () => void): unknown;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** One node, no Redis: leases and channels in this process. */
export class LocalBus extends EventEmitter implements Bus {
  private readonly leases = new Map<string, { node: string; until: number }>();
  private readonly channels = new EventEmitter();
  readonly up = true;

  private current(key: string): string | null {
    const lease = this.leases.get(key);
    return lease && lease.until > Date.now() ? lease.node : null;
  }

  async acquire(key: string, node: string, ttlMs: number): Promise<boolean> {
    if (this.current(key) !== null) return false;
    this.leases.set(key, { node, until: Date.now() + ttlMs });
    return true;
  }

  async renew(key: string, node: string, ttlMs: number): Promise<boolean> {
    if (this.current(key) !== node) return false;
    this.leases.set(key, { node, until: Date.now() + ttlMs });
    return true;
  }

  async release(key: string, node: string): Promise<void> {
    if (this.current(key) === node) this.leases.delete(key);
  }

  async holder(key: string): Promise<string | null> {
    return this.current(key);
  }

  async mark(key: string, value: string, ttlMs: number): Promise<void> {
    this.leases.set(key, { node: value, until: Date.now() + ttlMs });
  }

  publish(channel: string, message: Buffer): void {
    queueMicrotask(() => this.channels.emit(channel, message));
  }

  async subscribe(channel: string, onMessage: (message: Buffer) => void): Promise<void> {
    this.channels.on(channel, onMessage);
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.channels.removeAllListeners();
  }
}

/** A message between nodes: a JSON header, then the bytes of a y-websocket frame (if any). */
export function encodeEnvelope(header: object, payload?: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const out = Buffer.allocUnsafe(4 + json.length + (payload?.byteLength ?? 0));
  out.writeUInt32BE(json.length, 0);
  json.copy(out, 4);
  if (payload) out.set(payload, 4 + json.length);
  return out;
}

export function decodeEnvelope<H>(message: Buffer): { header: H; payload: Uint8Array } {
  const length = message.readUInt32BE(0);
  const header = JSON.parse(message.subarray(4, 4 + length).toString()) as H;
  const payload = message.subarray(4 + length);
  return { header, payload: new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength) };
}

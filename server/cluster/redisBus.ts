// The Bus on Redis (through ioredis): leases are keys set with NX and PX, renewed and released by
// Lua scripts that compare the holder first (so a node never extends or deletes another's lease);
// channels are Redis pub/sub on a second connection. Redis keeps nothing on disk that matters: a
// restarted Redis has no leases, and the next connection to a workshop takes it over (new epoch).
// While either connection is down the bus says so ('down'): the node refuses writes meanwhile.
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { Bus } from './bus.js';

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export class RedisBus extends EventEmitter implements Bus {
  private readonly cmd: Redis;
  private readonly sub: Redis;
  private readonly handlers = new Map<string, (message: Buffer) => void>();
  private wasUp = false;

  constructor(url: string, onError: (err: Error) => void) {
    super();
    const options = {
      lazyConnect: true,
      // Fail at once while disconnected rather than queue: a lease renewal that waits is a lease
      // that may have expired meanwhile; the node refuses writes instead.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (times: number) => Math.min(100 * times, 1_000),
      connectTimeout: 2_000,
    };
    this.cmd = new Redis(url, options);
    // Subscriptions are sent again by ioredis after a reconnect; its offline queue holds them meanwhile.
    this.sub = new Redis(url, { ...options, enableOfflineQueue: true });
    for (const conn of [this.cmd, this.sub]) {
      conn.on('error', onError);
      conn.on('close', () => this.changed());
      conn.on('ready', () => this.changed());
    }
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.handlers.get(channel.toString())?.(message));
  }

  get up(): boolean {
    return this.cmd.status === 'ready' && this.sub.status === 'ready';
  }

  private changed(): void {
    const up = this.up;
    if (up === this.wasUp) return;
    this.wasUp = up;
    this.emit(up ? 'up' : 'down');
  }

  async connect(): Promise<void> {
    await Promise.all([this.cmd.connect(), this.sub.connect()]);
    this.changed();
  }

  async acquire(key: string, node: string, ttlMs: number): Promise<boolean> {
    return (await this.cmd.set(key, node, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async renew(key: string, node: string, ttlMs: number): Promise<boolean> {
    return Number(await this.cmd.eval(RENEW, 1, key, node, String(ttlMs))) === 1;
  }

  async release(key: string, node: string): Promise<void> {
    await this.cmd.eval(RELEASE, 1, key, node);
  }

  async holder(key: string): Promise<string | null> {
    return this.cmd.get(key);
  }

  async mark(key: string, value: string, ttlMs: number): Promise<void> {
    await this.cmd.set(key, value, 'PX', ttlMs);
  }

  publish(channel: string, message: Buffer): void {
    // At most once, like pub/sub itself: a lost message is a gap the receiver fills (cluster/node.ts).
    this.cmd.publish(channel, message).catch(() => undefined);
  }

  async subscribe(channel: string, onMessage: (message: Buffer) => void): Promise<void> {
    this.handlers.set(channel, onMessage);
    await this.sub.subscribe(channel);
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.cmd.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.cmd.disconnect();
    this.sub.disconnect();
  }
}

// Per-client budgets for the HTTP endpoints that create or write, with rate-limiter-flexible: its
// memory store now, and the same API on Redis once there is more than one server process.
// (The per-WebSocket message budget is another thing: server/rateLimit.ts.)
import type { IncomingMessage } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from './config.js';

/**
 * `create`: new workshops, the costly and abusable write (each one is stored for good).
 * `write`: every other write (people entering a workshop, deletes), with a budget large enough for
 * a whole room joining from behind one office NAT address.
 */
export type WriteKind = 'create' | 'write';

export class HttpLimits {
  private readonly limiters: Record<WriteKind, RateLimiterMemory>;

  constructor(config: Pick<Config, 'httpCreateLimit' | 'httpWriteLimit' | 'httpLimitWindowSec'>) {
    const duration = config.httpLimitWindowSec;
    this.limiters = {
      create: new RateLimiterMemory({ keyPrefix: 'create', points: config.httpCreateLimit, duration }),
      write: new RateLimiterMemory({ keyPrefix: 'write', points: config.httpWriteLimit, duration }),
    };
  }

  /** Counts one request of `kind` from this client: null while within budget, else seconds until there is budget again. */
  async consume(req: IncomingMessage, kind: WriteKind): Promise<{ retryAfterSec: number } | null> {
    try {
      await this.limiters[kind].consume(clientKey(req.socket.remoteAddress));
      return null;
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      return { retryAfterSec: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
    }
  }
}

/**
 * Whom a budget belongs to: the peer's IP address; for IPv6 its /64, since one host commonly
 * holds a whole /64 and could otherwise take a fresh budget per address. (Behind a reverse proxy
 * every client shares the proxy's address: rate limit at the proxy, or key by a header it sets.)
 */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const ip = address.replace(/%.*$/, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => parseInt(g || '0', 16).toString(16)).join(':')}::/64`;
}

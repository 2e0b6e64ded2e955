// The base URL of the role links POST /api/workshops hands out. PUBLIC_URL when set; otherwise
// the request's Host, but only a Host we can trust: loopback, or one listed in TRUSTED_HOSTS.
// Anyone can send any Host header, and a link built from a forged one would send the facilitator's
// token to the forger's server.
import type { IncomingMessage } from 'node:http';
import type { Config } from './config.js';
import { HOST_HEADER } from './securityHeaders.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

type LinkConfig = Pick<Config, 'publicUrl' | 'trustedHosts' | 'port'>;

/** A Host header (`name[:port]`) that links may be built from. */
export function isTrustedHost(host: string, trustedHosts: readonly string[]): boolean {
  const h = host.toLowerCase();
  if (!HOST_HEADER.test(h)) return false;
  const name = h.replace(/:\d+$/, '');
  return LOOPBACK.has(name) || trustedHosts.includes(h) || trustedHosts.includes(name);
}

export function linkBase(req: IncomingMessage, config: LinkConfig): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  const host = req.headers.host ?? '';
  if (isTrustedHost(host, config.trustedHosts)) return `http://${host.toLowerCase()}`;
  return fallbackBase(config);
}

const fallbackBase = (config: LinkConfig) => `http://localhost:${config.port}`;

/** One sentence for the start-up log: which base URL the role links get. */
export function describeLinkPolicy(config: LinkConfig): string {
  if (config.publicUrl) return `role links use PUBLIC_URL ${linkBase({ headers: {} } as IncomingMessage, config)}`;
  const trusted = config.trustedHosts.length ? `, or in TRUSTED_HOSTS (${config.trustedHosts.join(', ')})` : '';
  return (
    `role links use the request's Host when it is loopback (localhost, 127.0.0.1, [::1])${trusted}; ` +
    `any other Host gets ${fallbackBase(config)}. Set PUBLIC_URL to the address people open.`
  );
}

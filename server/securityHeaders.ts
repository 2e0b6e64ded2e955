// Security headers on every HTTP response, by helmet (its middleware is a plain (req, res, next)
// function, so it fits node:http without Express): a strict Content-Security-Policy, nosniff,
// no Referer, no framing.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { Config } from './config.js';

/** A Host header that is a host name or address with an optional port, nothing else. */
export const HOST_HEADER = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * `ws://` and `wss://` for the host the page was loaded from, and for PUBLIC_URL's host: the
 * y-websocket connection goes there, and CSP's 'self' does not cover WebSocket schemes in every
 * browser. A Host header that is not a plain host gets nothing beyond 'self'.
 */
export function socketSources(req: IncomingMessage, config: Pick<Config, 'publicUrl'>): string {
  const hosts = new Set<string>();
  const host = req.headers.host;
  if (host && HOST_HEADER.test(host)) hosts.add(host.toLowerCase());
  if (config.publicUrl) {
    try {
      hosts.add(new URL(config.publicUrl).host);
    } catch {
      // An unparsable PUBLIC_URL adds nothing.
    }
  }
  return hosts.size ? [...hosts].flatMap((h) => [`ws://${h}`, `wss://${h}`]).join(' ') : "'self'";
}

export function securityHeaders(config: Pick<Config, 'publicUrl'>): (req: IncomingMessage, res: ServerResponse) => void {
  const middleware = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // The built client is one module script and one stylesheet from /assets; nothing inline.
        // React's `style` props are set through the CSSOM, which style-src does not govern.
        scriptSrc: ["'self'"],
        // The service worker (/sw.js, the app shell offline) comes from this origin only.
        workerSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'", (req) => socketSources(req, config)],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // The server speaks plain HTTP; HSTS belongs to whatever terminates TLS in front of it.
    strictTransportSecurity: false,
  });
  // Synchronous; an error (a directive value helmet refuses) must not leave a response without its CSP.
  return (req, res) =>
    middleware(req, res, (err?: unknown) => {
      if (err) throw err;
    });
}

/**
 * A whole HTTP/1.1 answer without a body, security headers included, for the two answers written
 * straight to a socket that no ServerResponse (and so no securityHeaders call) ever sees: a
 * WebSocket upgrade to a path that is not /ws/, and a request node could not parse (clientError).
 * helmet sets its headers on a stand-in response that keeps them. Without a parsed request there
 * is no Host, so connect-src names 'self' and PUBLIC_URL's host only (see socketSources).
 */
export function rawAnswer(config: Pick<Config, 'publicUrl'>): (status: number, req?: IncomingMessage) => string {
  const apply = securityHeaders(config);
  return (status, req) => {
    const headers = new Map<string, string>();
    const collect = {
      setHeader: (name: string, value: unknown) => void headers.set(name.toLowerCase(), String(value)),
      removeHeader: (name: string) => void headers.delete(name.toLowerCase()),
    };
    apply(req ?? ({ headers: {} } as IncomingMessage), collect as unknown as ServerResponse);
    const lines = [...headers].map(([name, value]) => `${name}: ${value}\r\n`).join('');
    return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n${lines}\r\n`;
  };
}

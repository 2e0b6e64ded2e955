// The app served like a production site (issue 12): precompressed, cached hashed assets and
// never-cached HTML, no source maps unless asked for, security headers on every response, and a
// create endpoint that takes only JSON, from a trusted Host, within a per-client budget.
import fs from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, createWorkshop, startTestServer, type TestServer } from '../helpers/server.js';

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as it came over the wire (not decoded). */
  body: Buffer;
}

/** One request on a connection of its own, with exactly these headers (Host included), body bytes undecoded. */
function raw(server: TestServer, urlPath: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path: urlPath, method: opts.method ?? 'GET', headers: opts.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/**
 * Bytes written as they are on a TCP connection of its own, and the answer read until the server
 * closes it: for what an HTTP client would not send (a request node cannot parse, an upgrade).
 */
function rawExchange(server: TestServer, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
      const headers: IncomingHttpHeaders = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine ?? '')?.[1]), headers, body: Buffer.from(text.slice(end + 4), 'latin1') });
    });
  });
}

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The built client's entry script and stylesheet, as index.html names them. */
function builtAssets(): { js: string; css: string } {
  const html = fs.readFileSync(path.join(ROOT, 'dist', 'index.html'), 'utf8');
  return { js: /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!, css: /href="(\/assets\/[^"]+\.css)"/.exec(html)![1]! };
}

function cspDirectives(res: RawResponse): Map<string, string[]> {
  const value = String(res.headers['content-security-policy'] ?? '');
  return new Map(
    value
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

/** `host`: the request's Host, which connect-src names; null for a request node could not parse (it has none). */
function expectSecurityHeaders(res: RawResponse, host: string | null): void {
  const csp = cspDirectives(res);
  expect(csp.get('default-src')).toEqual(["'self'"]);
  expect(csp.get('script-src')).toEqual(["'self'"]);
  expect(csp.get('style-src')).toEqual(["'self'"]);
  expect(csp.get('object-src')).toEqual(["'none'"]);
  expect(csp.get('base-uri')).toEqual(["'none'"]);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  // This origin's http ('self') and its WebSocket URLs, nothing else.
  if (host) expect(csp.get('connect-src')).toEqual(["'self'", `ws://${host}`, `wss://${host}`]);
  else expect(new Set(csp.get('connect-src'))).toEqual(new Set(["'self'"]));
  expect(String(res.headers['content-security-policy'])).not.toMatch(/unsafe-inline|unsafe-eval|upgrade-insecure-requests/);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['x-frame-options']).toBe('DENY');
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.stop());

describe('the built client', () => {
  it('sends a hashed asset precompressed as brotli or gzip, cached for good, decoding to the file itself', async () => {
    for (const asset of Object.values(builtAssets())) {
      const file = fs.readFileSync(path.join(ROOT, 'dist', asset));
      for (const [accept, encoding, decode] of [
        ['br, gzip', 'br', zlib.brotliDecompressSync],
        ['gzip', 'gzip', zlib.gunzipSync],
      ] as const) {
        const res = await raw(server, asset, { headers: { 'accept-encoding': accept } });
        expect(res.status).toBe(200);
        expect(res.headers['content-encoding']).toBe(encoding);
        expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        expect(res.headers.vary).toMatch(/accept-encoding/i);
        expect(Number(res.headers['content-length'])).toBe(res.body.length);
        expect(res.body.length).toBeLessThan(file.length / 2);
        expect(decode(res.body).equals(file)).toBe(true);
      }
      // A client that accepts neither gets the file as is.
      const plain = await raw(server, asset, { headers: { 'accept-encoding': 'identity' } });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.equals(file)).toBe(true);
    }
  });

  it('never caches index.html, at / and as the fallback for app paths', async () => {
    for (const p of ['/', '/index.html', '/w/SomeWorkshop42']) {
      const res = await raw(server, p, { headers: { 'accept-encoding': 'br, gzip' } });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    // The API is never cached either.
    expect((await raw(server, '/api/time')).headers['cache-control']).toBe('no-store');
    expect((await raw(server, '/metrics')).headers['cache-control']).toBe('no-store');
  });

  it('serves no source map by default, and the script does not point at one', async () => {
    const { js } = builtAssets();
    const res = await raw(server, `${js}.map`);
    expect(res.status).toBe(404);
    expect(res.body.toString()).not.toContain('"mappings"');
    const script = await raw(server, js, { headers: { 'accept-encoding': 'identity' } });
    expect(script.body.toString()).not.toMatch(/sourceMappingURL/);
    expect(script.headers.sourcemap).toBeUndefined();
  });
});

describe('security headers', () => {
  it('are on static files, API answers, 404s and errors alike, and the page needs nothing inline', async () => {
    // What the CSP forbids, index.html does not have: no inline script, style element or attribute, or handler.
    const html = (await raw(server, '/', { headers: { 'accept-encoding': 'identity' } })).body.toString();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="\/assets\//);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b|\sstyle="|\son[a-z]+="/i);

    const host = `127.0.0.1:${server.port}`;
    const { js } = builtAssets();
    const ws = await createWorkshop(server, { title: 'Headers' });
    const responses: Record<string, RawResponse> = {
      html: await raw(server, '/'),
      asset: await raw(server, js, { headers: { 'accept-encoding': 'br' } }),
      fallback: await raw(server, '/w/whatever'),
      created: await raw(server, '/api/workshops', { method: 'POST', ...json({ title: 'Headers too' }) }),
      session: await raw(server, `/api/workshops/${ws.id}/session`, { headers: { authorization: `Bearer ${ws.tokens.observer}` } }),
      log: await raw(server, `/api/workshops/${ws.id}/decision-log.md`, { headers: { authorization: `Bearer ${ws.tokens.observer}` } }),
      health: await raw(server, '/healthz'),
      apiNotFound: await raw(server, '/api/nothing-here'),
      assetNotFound: await raw(server, '/assets/gone-AAAAAAAA.js'),
      unauthorized: await raw(server, `/api/workshops/${ws.id}/session`),
      badJson: await raw(server, '/api/workshops', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":' }),
      notAllowed: await raw(server, '/api/workshops', { method: 'PUT' }),
    };
    const statuses = Object.fromEntries(Object.entries(responses).map(([k, r]) => [k, r.status]));
    expect(statuses).toEqual({
      html: 200, asset: 200, fallback: 200, created: 201, session: 200, log: 200, health: 200,
      apiNotFound: 404, assetNotFound: 404, unauthorized: 401, badJson: 400, notAllowed: 405,
    });
    for (const [name, res] of Object.entries(responses)) {
      try {
        expectSecurityHeaders(res, host);
      } catch (err) {
        throw new Error(`${name} (${res.status}): ${(err as Error).message}`);
      }
    }
    // A 404 for a missing hashed asset must not be cached as if it were one.
    expect(responses.assetNotFound!.headers['cache-control']).toBe('no-store');
  });

  it('are on the answers written straight to the socket: a WebSocket upgrade off /ws/ (404) and a request node cannot parse (400)', async () => {
    const host = `127.0.0.1:${server.port}`;
    const upgrade = (path: string) =>
      rawExchange(
        server,
        `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      );
    const responses: Record<string, [RawResponse, string | null]> = {
      upgradeElsewhere: [await upgrade('/not-ws/abc'), host],
      upgradeToApi: [await upgrade('/api/workshops'), host],
      // A header line without a colon, and a request line that is not HTTP: node's parser refuses both.
      badHeader: [await rawExchange(server, `GET / HTTP/1.1\r\nHost: ${host}\r\nno colon here\r\n\r\n`), null],
      notHttp: [await rawExchange(server, 'HELLO THERE\r\n\r\n'), null],
    };
    expect(Object.fromEntries(Object.entries(responses).map(([k, [r]]) => [k, r.status]))).toEqual({ upgradeElsewhere: 404, upgradeToApi: 404, badHeader: 400, notHttp: 400 });
    for (const [name, [res, h]] of Object.entries(responses)) {
      try {
        expectSecurityHeaders(res, h);
        expect(res.headers['connection']).toBe('close');
        expect(res.body.length).toBe(0);
      } catch (err) {
        throw new Error(`${name} (${res.status}): ${(err as Error).message}`);
      }
    }
    // The server goes on answering.
    expect((await raw(server, '/healthz')).status).toBe(200);
  });
});

describe('POST /api/workshops', () => {
  it('takes only JSON: text/plain and form bodies (what a cross-site form sends) get 415 and create nothing', async () => {
    for (const [type, body] of [
      ['text/plain', '{"title":"From a form"}'],
      ['application/x-www-form-urlencoded', 'title=From+a+form'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nFrom a form\r\n--x--\r\n'],
    ]) {
      const res = await raw(server, '/api/workshops', { method: 'POST', headers: { 'content-type': type! }, body });
      expect(res.status, type).toBe(415);
      expect(JSON.parse(res.body.toString()).id).toBeUndefined();
    }
    const noType = await raw(server, '/api/workshops', { method: 'POST', body: '{"title":"No type"}' });
    expect(noType.status).toBe(415);
    // JSON with a charset is JSON.
    const ok = await raw(server, '/api/workshops', { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"title":"Typed"}' });
    expect(ok.status).toBe(201);
  });

  it('takes only JSON at POST /api/workshops/:id/people too', async () => {
    const ws = await createWorkshop(server, { title: 'People JSON' });
    const auth = { authorization: `Bearer ${ws.tokens.participant}` };
    const plain = await raw(server, `/api/workshops/${ws.id}/people`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: '{}' });
    expect(plain.status).toBe(415);
    const asJson = await raw(server, `/api/workshops/${ws.id}/people`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' });
    expect(asJson.status).toBe(201);
  });

  it('refuses control characters in the title and in personToken with 400 naming the field', async () => {
    for (const title of ['Q3\u0000plan', 'Q3\u0007plan', 'Line one\nline two', 'Tab\there', 'C1\u0085control', 'Esc\u001b[31mred']) {
      const res = await raw(server, '/api/workshops', { method: 'POST', ...json({ title }) });
      expect(res.status, JSON.stringify(title)).toBe(400);
      expect(JSON.parse(res.body.toString())).toMatchObject({ field: 'title', error: expect.stringMatching(/control characters/) });
    }
    // Emoji sequences (joiners, variation selectors) and other scripts are text, not control characters.
    const fine = await raw(server, '/api/workshops', { method: 'POST', ...json({ title: 'Scale 👩‍💻 2027 — Ünïcödé 規模' }) });
    expect(fine.status).toBe(201);

    const ws = await createWorkshop(server, { title: 'Names' });
    const res = await raw(server, `/api/workshops/${ws.id}/people`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ws.tokens.participant}`, 'content-type': 'application/json' },
      body: JSON.stringify({ personToken: 'abc\u0000def' }),
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body.toString())).toMatchObject({ field: 'personToken' });
  });

  it('builds links from a loopback Host, never from any other Host, and says so at start', async () => {
    const linksFor = async (host: string) => {
      const res = await raw(server, '/api/workshops', { method: 'POST', headers: { host, 'content-type': 'application/json' }, body: '{"title":"Links"}' });
      expect(res.status).toBe(201);
      return Object.values((JSON.parse(res.body.toString()) as { links: Record<string, string> }).links);
    };
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, `[::1]:${server.port}`]) {
      for (const link of await linksFor(host)) expect(link.startsWith(`http://${host}/w/`)).toBe(true);
    }
    for (const host of ['evil.example', `evil.example:${server.port}`, 'localhost.evil.example', '10.0.0.1:8080']) {
      for (const link of await linksFor(host)) expect(link.startsWith(`http://localhost:${server.port}/w/`), `${host}: ${link}`).toBe(true);
    }
    expect(server.logs.join('')).toMatch(/role links use the request's Host when it is loopback[^"]*any other Host gets http:\/\/localhost:\d+/);
  });
});

describe('with small budgets, TRUSTED_HOSTS and SERVE_SOURCEMAPS', () => {
  let limited: TestServer;
  /** The one workshop made before the budgets are spent, through a Host listed in TRUSTED_HOSTS. */
  let ws: { id: string; links: Record<'facilitator' | 'participant' | 'observer', string> };
  const token = (role: keyof typeof ws.links) => new URL(ws.links[role]).hash.replace(/^#token=/, '');
  beforeAll(async () => {
    limited = await startTestServer({
      env: { HTTP_CREATE_LIMIT: '3', HTTP_WRITE_LIMIT: '4', HTTP_LIMIT_WINDOW_SEC: '60', TRUSTED_HOSTS: 'board.example.test', SERVE_SOURCEMAPS: '1' },
    });
    const res = await raw(limited, '/api/workshops', { method: 'POST', headers: { host: 'board.example.test:8443', 'content-type': 'application/json' }, body: '{"title":"Trusted"}' });
    expect(res.status).toBe(201);
    ws = JSON.parse(res.body.toString());
  });
  afterAll(async () => limited?.stop());

  it('builds links from a Host listed in TRUSTED_HOSTS, and says so at start', () => {
    for (const link of Object.values(ws.links)) expect(link.startsWith(`http://board.example.test:8443/w/${ws.id}#token=`)).toBe(true);
    expect(limited.logs.join('')).toMatch(/or in TRUSTED_HOSTS \(board\.example\.test\)/);
  });

  it('answers 429 with Retry-After once a client has used its budget for creating workshops', async () => {
    const create = () => raw(limited, '/api/workshops', { method: 'POST', ...json({ title: 'Budget' }) });
    for (let i = 0; i < 2; i++) expect((await create()).status).toBe(201); // 3 with the one made before
    const over = await create();
    expect(over.status).toBe(429);
    const retryAfter = Number(over.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(JSON.parse(over.body.toString()).error).toMatch(/too many requests/);
    expectSecurityHeaders(over, `127.0.0.1:${limited.port}`);
    // Refused requests spend budget too: still 429; reads are not limited.
    expect((await create()).status).toBe(429);
    expect((await raw(limited, '/api/time')).status).toBe(200);
  });

  it('answers 429 with Retry-After once a client has used its budget for other writes (people, delete)', async () => {
    const people = () =>
      raw(limited, `/api/workshops/${ws.id}/people`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token('participant')}`, 'content-type': 'application/json' },
        body: '{}',
      });
    for (let i = 0; i < 4; i++) expect((await people()).status).toBe(201);
    const over = await people();
    expect(over.status).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const del = await raw(limited, `/api/workshops/${ws.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token('facilitator')}` } });
    expect(del.status).toBe(429);
    expect(Number(del.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Not deleted.
    expect((await raw(limited, `/api/workshops/${ws.id}/session`, { headers: { authorization: `Bearer ${token('facilitator')}` } })).status).toBe(200);
  });

  it('serves source maps only when SERVE_SOURCEMAPS is set, named by a SourceMap header', async () => {
    const { js } = builtAssets();
    const script = await raw(limited, js, { headers: { 'accept-encoding': 'br' } });
    expect(script.headers.sourcemap).toBe(`${path.posix.basename(js)}.map`);
    const map = await raw(limited, `${js}.map`);
    expect(map.status).toBe(200);
    expect(JSON.parse(map.body.toString())).toHaveProperty('mappings');
  });
});

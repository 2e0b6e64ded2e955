// Nothing secret reaches a log line, a metric or a reason sent to a client: role tokens, person
// tokens and private document names. First the redaction itself on tricky inputs, then the real
// server at LOG_LEVEL=trace through a session that touches every secret, its whole output scanned.
import { afterAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { createLogger, redactDeep, redactSecrets } from '../../server/logger.js';
import { connectClient, waitSynced, type TestClient } from '../helpers/clients.js';
import { openRaw, type RawPeer } from '../helpers/raw.js';
import { createWorkshop, startTestServer, waitFor, type TestServer } from '../helpers/server.js';

/** Same shape as server/auth.ts newToken: 32 random bytes, base64url, 43 characters. */
const fakeToken = () => randomBytes(32).toString('base64url');

describe('redactSecrets', () => {
  const t = fakeToken();
  const p = fakeToken();
  const key = randomBytes(24).toString('base64url'); // 32 characters, like a client's private key

  it.each([
    ['a bare token', t, '[redacted]'],
    ['query parameters', `/ws/abc/def?token=${t}&person=${p}#x`, '/ws/abc/def?token=[redacted]&person=[redacted]#x'],
    ['a short query value, whatever its length', '/ws/w1?token=short&x=1', '/ws/w1?token=[redacted]&x=1'],
    ['personToken= and TOKEN=', `a?personToken=${p}&TOKEN=abc`, 'a?personToken=[redacted]&TOKEN=[redacted]'],
    ['a bearer header', `Bearer ${t}`, 'Bearer [redacted]'],
    ['a token after a newline', `first line\n${t}\nnext`, 'first line\n[redacted]\nnext'],
    ['a token in JSON', JSON.stringify({ personToken: p }), '{"personToken":"[redacted]"}'],
    ['a token glued to more base64url', `${t}abc`, '[redacted]'],
    ['a token between dots and colons', `w:${t}.json`, 'w:[redacted].json'],
    ['a private document key', `wshop1:private/${key}`, 'wshop1:private/[redacted]'],
    ['a private document in a URL path', `/ws/wshop1/private/${key}?token=${t}`, '/ws/wshop1/private/[redacted]?token=[redacted]'],
    ['a URL-encoded private document', `/ws/wshop1/private%2F${key}`, '/ws/wshop1/private%2F[redacted]'],
  ])('redacts %s', (_what, input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
    expect(redactSecrets(expected)).toBe(expected); // idempotent
  });

  it.each([
    ['a workshop id (16 characters)', 'workshop Ab3_-x9QzY0wE2rT joined'],
    ['a peer id and a person id', 'peer 1f2e3d4c person p_8s7d6f5g4h'],
    ['a metric name', 'scaleboard_ws_messages_received_total 12'],
    ['a 42-character run', 'a'.repeat(42)],
    ['a board document key', 'Ab3_-x9QzY0wE2rT:board'],
    ['a plain sentence about tokens', 'missing or invalid bearer token'],
  ])('leaves %s alone', (_what, input) => {
    expect(redactSecrets(input)).toBe(input);
  });

  it('redacts every string in a logged value, keys, errors with causes and toJSON included', () => {
    const err = new Error(`bad token ${t}`, { cause: new Error(`while opening private/${key}`) });
    const circular: Record<string, unknown> = { name: `private/${key}` };
    circular.self = circular;
    const shared = { u: `?token=${t}` };
    const out = JSON.stringify(
      redactDeep({
        err,
        list: [1, true, null, `person=${p}`, { deeper: [[`${t}`]] }],
        [`w:private/${key}`]: 'as a key',
        url: new URL(`http://h/ws/w?token=${t}`),
        circular,
        twice: [shared, shared],
        bytes: new Uint8Array([1, 2, 3]),
      }),
    );
    for (const secret of [t, p, key]) expect(out).not.toContain(secret);
    const parsed = JSON.parse(out) as { err: { type: string; message: string; stack: string }; twice: unknown[] };
    expect(parsed.err.type).toBe('Error');
    expect(parsed.err.message).toBe('bad token [redacted]: while opening private/[redacted]');
    expect(parsed.err.stack).toContain('caused by: Error: while opening private/[redacted]');
    expect(parsed.twice).toEqual([{ u: '?token=[redacted]' }, { u: '?token=[redacted]' }]);
  });

  it('is applied by the logger to messages, fields, errors and child bindings', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger('trace', sink);
    log.info({ workshop: 'w1', doc: `w1:private/${key}`, role: 'participant' }, 'peer joined');
    log.warn(`could not open /ws/w1/private/${key}?token=${t}`);
    log.debug({ n: 1 }, 'token %s for %j', t, { personToken: p });
    log.error(new Error(`refused ${p}`));
    log.error({ err: new Error(`refused ${t}`), path: `/api/x?token=${t}` }, 'request failed');
    log.info({ token: 'short-but-named', personToken: 'also-named', headers: { authorization: `Bearer ${t}` } }, 'named fields');
    log.child({ person: p }).child({ peer: 'p1', via: `?token=${t}` }).info('grandchild');
    expect(lines).toHaveLength(7);
    const all = lines.join('');
    for (const secret of [t, p, key, 'short-but-named', 'also-named']) expect(all).not.toContain(secret);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed[0]!.doc).toBe('w1:private/[redacted]');
    expect(parsed[3]!.msg).toBe('refused [redacted]');
    expect(parsed[3]!.err).toMatchObject({ type: 'Error', message: 'refused [redacted]' });
    expect(parsed[4]!.err).toMatchObject({ type: 'Error', message: 'refused [redacted]' });
    expect(parsed[6]).toMatchObject({ person: '[redacted]', peer: 'p1', via: '?token=[redacted]', msg: 'grandchild' });
  });
});

// ---------------------------------------------------------------------------------------------

let server: TestServer | undefined;
const clients: TestClient[] = [];
const providers: WebsocketProvider[] = [];
const raws: RawPeer[] = [];
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  providers.forEach((p) => p.destroy());
  raws.forEach((r) => r.ws.terminate());
  await server?.stop();
});

describe('the server at LOG_LEVEL=trace', () => {
  it('logs no token and no private document name through a session that touches them all', async () => {
    server = await startTestServer({ env: { LOG_LEVEL: 'trace', ROOM_IDLE_MS: '300', COMPACT_AFTER_UPDATES: '3' } });
    const s = server;
    const ws = await createWorkshop(s, { title: 'Secrets' });
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });

    // A person token, issued and then presented again in a JSON body.
    const entered = await fetch(`${s.url}/api/workshops/${ws.id}/people`, {
      method: 'POST',
      headers: { ...auth(ws.tokens.participant), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(entered.status).toBe(201);
    const { personToken } = (await entered.json()) as { personToken: string };
    const again = await fetch(`${s.url}/api/workshops/${ws.id}/people`, {
      method: 'POST',
      headers: { ...auth(ws.tokens.participant), 'content-type': 'application/json' },
      body: JSON.stringify({ personToken }),
    });
    expect(again.status).toBe(200);

    // Every role token in a WebSocket query string.
    for (const token of Object.values(ws.tokens)) clients.push(connectClient(s.wsUrl, ws.id, token));
    await Promise.all(clients.map((c) => waitSynced(c)));
    const note = new Y.Map<unknown>();
    note.set('id', 'n1');
    note.set('lane', 'product');
    note.set('text', 'a note');
    clients[0]!.doc.getMap('notes').set('n1', note);

    // A private document, as a participant with their person token; written, so it compacts on unload.
    const key = randomBytes(24).toString('base64url');
    const privateDoc = new Y.Doc();
    const provider = new WebsocketProvider(s.wsUrl, `${ws.id}/private/${key}`, privateDoc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      params: { token: ws.tokens.participant, person: personToken },
      disableBc: true,
    });
    providers.push(provider);
    await waitFor(() => provider.synced, 10_000, 'private document synced');
    for (let i = 0; i < 5; i++) privateDoc.getMap('scores').set(`i${i}`, i);

    // A malformed frame on the private document: an error path that logs.
    const privateUrl = `${s.wsUrl}/${ws.id}/private/${key}?token=${ws.tokens.participant}&person=${personToken}`;
    const bad = await openRaw(privateUrl);
    raws.push(bad);
    bad.ws.send(new Uint8Array([0, 7]));
    const badClose = await bad.closed;
    expect(badClose.code).toBe(4400);

    // The decision log with a bearer header, and refusals of wrong tokens (which look like real ones).
    expect((await fetch(`${s.url}/api/workshops/${ws.id}/decision-log.json`, { headers: auth(ws.tokens.facilitator) })).status).toBe(200);
    const wrongToken = fakeToken();
    const wrongPerson = fakeToken();
    const refused = await fetch(`${s.url}/api/workshops/${ws.id}/decision-log.md`, { headers: auth(wrongToken) });
    expect(refused.status).toBe(401);
    const refusedBody = await refused.text();
    const wrongRole = await openRaw(`${s.wsUrl}/${ws.id}?token=${wrongToken}`);
    const wrongPersonPeer = await openRaw(`${s.wsUrl}/${ws.id}/private/${key}?token=${ws.tokens.participant}&person=${wrongPerson}`);
    raws.push(wrongRole, wrongPersonPeer);
    const closes = [badClose, await wrongRole.closed, await wrongPersonPeer.closed];
    expect(closes.map((c) => c.code)).toEqual([4400, 4401, 4401]);

    // Everyone leaves: rooms compact and the workshop unloads.
    const metricsText = await (await fetch(`${s.url}/metrics`)).text();
    clients.forEach((c) => c.destroy());
    clients.length = 0;
    providers.forEach((p) => p.destroy());
    providers.length = 0;
    await waitFor(() => s.logs.join('').includes('workshop unloaded'), 10_000, 'the workshop to unload');

    const logs = s.logs.join('');
    const secrets = { ...ws.tokens, personToken, wrongToken, wrongPerson, key };
    for (const [what, secret] of Object.entries(secrets)) {
      expect(logs.includes(secret), `${what} in the logs`).toBe(false);
      expect(metricsText.includes(secret), `${what} in /metrics`).toBe(false);
      expect(refusedBody.includes(secret), `${what} in a 401 body`).toBe(false);
      for (const c of closes) expect(c.reason.includes(secret), `${what} in a close reason`).toBe(false);
    }
    // No private document name at all, whatever follows the prefix.
    expect(logs).not.toMatch(/private(\/|%2f)(?!\[redacted\])/i);
    expect(metricsText).not.toMatch(/private(\/|%2f)/i);
    // And the session did reach the lines that used to carry them.
    for (const line of ['peer joined', 'private/[redacted]', 'doc loaded', 'compacted', 'malformed message', 'workshop unloaded']) {
      expect(logs).toContain(line);
    }
  });
});

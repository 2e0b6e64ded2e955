// The HTTP API, health, metrics and the built client. Handlers read top to bottom:
// authenticate, validate, act.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { pathOnly } from './logger.js';
import type { Metrics } from './metrics.js';
import type { Directory, RequestActor } from './directory.js';
import { roleForToken } from './auth.js';
import { securityHeaders } from './securityHeaders.js';
import { createStaticHandler } from './staticFiles.js';
import { HttpLimits, type WriteKind } from './httpLimits.js';
import { linkBase } from './links.js';
import { TEMPLATE_KEYS, type Role } from '../shared/constants.js';
import { MAX_WORKSHOP_TITLE } from '../shared/limits.js';
import { hasControlCharacters } from '../shared/commands/text.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
    /** Extra response headers, e.g. Retry-After on a 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const hasNoControlCharacters = (s: string): boolean => !hasControlCharacters(s);

export const CreateWorkshopBody = z.object({
  title: z
    .string({ error: 'title must be a string' })
    .trim()
    .min(1, 'title must not be empty')
    .max(MAX_WORKSHOP_TITLE, `title is at most ${MAX_WORKSHOP_TITLE} characters`)
    .refine(hasNoControlCharacters, 'title must not contain control characters'),
  template: z.enum(TEMPLATE_KEYS, { error: `template must be one of ${TEMPLATE_KEYS.join(', ')}` }).optional(),
});

/** POST /api/workshops/:id/people: the person token this browser already holds, if any. */
export const EnterPersonBody = z.object({
  personToken: z
    .string({ error: 'personToken must be a string' })
    .min(1, 'personToken must not be empty')
    .max(256, 'personToken is at most 256 characters')
    .refine(hasNoControlCharacters, 'personToken must not contain control characters')
    .optional(),
});

export interface HttpDeps {
  config: Config;
  log: Logger;
  metrics: Metrics;
  /** The workshops, awaited: SQLite on one node, PostgreSQL in the cluster (directory.ts). */
  directory: Directory;
  /** What this node cannot reach right now (cluster: 'database', 'redis'); none on one node. */
  health?: () => Promise<string[]>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, params: string[]) => Promise<void> | void;
interface Route {
  method: string;
  pattern: RegExp;
  name: string;
  handler: Handler;
}

/** Spends the client's budget for one write of this kind: throws a 429 past it. */
export type LimitWrite = (req: IncomingMessage, kind: WriteKind) => Promise<void>;

export function createHttpHandler(deps: HttpDeps, extraRoutes: (deps: HttpDeps, limit: LimitWrite) => Route[] = () => []) {
  const { config, log, metrics, directory } = deps;
  const serveStatic = createStaticHandler(config);
  const setSecurityHeaders = securityHeaders(config);
  const limits = new HttpLimits(config);
  /** Every endpoint that creates or writes spends the client's budget first: 429 with Retry-After past it. */
  const limit: LimitWrite = async (req, kind) => {
    const over = await limits.consume(req, kind);
    if (!over) return; // a 429 is counted in scaleboard_http_requests_total like every answer
    throw new HttpError(429, `too many requests from this address; try again in ${over.retryAfterSec} s`, undefined, {
      'retry-after': String(over.retryAfterSec),
    });
  };

  const routes: Route[] = [
    {
      // In the cluster, 503 naming what this node cannot reach (its database or Redis).
      method: 'GET',
      pattern: /^\/healthz$/,
      name: 'healthz',
      handler: async (_q, res) => {
        const unreachable = deps.health ? await deps.health() : [];
        if (unreachable.length) sendJson(res, 503, { status: 'unavailable', unreachable });
        else sendJson(res, 200, { status: 'ok' });
      },
    },
    {
      method: 'GET',
      pattern: /^\/metrics$/,
      name: 'metrics',
      handler: async (_q, res) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(await metrics.registry.metrics());
      },
    },
    // Clients estimate their clock offset from this (several round trips, keep the best).
    { method: 'GET', pattern: /^\/api\/time$/, name: 'time', handler: (_q, res) => sendJson(res, 200, { now: Date.now() }) },
    {
      method: 'POST',
      pattern: /^\/api\/workshops$/,
      name: 'create_workshop',
      handler: async (req, res) => {
        await limit(req, 'create');
        const body = parseBody(CreateWorkshopBody, await readJson(req, config.maxBodyBytes));
        const template = body.template ?? 'scaleup';
        const { id, tokens } = await directory.create({ title: body.title, template, now: Date.now() });
        log.info({ workshop: id, template }, 'workshop created');
        sendJson(res, 201, { id, links: workshopLinks(req, config, id, tokens) });
      },
    },
    {
      method: 'GET',
      pattern: workshopPath('\\/session'),
      name: 'session',
      handler: async (req, res, [id]) => {
        const { row, role } = await authenticate(req, directory, id!);
        sendJson(res, 200, { id: row.id, title: row.title, template: row.template, role });
      },
    },
    {
      // The person this browser is in this workshop: the same one again (200) when it still holds
      // a token of a person of this workshop with this role, else a new one (201).
      method: 'POST',
      pattern: workshopPath('\\/people'),
      name: 'people',
      handler: async (req, res, [id]) => {
        await limit(req, 'write');
        const { row, role } = await authenticate(req, directory, id!);
        const raw = await readJson(req, config.maxBodyBytes, { optional: true });
        const body = parseBody(EnterPersonBody, raw === undefined ? {} : raw);
        const entered = await directory.enterPerson(row.id, role, body.personToken, Date.now());
        if ('full' in entered) {
          throw new HttpError(429, `this workshop already has its maximum of ${config.maxPeoplePerWorkshop} people; ask the facilitator`);
        }
        const { person, token, created } = entered;
        if (created) log.info({ workshop: row.id, person: person.id, role }, 'person created');
        sendJson(res, created ? 201 : 200, { personId: person.id, personToken: token, role, color: person.color });
      },
    },
    {
      // The workshop and all its data, for good: documents, history, people, tokens. Its open
      // connections close with 4404, and its links and log answer 404 from now on.
      method: 'DELETE',
      pattern: workshopPath(),
      name: 'delete_workshop',
      handler: async (req, res, [id]) => {
        await limit(req, 'write');
        const { row, role } = await authenticate(req, directory, id!);
        if (role !== 'facilitator') throw new HttpError(403, 'only the facilitator can delete a workshop');
        await directory.delete(row.id);
        log.info({ workshop: row.id }, 'workshop deleted');
        res.writeHead(204);
        res.end();
      },
    },
    ...extraRoutes(deps, limit),
  ];

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = pathOnly(req.url);
    const route = routes.find((r) => r.method === req.method && r.pattern.test(path));
    const name = route?.name ?? (path.startsWith('/api/') ? 'api_unknown' : 'static');
    res.on('finish', () => metrics.httpRequests.inc({ route: name, status: String(res.statusCode) }));
    try {
      // On every response, errors and 404s included; nothing is cached unless said otherwise.
      setSecurityHeaders(req, res);
      res.setHeader('cache-control', 'no-store');
      if (route) {
        await route.handler(req, res, route.pattern.exec(path)!.slice(1));
      } else if (path.startsWith('/api/')) {
        const known = routes.some((r) => r.pattern.test(path));
        throw new HttpError(known ? 405 : 404, known ? 'method not allowed' : 'not found');
      } else if (serveStatic && (req.method === 'GET' || req.method === 'HEAD')) {
        serveStatic(req, res, () => sendJson(res, 404, { error: 'not found' }));
      } else if (!serveStatic) {
        sendJson(res, 503, { error: 'the client is not built: run `npm run build`' });
      } else {
        throw new HttpError(405, 'method not allowed');
      }
    } catch (err) {
      if (err instanceof HttpError) {
        // After a 413 the rest of the body is not read: close the connection instead of reusing it.
        if (err.status === 413 && !res.headersSent) res.setHeader('connection', 'close');
        if (!res.headersSent) {
          for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
          sendJson(res, err.status, { error: err.message, ...(err.field ? { field: err.field } : {}) });
        } else res.destroy();
        return;
      }
      log.error({ err, path }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    }
  };
}

/** The three role links of a new workshop (SPEC 4): the token rides in the fragment, never in a log. */
export function workshopLinks(req: IncomingMessage, config: Config, id: string, tokens: Record<Role, string>): Record<Role, string> {
  const base = linkBase(req, config);
  const link = (role: Role) => `${base}/w/${id}#token=${tokens[role]}`;
  return { facilitator: link('facilitator'), participant: link('participant'), observer: link('observer') };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

/** Bearer token of any role for workshop `id`: 404 unknown workshop, 401 bad token. */
export async function authenticate(req: IncomingMessage, directory: Directory, id: string) {
  const row = await directory.row(id);
  if (!row) throw new HttpError(404, 'unknown workshop');
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  const role = roleForToken(m?.[1], { facilitator: row.facilitatorHash, participant: row.participantHash, observer: row.observerHash });
  if (!role) throw new HttpError(401, 'missing or invalid bearer token');
  return { row, role };
}

/** `/api/workshops/<id><suffix>` as a route pattern, the id captured (suffix: regex source, e.g. `\\/history`). */
export const workshopPath = (suffix = ''): RegExp => new RegExp(`^\\/api\\/workshops\\/([A-Za-z0-9_-]{1,64})${suffix}$`);

/** Who an API write is made by (SPEC 8): the request's person (`x-person-token`) if one is sent, and the token's role. */
export async function requestActor(req: IncomingMessage, directory: Directory, workshopId: string, role: Role): Promise<RequestActor> {
  const header = req.headers['x-person-token'];
  const person = typeof header === 'string' ? await directory.findPerson(workshopId, header) : null;
  return { person, role };
}

/** The request's JSON body; with `optional`, an empty body reads as undefined. */
export async function readJson(req: IncomingMessage, limit: number, { optional = false } = {}): Promise<unknown> {
  // Only JSON: an HTML form (text/plain, urlencoded, multipart) on another site cannot send it
  // without a CORS preflight, which this server never answers, so no cross-site form can write.
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type && type !== 'application/json') {
    req.resume();
    throw new HttpError(415, 'the body must be JSON, sent with content-type: application/json');
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new HttpError(413, `body larger than ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw new HttpError(413, `body larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (optional && text.trim() === '') return undefined;
  if (!type) throw new HttpError(415, 'the body must be JSON, sent with content-type: application/json');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.') || undefined;
  throw new HttpError(400, field ? `${field}: ${issue.message}` : issue.message, field);
}

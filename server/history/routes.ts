// The history API (SPEC 8). Reads top to bottom: authenticate, validate, act.
// GET  /api/workshops/:id/history[?person=&stage=]   facilitator or observer token
// POST /api/workshops/:id/history/restore  { entryId }  facilitator: brings back what an entry deleted
// POST /api/workshops/:id/history/rollback { entryId }  facilitator: the board as it was after an entry
// A restore or rollback is a new change, recorded in the history as the facilitator's (the
// `x-person-token` header names the person, as for check-ins).
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { createHttpHandler, HttpDeps, LimitWrite } from '../http.js';
import { authenticate, HttpError, parseBody, readJson, sendJson } from '../http.js';
import { loadWorkshop } from '../decisionLog.js';
import type { Workshop } from '../workshop.js';
import type { Workshops } from '../workshops.js';
import type { Role } from '../../shared/constants.js';
import { readSettings } from '../../shared/schema.js';
import type { Actor, HistoryAnswer } from '../../shared/history.js';
import { entryView } from './store.js';
import { RestoreRefused, restoreEntry, rollbackTo } from './restore.js';

type Route = ReturnType<NonNullable<Parameters<typeof createHttpHandler>[1]>>[number];

const ID = /^[A-Za-z0-9_:-]{1,80}$/;

export const HistoryQuery = z.object({
  person: z.string().regex(ID, 'person must be a person id').optional(),
  stage: z.string().regex(/^[a-z0-9-]{1,40}$/, 'stage must be a stage key').optional(),
});

export const EntryBody = z.object({
  entryId: z.number({ error: 'entryId must be a number' }).int('entryId must be a whole number').min(1, 'entryId must be 1 or more'),
});

export const historyPath = (suffix = '') => new RegExp(`^\\/api\\/workshops\\/([A-Za-z0-9_-]{1,64})\\/history${suffix}$`);

/** One node only (they use the loaded workshop's history and write through it; a cluster node answers 501). */
export function historyRoutes(deps: HttpDeps & { workshops: Workshops }, limit: LimitWrite): Route[] {
  const { config, log, workshops, directory } = deps;

  /** Runs `fn` with the workshop loaded (and counted as in use, so an idle one unloads later as usual). */
  const withWorkshop = <T>(id: string, fn: (w: Workshop) => T): T => {
    const workshop = loadWorkshop(deps, id);
    if (!workshop) throw new HttpError(404, 'unknown workshop');
    workshop.connected();
    try {
      return fn(workshop);
    } finally {
      workshop.disconnected();
    }
  };

  const facilitatorWrite = (name: string, act: typeof restoreEntry): Route => ({
    method: 'POST',
    pattern: historyPath(`\\/${name}`),
    name: `history_${name}`,
    handler: async (req, res, [id]) => {
      await limit(req, 'write');
      const { row, role } = await authenticate(req, directory, id!);
      if (role !== 'facilitator') throw new HttpError(403, `only the facilitator can ${name === 'restore' ? 'restore' : 'roll back'}`);
      const body = parseBody(EntryBody, await readJson(req, config.maxBodyBytes));
      const entry = withWorkshop(row.id, (w) => {
        const actor = w.history.requestActor(personOf(req, row.id, role), role);
        try {
          const made = act(w, row.id, body.entryId, actor);
          log.info({ workshop: row.id, entry: body.entryId, made: made.seq }, `history ${name}`);
          return entryView(made);
        } catch (err) {
          if (err instanceof RestoreRefused) throw new HttpError(err.status, err.message, err.status === 404 ? 'entryId' : undefined);
          throw err;
        }
      });
      sendJson(res, 201, { entry });
    },
  });

  const personOf = (req: IncomingMessage, workshopId: string, role: Role) => {
    const header = req.headers['x-person-token'];
    const person = typeof header === 'string' ? workshops.people.find(workshopId, header) : null;
    return person && person.role === role ? person : null;
  };

  return [
    {
      method: 'GET',
      pattern: historyPath(),
      name: 'history',
      handler: async (req, res, [id]) => {
        const { row, role } = await authenticate(req, directory, id!);
        if (role === 'participant') throw new HttpError(403, 'the history is for the facilitator and observers');
        const url = new URL(req.url ?? '/', 'http://localhost');
        const query = parseBody(HistoryQuery, Object.fromEntries([...url.searchParams].filter(([k]) => k === 'person' || k === 'stage')));
        const { all, gone } = withWorkshop(row.id, (w) => ({
          all: w.history.readable(readSettings(w.control.doc).anonymous),
          gone: (root: string, key: string) => w.history.boardValue(root, key) === null,
        }));
        const people = new Map<string, Actor>();
        for (const e of all) if (e.actor.id) people.set(e.actor.id, e.actor);
        const answer: HistoryAnswer = {
          entries: all
            .filter((e) => (query.person === undefined || e.actor.id === query.person) && (query.stage === undefined || e.stage === query.stage))
            .reverse()
            .map((e) => entryView(e, gone)),
          people: [...people.values()],
          stages: [...new Set(all.map((e) => e.stage))],
          latest: all.at(-1)?.seq ?? 0,
        };
        sendJson(res, 200, answer);
      },
    },
    facilitatorWrite('restore', restoreEntry),
    facilitatorWrite('rollback', rollbackTo),
  ];
}

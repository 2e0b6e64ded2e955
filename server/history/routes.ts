// The history API (SPEC 8). Reads top to bottom: authenticate, validate, act.
// GET  /api/workshops/:id/history[?person=&stage=]   facilitator or observer token
// POST /api/workshops/:id/history/restore  { entryId }  facilitator: brings back what an entry deleted
// POST /api/workshops/:id/history/rollback { entryId }  facilitator: the board as it was after an entry
// A restore or rollback is a new change, recorded in the history as the facilitator's (the
// `x-person-token` header names the person, as for check-ins).
import { z } from 'zod';
import type { createHttpHandler, HttpDeps, LimitWrite } from '../http.js';
import { authenticate, HttpError, parseBody, readJson, requestActor, sendJson, workshopPath } from '../http.js';
import { guardLoad, loadWorkshop } from '../decisionLog.js';
import type { Workshops } from '../workshops.js';
import type { RequestActor } from '../directory.js';
import { readSettings } from '../../shared/schema.js';
import type { Actor, HistoryAnswer } from '../../shared/history.js';
import { entryView, type HistoryEntry } from './store.js';
import { RestoreRefused, restoreEntry, rollbackTo, rootMap } from './restore.js';

type Route = ReturnType<NonNullable<Parameters<typeof createHttpHandler>[1]>>[number];

const ID = /^[A-Za-z0-9_:-]{1,80}$/;

export const HistoryQuery = z.object({
  person: z.string().regex(ID, 'person must be a person id').optional(),
  stage: z.string().regex(/^[a-z0-9-]{1,40}$/, 'stage must be a stage key').optional(),
});

export const EntryBody = z.object({
  entryId: z.number({ error: 'entryId must be a number' }).int('entryId must be a whole number').min(1, 'entryId must be 1 or more'),
});

export const historyPath = (suffix = '') => workshopPath(`\\/history${suffix}`);

export type HistoryWriteKind = 'restore' | 'rollback';
export const historyActs = { restore: restoreEntry, rollback: rollbackTo } satisfies Record<HistoryWriteKind, unknown>;

/**
 * Performs a restore or rollback where the workshop is held and resolves its own entry once it is
 * stored (null: unknown workshop); rejects with RestoreRefused. One node: localHistoryWrite; a
 * cluster node: the workshop's owner (ClusterNode.historyWrite).
 */
export type HistoryWrite = (workshopId: string, kind: HistoryWriteKind, entryId: number, by: RequestActor) => Promise<HistoryEntry | null>;

/** One node: on the loaded workshop (counted as in use meanwhile, so an idle one unloads later as usual). */
export function localHistoryWrite(deps: Pick<HttpDeps, 'metrics'> & { workshops: Workshops }): HistoryWrite {
  return async (id, kind, entryId, by) => {
    const workshop = loadWorkshop(deps, id);
    if (!workshop) return null;
    workshop.connected();
    try {
      return await historyActs[kind](workshop, id, entryId, workshop.history.requestActor(by.person, by.role));
    } finally {
      workshop.disconnected();
    }
  };
}

/** The same routes on one node and on a cluster node: reads through the Directory, writes through `write`. */
export function historyRoutes(deps: HttpDeps, limit: LimitWrite, write: HistoryWrite): Route[] {
  const { config, log, directory } = deps;

  const facilitatorWrite = (kind: HistoryWriteKind): Route => ({
    method: 'POST',
    pattern: historyPath(`\\/${kind}`),
    name: `history_${kind}`,
    handler: async (req, res, [id]) => {
      await limit(req, 'write');
      const { row, role } = await authenticate(req, directory, id!);
      if (role !== 'facilitator') throw new HttpError(403, `only the facilitator can ${kind === 'restore' ? 'restore' : 'roll back'}`);
      const body = parseBody(EntryBody, await readJson(req, config.maxBodyBytes));
      // In the history as the request's person (x-person-token, if one of this role) or the role's.
      const actor = await requestActor(req, directory, row.id, role);
      let made: HistoryEntry | null;
      try {
        made = await write(row.id, kind, body.entryId, actor);
      } catch (err) {
        if (err instanceof RestoreRefused) throw new HttpError(err.status, err.message, err.status === 404 ? 'entryId' : undefined);
        throw err;
      }
      if (!made) throw new HttpError(404, 'unknown workshop');
      log.info({ workshop: row.id, entry: body.entryId, made: made.seq }, `history ${kind}`);
      sendJson(res, 201, { entry: entryView(made) });
    },
  });

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
        const answer = await guardLoad(deps, () =>
          directory.read(row.id, ({ board, control, history }): HistoryAnswer => {
            const all = history(readSettings(control).anonymous);
            const gone = (root: string, key: string) => !rootMap(board, root).has(key);
            const people = new Map<string, Actor>();
            for (const e of all) if (e.actor.id) people.set(e.actor.id, e.actor);
            return {
              entries: all
                .filter((e) => (query.person === undefined || e.actor.id === query.person) && (query.stage === undefined || e.stage === query.stage))
                .reverse()
                .map((e) => entryView(e, gone)),
              people: [...people.values()],
              stages: [...new Set(all.map((e) => e.stage))],
              latest: all.at(-1)?.seq ?? 0,
            };
          }),
        );
        if (!answer) throw new HttpError(404, 'unknown workshop');
        sendJson(res, 200, answer);
      },
    },
    facilitatorWrite('restore'),
    facilitatorWrite('rollback'),
  ];
}

// POST /api/workshops/:id/check-ins — a metric check-in (SPEC 8) with a facilitator's or a
// participant's bearer token: `{ "metricId", "value", "at" }`. The server writes it into the board
// as its own write, so it is persisted and relayed like any update, and a locked board (the
// workshop is over) still takes check-ins. An optional `x-person-token` header names who checked
// in (the person the browser is in this workshop); without it the check-in is the role's.
import { z } from 'zod';
import type { createHttpHandler, HttpDeps, LimitWrite } from './http.js';
import { authenticate, HttpError, parseBody, readJson, requestActor, sendJson, workshopPath } from './http.js';
import { guardLoad } from './decisionLog.js';
import { isCheckInDate, MAX_CHECK_IN_MAGNITUDE } from '../shared/checkins.js';
import { addCheckIn } from '../shared/commands/checkIns.js';
import { MAX_CHECK_INS_PER_BOARD } from '../shared/limits.js';
import { boardMaps } from '../shared/schema.js';

type Route = ReturnType<NonNullable<Parameters<typeof createHttpHandler>[1]>>[number];

export const CheckInBody = z.object({
  metricId: z.string({ error: 'metricId must be a string' }).min(1, 'metricId must not be empty').max(64, 'metricId is at most 64 characters'),
  value: z
    .number({ error: 'value must be a number' })
    .refine((v) => Number.isFinite(v) && Math.abs(v) <= MAX_CHECK_IN_MAGNITUDE, `value must be a finite number within ±${MAX_CHECK_IN_MAGNITUDE}`),
  at: z.string({ error: 'at must be a date YYYY-MM-DD' }).refine(isCheckInDate, 'at must be a date YYYY-MM-DD between 2000 and 2100'),
});

export function checkInRoutes(deps: HttpDeps, limit: LimitWrite): Route[] {
  const { config, log, directory } = deps;
  return [
    {
      method: 'POST',
      pattern: workshopPath('\\/check-ins'),
      name: 'check_ins',
      handler: async (req, res, [id]) => {
        await limit(req, 'write');
        const { row, role } = await authenticate(req, directory, id!);
        if (role === 'observer') throw new HttpError(403, 'observers cannot check in');
        const body = parseBody(CheckInBody, await readJson(req, config.maxBodyBytes));
        const actor = await requestActor(req, directory, row.id, role);
        const by = actor.person?.role === role ? actor.person.id : `api:${role}`;

        // In the history as the person's (or the role's) check-in.
        const written = await guardLoad(deps, () =>
          directory.writeBoard(row.id, actor, (doc) => {
            // The server's own writes pass no write gate: the board's check-in limit is held here.
            if (boardMaps(doc).checkIns.size >= MAX_CHECK_INS_PER_BOARD) throw new HttpError(409, `the board holds at most ${MAX_CHECK_INS_PER_BOARD} check-ins`);
            return addCheckIn(doc, { ...body, by, now: Date.now() });
          }),
        );
        if (!written) throw new HttpError(404, 'unknown workshop');
        if (!written.stored) throw new HttpError(503, 'the check-in could not be stored: try again in a moment');
        const result = written.result;
        if (!result.ok) throw new HttpError(result.field === 'metricId' ? 404 : 400, `${result.field}: ${result.error}`, result.field);
        log.info({ workshop: row.id, checkIn: result.id, role }, 'check-in recorded');
        sendJson(res, 201, { id: result.id, metricId: body.metricId, value: body.value, at: body.at });
      },
    },
  ];
}

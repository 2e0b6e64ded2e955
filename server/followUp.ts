// POST /api/workshops/:id/follow-up — `Start follow-up` (SPEC 8), with the facilitator's bearer
// token and an optional JSON body `{ "title" }`. The server creates a new workshop (new id, new
// links and tokens, like POST /api/workshops) that starts with Review: its board holds a copy of
// this workshop's decisions, metrics and check-ins (shared/followUp.ts), so the follow-up never
// needs this workshop's tokens. Answers 201 with `{ id, previousId, links }`.
import { z } from 'zod';
import type { createHttpHandler, HttpDeps, LimitWrite } from './http.js';
import { authenticate, CreateWorkshopBody, HttpError, parseBody, readJson, sendJson, workshopLinks, workshopPath } from './http.js';
import { guardLoad } from './decisionLog.js';
import { readBoard } from '../shared/schema.js';
import { readLogControl, type LogControl } from '../shared/log/build.js';
import { canStartFollowUp, followUpTitle, previousWorkshopFrom } from '../shared/followUp.js';
import { TEMPLATE_KEYS, type TemplateKey } from '../shared/constants.js';
import { MAX_WORKSHOP_TITLE } from '../shared/limits.js';
import { clipUnits } from '../shared/commands/text.js';

type Route = ReturnType<NonNullable<Parameters<typeof createHttpHandler>[1]>>[number];

export const StartFollowUpBody = z.object({ title: CreateWorkshopBody.shape.title.optional() });

/**
 * A workshop title as POST /api/workshops takes one (CreateWorkshopBody), from one a client wrote:
 * the control document's settings.title, which the write gate keeps to those rules now but a
 * document stored before may break. Runs of control characters become one space, a lone half of a
 * surrogate pair (what a plain `.slice` clip leaves) goes, and the rest is clipped emoji-safe.
 * Empty if nothing is left.
 */
export function cleanWorkshopTitle(title: string): string {
  return clipUnits(title.replace(/\p{Cc}+/gu, ' ').replace(/\p{Cs}/gu, '').trim(), MAX_WORKSHOP_TITLE).trim();
}

export function followUpRoutes(deps: HttpDeps, limit: LimitWrite): Route[] {
  const { config, log, directory } = deps;
  return [
    {
      method: 'POST',
      pattern: workshopPath('\\/follow-up'),
      name: 'follow_up',
      handler: async (req, res, [id]) => {
        await limit(req, 'create');
        const { row, role } = await authenticate(req, directory, id!);
        if (role !== 'facilitator') throw new HttpError(403, 'only the facilitator can start a follow-up');
        const raw = await readJson(req, config.maxBodyBytes, { optional: true });
        const body = parseBody(StartFollowUpBody, raw === undefined ? {} : raw);

        const read = await guardLoad(deps, () =>
          directory.read(row.id, ({ board, control: controlDoc }) => {
            const control: LogControl = readLogControl(controlDoc);
            return { control, previous: previousWorkshopFrom({ id: row.id, board: readBoard(board), ...control }) };
          }),
        );
        if (!read) throw new HttpError(404, 'unknown workshop');
        const { control, previous } = read;
        if (!canStartFollowUp(previous.decisions.length, control.engine)) {
          throw new HttpError(409, 'nothing to follow up yet: a follow-up starts once the workshop has decisions, or from stage 5 on');
        }
        const template: TemplateKey = (TEMPLATE_KEYS as readonly string[]).includes(row.template) ? (row.template as TemplateKey) : 'scaleup';
        // The title it follows is copied twice (into the new title, and the Review's "previous"): both
        // pass the create endpoint's rules, whatever the control document holds.
        const title = cleanWorkshopTitle(control.settings.title) || cleanWorkshopTitle(row.title);
        const created = await directory.create({
          title: body.title ?? cleanWorkshopTitle(followUpTitle(title)),
          template,
          now: Date.now(),
          followUp: { previous: { ...previous, title }, offPlanTolerance: control.settings.offPlanTolerance },
        });
        log.info({ workshop: created.id, previous: row.id, decisions: previous.decisions.length }, 'follow-up created');
        sendJson(res, 201, { id: created.id, previousId: row.id, links: workshopLinks(req, config, created.id, created.tokens) });
      },
    },
  ];
}

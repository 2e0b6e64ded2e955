// GET /api/workshops/:id/decision-log.json|.md|.csv|.jira.csv — the decision log as a download, for a
// bearer token of any role. Reads top to bottom: authenticate, load, build, send.
import type { createHttpHandler, HttpDeps } from './http.js';
import { authenticate, HttpError } from './http.js';
import { WorkshopLoadError } from './workshop.js';
import { logHistory } from './history/store.js';
import { buildDecisionLog } from '../shared/log/build.js';
import { readSettings } from '../shared/schema.js';
import { LOG_FORMATS } from '../shared/log/formats.js';
import { contentDisposition, type LogFormat } from '../shared/log/filename.js';

type Route = ReturnType<NonNullable<Parameters<typeof createHttpHandler>[1]>>[number];

export function decisionLogRoutes(deps: HttpDeps): Route[] {
  const { workshops } = deps;
  return [
    {
      method: 'GET',
      pattern: /^\/api\/workshops\/([A-Za-z0-9_-]{1,64})\/decision-log\.(json|md|csv|jira\.csv)$/,
      name: 'decision_log',
      handler: (req, res, [id, ext]) => {
        const { role } = authenticate(req, workshops, id!);
        const workshop = loadWorkshop(deps, id!);
        if (!workshop) throw new HttpError(404, 'unknown workshop');
        // Count the read as a connection: a workshop loaded only for this export is unloaded after
        // the usual idle grace period instead of staying in memory for good.
        workshop.connected();
        let log;
        try {
          // The history is for the facilitator and observers (SPEC 8), as GET …/history: a participant's log has none.
          const history = role === 'participant' ? undefined : logHistory(workshop.history.readable(readSettings(workshop.control.doc).anonymous));
          log = buildDecisionLog({ board: workshop.board.doc, control: workshop.control.doc, workshopId: workshop.id, now: Date.now(), history });
        } finally {
          workshop.disconnected();
        }
        const format = LOG_FORMATS[ext as LogFormat];
        const body = format.render(log);
        res.writeHead(200, {
          'content-type': format.contentType,
          'content-disposition': contentDisposition(log.workshop, ext as LogFormat),
          'content-length': Buffer.byteLength(body),
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
        });
        res.end(body);
      },
    },
  ];
}

/** The workshop, loaded; a damaged one answers 500 naming the problem, not its internals. */
export function loadWorkshop({ workshops, metrics }: HttpDeps, id: string) {
  try {
    return workshops.get(id);
  } catch (err) {
    if (!(err instanceof WorkshopLoadError)) throw err;
    metrics.rejected.inc({ reason: 'load_failed' });
    throw new HttpError(500, 'workshop could not be loaded: its stored data is damaged');
  }
}

// GET /api/workshops/:id/decision-log.json|.md|.csv|.jira.csv — the decision log as a download, for a
// bearer token of any role. Reads top to bottom: authenticate, load, build, send.
import type { createHttpHandler, HttpDeps } from './http.js';
import { authenticate, HttpError, workshopPath } from './http.js';
import { WorkshopLoadError } from './workshop.js';
import type { Workshops } from './workshops.js';
import { logHistory } from './history/store.js';
import { buildDecisionLog } from '../shared/log/build.js';
import { readSettings } from '../shared/schema.js';
import { LOG_FORMATS } from '../shared/log/formats.js';
import { contentDisposition, type LogFormat } from '../shared/log/filename.js';

type Route = ReturnType<NonNullable<Parameters<typeof createHttpHandler>[1]>>[number];

export function decisionLogRoutes(deps: HttpDeps): Route[] {
  const { directory } = deps;
  return [
    {
      method: 'GET',
      pattern: workshopPath('\\/decision-log\\.(json|md|csv|jira\\.csv)'),
      name: 'decision_log',
      handler: async (req, res, [id, ext]) => {
        const { row, role } = await authenticate(req, directory, id!);
        const log = await guardLoad(deps, () =>
          directory.read(row.id, ({ board, control, history }) => {
            // The history is for the facilitator and observers (SPEC 8), as GET …/history: a participant's log has none.
            const readable = role === 'participant' ? undefined : logHistory(history(readSettings(control).anonymous));
            return buildDecisionLog({ board, control, workshopId: row.id, now: Date.now(), history: readable });
          }),
        );
        if (!log) throw new HttpError(404, 'unknown workshop');
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

/** Runs `use`, which loads the workshop; a damaged one answers 500 naming the problem, not its internals. */
export async function guardLoad<T>(deps: Pick<HttpDeps, 'metrics'>, use: () => Promise<T>): Promise<T> {
  try {
    return await use();
  } catch (err) {
    throw loadError(deps, err);
  }
}

/** One node: the workshop loaded from SQLite (routes not yet on the Directory, e.g. the history's); errors as guardLoad. */
export function loadWorkshop(deps: Pick<HttpDeps, 'metrics'> & { workshops: Workshops }, id: string) {
  try {
    return deps.workshops.get(id);
  } catch (err) {
    throw loadError(deps, err);
  }
}

function loadError({ metrics }: Pick<HttpDeps, 'metrics'>, err: unknown): unknown {
  if (!(err instanceof WorkshopLoadError)) return err;
  metrics.rejected.inc({ reason: 'load_failed' });
  return new HttpError(500, 'workshop could not be loaded: its stored data is damaged');
}

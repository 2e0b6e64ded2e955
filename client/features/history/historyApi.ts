// The history API as the History region uses it (server/history/routes.ts).
import type { HistoryAnswer } from '../../../shared/history';
import type { WorkshopSession } from '../../sync/session';

type Session = Pick<WorkshopSession, 'workshopId' | 'token' | 'personToken'>;

const base = (s: Session) => `/api/workshops/${encodeURIComponent(s.workshopId)}/history`;

async function failure(res: Response, what: string): Promise<Error> {
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  return new Error(body.error ?? `${what} failed (${res.status})`);
}

export async function fetchHistory(session: Session, filters: { person: string; stage: string }): Promise<HistoryAnswer> {
  const query = new URLSearchParams();
  if (filters.person) query.set('person', filters.person);
  if (filters.stage) query.set('stage', filters.stage);
  const q = query.toString();
  const res = await fetch(`${base(session)}${q ? `?${q}` : ''}`, { headers: { authorization: `Bearer ${session.token}` }, cache: 'no-store' });
  if (!res.ok) throw await failure(res, 'Loading the history');
  return (await res.json()) as HistoryAnswer;
}

/** Restore what an entry deleted, or roll the board back to right after it: the server applies it as a new change. */
export async function postHistoryAction(session: Session, action: 'restore' | 'rollback', entryId: number): Promise<void> {
  const res = await fetch(`${base(session)}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}`, 'x-person-token': session.personToken },
    body: JSON.stringify({ entryId }),
    cache: 'no-store',
  });
  if (!res.ok) throw await failure(res, action === 'restore' ? 'Restore' : 'Roll back');
}

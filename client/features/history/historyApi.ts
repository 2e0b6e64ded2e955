// The history API as the History region uses it (server/history/routes.ts). Reading goes through the
// app's fetchWithToken; restore and rollback answer 404 for an unknown entry (not a gone workshop),
// so their failures are the server's own message.
import type { HistoryAnswer } from '../../../shared/history';
import { errorOf, fetchWithToken } from '../../api';
import type { WorkshopSession } from '../../sync/session';

type Session = Pick<WorkshopSession, 'workshopId' | 'token' | 'personToken'>;

export async function fetchHistory(session: Session, filters: { person: string; stage: string }): Promise<HistoryAnswer> {
  const query = new URLSearchParams();
  if (filters.person) query.set('person', filters.person);
  if (filters.stage) query.set('stage', filters.stage);
  const q = query.toString();
  const res = await fetchWithToken(session.workshopId, `history${q ? `?${q}` : ''}`, session.token);
  return (await res.json()) as HistoryAnswer;
}

/** Restore what an entry deleted, or roll the board back to right after it: the server applies it as a new change. */
export async function postHistoryAction(session: Session, action: 'restore' | 'rollback', entryId: number): Promise<void> {
  const res = await fetch(`/api/workshops/${encodeURIComponent(session.workshopId)}/history/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}`, 'x-person-token': session.personToken },
    body: JSON.stringify({ entryId }),
    cache: 'no-store',
  });
  if (!res.ok) throw await errorOf(res);
}

// A check-in goes through the API (SPEC 8), not a local write: the server validates it, records it
// as its own write (so a locked board, after the workshop, still takes check-ins) and relays it to
// every screen, this one included.
import { errorOf } from '../../api';
import type { WorkshopSession } from '../../sync/session';

export async function postCheckIn(
  session: Pick<WorkshopSession, 'workshopId' | 'token' | 'personToken'>,
  body: { metricId: string; value: number; at: string },
): Promise<void> {
  const res = await fetch(`/api/workshops/${encodeURIComponent(session.workshopId)}/check-ins`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}`, 'x-person-token': session.personToken },
    body: JSON.stringify(body),
    cache: 'no-store',
  });
  // A 404 here may name the metric (`metricId`), not the workshop: the server's own message says which.
  if (!res.ok) throw await errorOf(res);
}

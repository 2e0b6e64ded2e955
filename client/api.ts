// The HTTP API as the client uses it.
import type { Role, TemplateKey } from '../shared/constants';

export interface CreatedWorkshop {
  id: string;
  links: Record<Role, string>;
}

export interface SessionInfo {
  id: string;
  title: string;
  template: TemplateKey;
  role: Role;
}

/** Who this browser is in a workshop, as the server issued it (POST /api/workshops/:id/people). */
export interface Person {
  personId: string;
  personToken: string;
  role: Role;
  color: string;
}

async function errorOf(res: Response): Promise<Error> {
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  return new Error(body.error ?? `request failed (${res.status})`);
}

/** What to do next, said at the end of a failure message: on a page load, reload; in a form, press again. */
type NextStep = 'reload the page' | 'try again';
export const unreachableMessage = (next: NextStep) => `Could not reach the server. Check your connection, then ${next}.`;
export const serverErrorMessage = (next: NextStep) => `The server could not answer just now. Wait a moment, then ${next}.`;

/**
 * fetch, with the failures a person can do nothing about in the page said as what to do next:
 * no answer at all (offline, server down) and a server error (5xx). Other answers are returned.
 */
async function request(url: string, init: RequestInit, next: NextStep): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch {
    throw new Error(unreachableMessage(next));
  }
  if (res.status >= 500) throw new Error(serverErrorMessage(next));
  return res;
}

export async function createWorkshop(title: string, template: TemplateKey): Promise<CreatedWorkshop> {
  const res = await request('/api/workshops', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title, template }),
  }, 'try again');
  if (!res.ok) throw await errorOf(res);
  return res.json();
}

export const NO_TOKEN_MESSAGE =
  'This link has no access token. Open the full link you were sent (it ends in #token=…), or ask the facilitator for it again.';

/** Fetches a workshop resource with the link's token; link problems become messages that say what to do. */
export async function fetchWithToken(workshopId: string, path: string, token: string, init: RequestInit = {}): Promise<Response> {
  const res = await request(`/api/workshops/${encodeURIComponent(workshopId)}/${path}`, {
    ...init,
    headers: { ...init.headers, authorization: `Bearer ${token}` },
    cache: 'no-store',
  }, 'reload the page');
  if (res.status === 401)
    throw new Error('This link is not valid for this workshop. Check that you copied all of it, or ask the facilitator for a new one.');
  if (res.status === 404)
    throw new Error('This workshop does not exist on this server. Check the address, or ask the facilitator for the link.');
  if (!res.ok) throw await errorOf(res);
  return res;
}

export async function fetchSession(workshopId: string, token: string): Promise<SessionInfo> {
  return (await fetchWithToken(workshopId, 'session', token)).json();
}

/** This browser's person in the workshop: the one `personToken` names if still valid, else a new one. */
export async function fetchPerson(workshopId: string, token: string, personToken: string | undefined): Promise<Person> {
  const res = await fetchWithToken(workshopId, 'people', token, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(personToken ? { personToken } : {}),
  });
  return res.json();
}

/** Deletes the workshop for good (the facilitator's token only); one already gone counts as deleted. */
export async function deleteWorkshop(workshopId: string, token: string): Promise<void> {
  const res = await request(`/api/workshops/${encodeURIComponent(workshopId)}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${token}` },
  }, 'try again');
  if (res.status === 204 || res.status === 404) return;
  throw await errorOf(res);
}

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

/** The server's error message of a failed answer (`{ error }`), or its status. */
export async function errorOf(res: Response): Promise<Error> {
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
/** No answer at all: offline, or the server is down. */
export class UnreachableError extends Error {}
/** The workshop is not on the server (any more): deleted. */
export class WorkshopGoneError extends Error {}

async function request(url: string, init: RequestInit, next: NextStep): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch {
    throw new UnreachableError(unreachableMessage(next));
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
    throw new WorkshopGoneError('This workshop does not exist on this server. Check the address, or ask the facilitator for the link.');
  if (!res.ok) throw await errorOf(res);
  return res;
}

/**
 * The last answer to a link's question, kept in localStorage so the app starts offline (SPEC 10).
 * Keyed by workshop and a hash of the link's token, never the token itself; a person's cached
 * answer leaves out the person token (identity.ts keeps that already).
 */
async function cacheKey(kind: 'session' | 'person', workshopId: string, token: string): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  const hash = Array.from(new Uint8Array(digest).slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
  return `scaleboard:cache-${kind}:${workshopId}:${hash}`;
}

/** Asks the server; with no answer at all, the cached last answer if there is one. */
async function cachedOnFailure<T extends object>(kind: 'session' | 'person', workshopId: string, token: string, ask: () => Promise<T>, keep: (t: T) => object): Promise<T> {
  const key = await cacheKey(kind, workshopId, token);
  try {
    const fresh = await ask();
    if (key) localStorage.setItem(key, JSON.stringify(keep(fresh)));
    return fresh;
  } catch (err) {
    const cached = err instanceof UnreachableError && key ? localStorage.getItem(key) : null;
    if (!cached) throw err;
    return JSON.parse(cached) as T;
  }
}

export async function fetchSession(workshopId: string, token: string): Promise<SessionInfo> {
  return cachedOnFailure('session', workshopId, token, async () => (await fetchWithToken(workshopId, 'session', token)).json() as Promise<SessionInfo>, (s) => s);
}

/** This browser's person in the workshop: the one `personToken` names if still valid, else a new one. */
export async function fetchPerson(workshopId: string, token: string, personToken: string | undefined): Promise<Person> {
  const ask = async () => {
    const res = await fetchWithToken(workshopId, 'people', token, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(personToken ? { personToken } : {}),
    });
    return res.json() as Promise<Person>;
  };
  const person = await cachedOnFailure('person', workshopId, token, ask, ({ personToken: _kept, ...rest }) => rest);
  if (person.personToken) return person;
  // The cached answer: only good for the person this browser already is.
  if (!personToken) throw new UnreachableError(unreachableMessage('reload the page'));
  return { ...person, personToken };
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

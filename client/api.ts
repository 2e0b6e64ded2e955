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

async function errorOf(res: Response): Promise<Error> {
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  return new Error(body.error ?? `request failed (${res.status})`);
}

export async function createWorkshop(title: string, template: TemplateKey): Promise<CreatedWorkshop> {
  const res = await fetch('/api/workshops', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title, template }),
  });
  if (!res.ok) throw await errorOf(res);
  return res.json();
}

export const NO_TOKEN_MESSAGE =
  'This link has no access token. Open the full link you were sent (it ends in #token=…), or ask the facilitator for it again.';

/** Fetches a workshop resource with the link's token; link problems become messages that say what to do. */
export async function fetchWithToken(workshopId: string, path: string, token: string): Promise<Response> {
  const res = await fetch(`/api/workshops/${encodeURIComponent(workshopId)}/${path}`, {
    headers: { authorization: `Bearer ${token}` },
    cache: 'no-store',
  });
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

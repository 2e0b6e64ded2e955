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

export async function fetchSession(workshopId: string, token: string): Promise<SessionInfo> {
  const res = await fetch(`/api/workshops/${encodeURIComponent(workshopId)}/session`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (res.status === 401) throw new Error('This link is not valid for this workshop.');
  if (res.status === 404) throw new Error('This workshop does not exist.');
  if (!res.ok) throw await errorOf(res);
  return res.json();
}

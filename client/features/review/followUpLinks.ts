// `Start follow-up` (SPEC 8): asking the server for the follow-up, and carrying its three links
// across the navigation to it, so the facilitator sees them there as at creation. The links hold
// the tokens, so they stay in this tab's sessionStorage only, and only until shown and dismissed.
import { fetchWithToken, type CreatedWorkshop } from '../../api';

const key = (workshopId: string) => `scaleboard:follow-up-links:${workshopId}`;

export async function startFollowUp(workshopId: string, token: string): Promise<CreatedWorkshop & { previousId: string }> {
  const res = await fetchWithToken(workshopId, 'follow-up', token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  return res.json() as Promise<CreatedWorkshop & { previousId: string }>;
}

export function keepLinks(created: CreatedWorkshop): void {
  try {
    sessionStorage.setItem(key(created.id), JSON.stringify(created.links));
  } catch {
    // Storage unavailable: the facilitator is still taken to the follow-up, whose link is in the address bar.
  }
}

export function readLinks(workshopId: string): CreatedWorkshop['links'] | null {
  try {
    const raw = sessionStorage.getItem(key(workshopId));
    return raw ? (JSON.parse(raw) as CreatedWorkshop['links']) : null;
  } catch {
    return null;
  }
}

export function forgetLinks(workshopId: string): void {
  try {
    sessionStorage.removeItem(key(workshopId));
  } catch {
    // nothing to forget
  }
}

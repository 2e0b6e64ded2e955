// Downloading an export from the API (one source of truth: the server renders every format),
// with the session's token, under the file name the server chose.
import type { LogFormat } from '../../../shared/log/filename';

/** The file name from a Content-Disposition header, preferring the UTF-8 `filename*`. */
export function fileNameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      /* fall back to the plain name */
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"/i.exec(header);
  return plain ? plain[1]! : null;
}

export async function downloadDecisionLog(workshopId: string, token: string, format: LogFormat): Promise<string> {
  const res = await fetch(`/api/workshops/${encodeURIComponent(workshopId)}/decision-log.${format}`, {
    headers: { authorization: `Bearer ${token}` },
    cache: 'no-store',
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    throw new Error(body.error ?? `export failed (${res.status})`);
  }
  const name = fileNameFromDisposition(res.headers.get('content-disposition')) ?? `decision-log.${format}`;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke later: some browsers read the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

/** The print page of a workshop; `autoPrint` opens the browser's print dialog once it renders. */
export function printPageUrl(workshopId: string, token: string, autoPrint: boolean): string {
  const hash = new URLSearchParams({ token, ...(autoPrint ? { print: '1' } : {}) });
  return `/w/${encodeURIComponent(workshopId)}/print#${hash.toString()}`;
}

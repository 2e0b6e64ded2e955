// Download file names for the decision log: `<title-slug>-<YYYY-MM-DD>.<ext>`, where the date is
// the workshop's (so every export of one workshop shares a name stem). An ASCII name for every
// client, and a UTF-8 one (RFC 6266 / RFC 8187 `filename*`) that keeps non-Latin titles.
import { isoDate } from './format.js';

const MAX_SLUG = 60;

const trimSlug = (s: string): string => [...s].slice(0, MAX_SLUG).join('').replace(/^-+|-+$/g, '');

export function asciiSlug(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '');
  return trimSlug(slug) || 'decision-log';
}

export function unicodeSlug(title: string): string {
  const slug = title
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, '-')
    .replace(/^-+/, '');
  return trimSlug(slug) || 'decision-log';
}

export type LogFormat = 'json' | 'md' | 'csv' | 'jira.csv';

export function exportFileName(workshop: { title: string; createdAt: string }, ext: LogFormat, unicode = false): string {
  const slug = unicode ? unicodeSlug(workshop.title) : asciiSlug(workshop.title);
  return `${slug}-${isoDate(workshop.createdAt)}.${ext}`;
}

/** `attachment; filename="…"; filename*=UTF-8''…` */
export function contentDisposition(workshop: { title: string; createdAt: string }, ext: LogFormat): string {
  const ascii = exportFileName(workshop, ext);
  const utf8 = exportFileName(workshop, ext, true);
  const encoded = encodeURIComponent(utf8).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

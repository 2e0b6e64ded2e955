// One text replace for every collaborative text field (note text, initiative title, rationale).
import type * as Y from 'yjs';

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * Makes `text` read `next` by applying only the difference (common prefix and suffix kept), so two
 * people typing in different parts of the same field both keep their words. The edit never starts
 * or ends between the two halves of a surrogate pair: replacing one emoji by another that shares
 * its first half would otherwise insert a lone half, which Yjs stores as U+FFFD.
 */
export function replaceText(text: Y.Text, next: string): boolean {
  const cur = text.toString();
  if (cur === next) return false;
  let p = 0;
  while (p < cur.length && p < next.length && cur[p] === next[p]) p++;
  if (p > 0 && isHighSurrogate(cur.charCodeAt(p - 1))) p--;
  let s = 0;
  while (s < cur.length - p && s < next.length - p && cur[cur.length - 1 - s] === next[next.length - 1 - s]) s++;
  if (s > 0 && isLowSurrogate(cur.charCodeAt(cur.length - s))) s--;
  if (cur.length - p - s > 0) text.delete(p, cur.length - p - s);
  if (next.length - p - s > 0) text.insert(p, next.slice(p, next.length - s));
  return true;
}

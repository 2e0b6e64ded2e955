// One text replace for every collaborative text field (note text, initiative title, rationale),
// and one clip to a length limit for every text a command stores: neither splits an emoji.
import type * as Y from 'yjs';

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * The first `max` UTF-16 units of `s` (the unit shared/limits.ts and an input's maxLength count),
 * one fewer if the cut would fall between the two halves of a surrogate pair: the emoji at the limit
 * is dropped whole. `.slice(0, max)` would keep its lone first half, which Yjs stores as U+FFFD.
 */
export function clipUnits(s: string, max: number): string {
  if (s.length <= max) return s;
  const end = max > 0 && isHighSurrogate(s.charCodeAt(max - 1)) ? max - 1 : max;
  return s.slice(0, end);
}

/** C0 and C1 control characters (tabs and line breaks included): no title or name holds one. */
const CONTROL_CHARACTERS = /\p{Cc}/u;
export const hasControlCharacters = (s: string): boolean => CONTROL_CHARACTERS.test(s);

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

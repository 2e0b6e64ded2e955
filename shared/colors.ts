// People's colours: the palette the server assigns from, and the one check every colour passes
// before it reaches a style attribute (presence is client-written: `url(…)` would make every
// viewer's browser fetch an outside address).

/** Eight colours with AA contrast against white text and the board's background. */
export const PERSON_COLORS = ['#b3261e', '#006a6a', '#6750a4', '#7d5700', '#1a5fb4', '#8f3f71', '#2e7d32', '#a4400e'] as const;

/** What any colour that is not a plain `#rrggbb` renders as. */
export const NEUTRAL_COLOR = '#5b6573';

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

/** `value` if it is a `#rrggbb` colour, else the neutral grey. */
export const safeColor = (value: unknown): string => (typeof value === 'string' && HEX_COLOR.test(value) ? value : NEUTRAL_COLOR);

/**
 * The colour for a newcomer, given the colours everyone already has: the first palette colour
 * nobody has; once all are taken, the first of the least used, so colours cycle evenly.
 */
export function nextPersonColor(taken: Iterable<string>): string {
  const counts = new Map<string, number>(PERSON_COLORS.map((c) => [c, 0]));
  for (const c of taken) if (counts.has(c)) counts.set(c, counts.get(c)! + 1);
  let best: string = PERSON_COLORS[0];
  for (const c of PERSON_COLORS) if (counts.get(c)! < counts.get(best)!) best = c;
  return best;
}

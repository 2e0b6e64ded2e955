// Blind scoring: a participant's ROI and urgency scores live in their PRIVATE document
// (`/ws/<id>/private/<secret>`), which other participants never receive. The server copies them
// into the board's `revealedScores` only once the facilitator reveals (server/scores.ts).
import type * as Y from 'yjs';
import { privateMaps } from '../schema.js';
import { isValidScore } from '../ranking.js';
import { LOCAL_ORIGIN } from './control.js';

export interface OwnScore {
  roi: number | null;
  urgency: number | null;
}

/** Records who owns this private document, so the server can attribute the scores on reveal. */
export function setScoreProfile(doc: Y.Doc, args: { participantId: string; name: string }, origin: unknown = LOCAL_ORIGIN): void {
  doc.transact(() => {
    const { profile } = privateMaps(doc);
    if (profile.get('participantId') !== args.participantId) profile.set('participantId', args.participantId);
    if (profile.get('name') !== args.name) profile.set('name', args.name);
  }, origin);
}

/** Sets this participant's ROI and/or urgency (1–5; null clears) for one initiative. */
export function scoreInitiative(
  doc: Y.Doc,
  args: { initiativeId: string; roi?: number | null; urgency?: number | null },
  origin: unknown = LOCAL_ORIGIN,
): void {
  for (const v of [args.roi, args.urgency]) {
    if (v !== undefined && v !== null && !isValidScore(v)) throw new Error(`a score is a whole number from 1 to 5, not ${v}`);
  }
  doc.transact(() => {
    const { scores } = privateMaps(doc);
    const prev = scores.get(args.initiativeId);
    const next: OwnScore = {
      roi: args.roi !== undefined ? args.roi : (prev?.roi ?? null),
      urgency: args.urgency !== undefined ? args.urgency : (prev?.urgency ?? null),
    };
    if (prev && prev.roi === next.roi && prev.urgency === next.urgency) return;
    if (next.roi === null && next.urgency === null) scores.delete(args.initiativeId);
    else scores.set(args.initiativeId, next);
  }, origin);
}

/** This participant's own scores, by initiative id. */
export function readOwnScores(doc: Y.Doc): Record<string, OwnScore> {
  const out: Record<string, OwnScore> = {};
  for (const [id, v] of privateMaps(doc).scores) {
    out[id] = { roi: isValidScore(v?.roi) ? v.roi : null, urgency: isValidScore(v?.urgency) ? v.urgency : null };
  }
  return out;
}

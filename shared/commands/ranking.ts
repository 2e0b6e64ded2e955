// Facilitator commands on the control document for stage 3: reveal the blind scores, reorder the
// ranking by hand, choose how many initiatives go on (top N). The server drops these writes from
// anyone but a facilitator.
import type * as Y from 'yjs';
import { controlMaps, readReveals } from '../schema.js';
import { LOCAL_ORIGIN } from './control.js';

/** Reveals everyone's scores: the server then aggregates them into the board (server/scores.ts). */
export function revealScores(control: Y.Doc, origin: unknown = LOCAL_ORIGIN): void {
  control.transact(() => {
    const { reveals } = controlMaps(control);
    if (reveals.get('scoresRevealed') !== true) reveals.set('scoresRevealed', true);
  }, origin);
}

/** Hides the scores again (a new blind round); the server clears the revealed copy. */
export function hideScores(control: Y.Doc, origin: unknown = LOCAL_ORIGIN): void {
  control.transact(() => {
    const { reveals } = controlMaps(control);
    if (reveals.get('scoresRevealed') !== false) reveals.set('scoresRevealed', false);
  }, origin);
}

/** The facilitator's final order: initiative ids, first is rank 1. Replaced whole on each reorder. */
export function setRankingOrder(control: Y.Doc, order: readonly string[], origin: unknown = LOCAL_ORIGIN): void {
  control.transact(() => {
    controlMaps(control).ranking.set('order', [...new Set(order)]);
  }, origin);
}

/** Back to the computed order (ROI × urgency, then ROI). */
export function clearRankingOrder(control: Y.Doc, origin: unknown = LOCAL_ORIGIN): void {
  control.transact(() => {
    controlMaps(control).ranking.delete('order');
  }, origin);
}

export const MAX_TOP_N = 20;

export function setTopN(control: Y.Doc, topN: number, origin: unknown = LOCAL_ORIGIN): void {
  if (!Number.isInteger(topN) || topN < 1 || topN > MAX_TOP_N) throw new Error(`top N is a whole number from 1 to ${MAX_TOP_N}`);
  control.transact(() => {
    const { settings } = controlMaps(control);
    if (settings.get('topN') !== topN) settings.set('topN', topN);
  }, origin);
}

/** Whether the reveal shows who gave which score (off, the default: only how many gave each value). */
export function setNamedReveal(control: Y.Doc, on: boolean, origin: unknown = LOCAL_ORIGIN): void {
  control.transact(() => {
    const { reveals } = controlMaps(control);
    if (reveals.get('namedReveal') !== on) reveals.set('namedReveal', on);
  }, origin);
}

/** Sets a person's ballot aside (it stops counting) or takes it back. */
export function setBallotDiscarded(control: Y.Doc, personId: string, discarded: boolean, origin: unknown = LOCAL_ORIGIN): void {
  control.transact(() => {
    const { reveals } = controlMaps(control);
    const current = readReveals(control).discardedBallots;
    const next = discarded ? [...new Set([...current, personId])] : current.filter((id) => id !== personId);
    if (next.length !== current.length) reveals.set('discardedBallots', next);
  }, origin);
}

// A follow-up's Review (SPEC 8): the status and comment of each previous decision, and carrying an
// open one over as an initiative of the new workshop. Facilitators and participants write these on
// the board; the server drops observers' writes (server/room/writeGate.ts).
import * as Y from 'yjs';
import { boardMaps, readPrevious } from '../schema.js';
import { carriedInitiativeId, isOpenStatus, MAX_REVIEW_COMMENT, reviewStatusOf, type ReviewStatus } from '../followUp.js';
import { createInitiative, MAX_TITLE_LENGTH } from './initiatives.js';
import { LOCAL_ORIGIN } from './control.js';
import { clipUnits } from './text.js';
import { MAX_CARRIED_FROM } from '../limits.js';

/** The review record of a previous decision; the server opens one per decision, this only repairs a missing one. */
function reviewRecord(doc: Y.Doc, decisionId: string): Y.Map<unknown> | null {
  if (!readPrevious(doc)?.decisions.some((d) => d.id === decisionId)) return null;
  const reviews = boardMaps(doc).reviews;
  const found = reviews.get(decisionId);
  if (found instanceof Y.Map) return found;
  const record = new Y.Map<unknown>();
  reviews.set(decisionId, record);
  return record;
}

/** Sets (or with null clears) a previous decision's status. */
export function setReviewStatus(doc: Y.Doc, args: { decisionId: string; status: ReviewStatus | null }, origin: unknown = LOCAL_ORIGIN): void {
  const status = args.status === null ? '' : reviewStatusOf(args.status);
  if (status === null) return;
  doc.transact(() => {
    const r = reviewRecord(doc, args.decisionId);
    if (r && r.get('status') !== status) r.set('status', status);
  }, origin);
}

/** Sets a previous decision's comment (whole: the field commits on blur, not per keystroke). */
export function setReviewComment(doc: Y.Doc, args: { decisionId: string; comment: string }, origin: unknown = LOCAL_ORIGIN): void {
  const comment = clipUnits(args.comment, MAX_REVIEW_COMMENT);
  doc.transact(() => {
    const r = reviewRecord(doc, args.decisionId);
    if (r && r.get('comment') !== comment) r.set('comment', comment);
  }, origin);
}

/**
 * Carries an open previous decision over as an initiative of this workshop, noting where it came
 * from. Nothing happens for a decision that is Done or Dropped, unknown, or already carried over.
 * Returns the initiative's id, or null.
 */
export function carryOver(doc: Y.Doc, args: { decisionId: string; now: number }, origin: unknown = LOCAL_ORIGIN): string | null {
  const previous = readPrevious(doc);
  const decision = previous?.decisions.find((d) => d.id === args.decisionId);
  if (!previous || !decision) return null;
  const review = boardMaps(doc).reviews.get(decision.id);
  if (!isOpenStatus(reviewStatusOf(review instanceof Y.Map ? review.get('status') : undefined))) return null;
  const id = carriedInitiativeId(decision.id);
  if (boardMaps(doc).initiatives.has(id)) return id;
  doc.transact(() => {
    createInitiative(doc, { id, title: clipUnits(decision.initiative, MAX_TITLE_LENGTH), bottleneckIds: [], now: args.now }, origin);
    const from = clipUnits(`#${decision.rank} of ${previous.title || 'the previous workshop'}`, MAX_CARRIED_FROM);
    (boardMaps(doc).initiatives.get(id) as Y.Map<unknown>).set('carriedFrom', from);
  }, origin);
  return id;
}

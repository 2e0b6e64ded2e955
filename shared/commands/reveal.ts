// Revealing silently written notes: the facilitator bumps a counter in the control document, and
// every author's client publishes the notes it kept private (see client/features/board/privateNotes).
// A counter, not a flag, so each reveal is a new event and a client that was offline catches up.
import type * as Y from 'yjs';
import { controlMaps, readReveals } from '../schema.js';
import { LOCAL_ORIGIN } from './control.js';

/** Bumps `reveals.notesRevealSeq`; returns the new value. Facilitators only (the server enforces it). */
export function revealNotes(control: Y.Doc, origin: unknown = LOCAL_ORIGIN): number {
  let seq = 0;
  control.transact(() => {
    seq = readReveals(control).notesRevealSeq + 1;
    controlMaps(control).reveals.set('notesRevealSeq', seq);
  }, origin);
  return seq;
}

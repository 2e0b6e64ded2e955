// Stage 4 commands on the board document: per top initiative, the approach (Build / Buy /
// Partner), its rationale and sequencing phase; stage 5's DRI lives on the decision too.
import * as Y from 'yjs';
import { APPROACHES, PHASES, type Approach, type Phase } from '../constants.js';
import { boardMaps, type YRecord } from '../schema.js';
import { clipUnits, replaceText } from './text.js';
import { LOCAL_ORIGIN } from './control.js';
import { MAX_DRI_LENGTH, MAX_RATIONALE_LENGTH } from '../limits.js';

const APPROACH_KEYS = new Set<string>(APPROACHES.map((a) => a.key));
const PHASE_KEYS = new Set<string>(PHASES.map((p) => p.key));
export { MAX_RATIONALE_LENGTH, MAX_DRI_LENGTH };

/** The decision record of an initiative, created on first write. Call inside a transaction. */
function decisionOf(doc: Y.Doc, initiativeId: string): YRecord | null {
  const { initiatives, decisions } = boardMaps(doc);
  if (!initiatives.has(initiativeId)) return null;
  let m = decisions.get(initiativeId);
  if (!m) {
    m = new Y.Map<unknown>();
    m.set('initiativeId', initiativeId);
    decisions.set(initiativeId, m);
  }
  return m;
}

/** Drops the initiative into Build, Buy or Partner; `null` takes it out of every column. */
export function setApproach(doc: Y.Doc, args: { initiativeId: string; approach: Approach | null }, origin: unknown = LOCAL_ORIGIN): void {
  if (args.approach !== null && !APPROACH_KEYS.has(args.approach)) throw new Error(`unknown approach ${args.approach}`);
  doc.transact(() => {
    const m = decisionOf(doc, args.initiativeId);
    if (!m || (m.get('approach') ?? null) === args.approach) return;
    if (args.approach === null) m.delete('approach');
    else m.set('approach', args.approach);
  }, origin);
}

export function setRationale(doc: Y.Doc, args: { initiativeId: string; rationale: string }, origin: unknown = LOCAL_ORIGIN): void {
  doc.transact(() => {
    const m = decisionOf(doc, args.initiativeId);
    if (!m) return;
    let text = m.get('rationale');
    if (!(text instanceof Y.Text)) {
      text = new Y.Text(typeof text === 'string' ? text : '');
      m.set('rationale', text);
    }
    replaceText(text as Y.Text, clipUnits(args.rationale, MAX_RATIONALE_LENGTH));
  }, origin);
}

export function setPhase(doc: Y.Doc, args: { initiativeId: string; phase: Phase | null }, origin: unknown = LOCAL_ORIGIN): void {
  if (args.phase !== null && !PHASE_KEYS.has(args.phase)) throw new Error(`unknown phase ${args.phase}`);
  doc.transact(() => {
    const m = decisionOf(doc, args.initiativeId);
    if (!m || (m.get('phase') ?? null) === args.phase) return;
    if (args.phase === null) m.delete('phase');
    else m.set('phase', args.phase);
  }, origin);
}

/**
 * Sets the one DRI of a decision: a participant's name or any typed name. One field, so there is
 * never more than one; an empty name clears it.
 */
export function setDri(doc: Y.Doc, args: { initiativeId: string; dri: string }, origin: unknown = LOCAL_ORIGIN): void {
  const dri = clipUnits(args.dri, MAX_DRI_LENGTH);
  doc.transact(() => {
    const m = decisionOf(doc, args.initiativeId);
    if (!m || (m.get('dri') ?? '') === dri) return;
    if (dri.trim() === '') m.delete('dri');
    else m.set('dri', dri);
  }, origin);
}

// During silent writing, the facilitator sees who has written and who has not yet (never what):
// from presence, where each person's client says how many notes it holds back (privateNotes,
// client/features/board/boardServices.ts), and from the board, for notes already revealed.
import { readNotesAndImpacts } from '../../../shared/board';
import { readSettings } from '../../../shared/schema';
import { useSession } from '../../sync/SessionContext';
import { useDerivedPresence, useYSnapshot } from '../../sync/useYjs';
import type { PresenceState } from '../../sync/session';

interface Present {
  id: string;
  name: string;
  /** Notes this person holds back until the reveal. */
  waiting: number;
}

/** The participants present (one entry per person, whatever their tabs), with the notes they hold back. */
export function presentParticipants(states: Map<number, PresenceState>): Present[] {
  const people = new Map<string, Present>();
  for (const s of states.values()) {
    const u = s.user;
    if (!u?.id || !u.name || u.role !== 'participant') continue;
    const waiting = (people.get(u.id)?.waiting ?? 0) + (typeof s.privateNotes === 'number' ? s.privateNotes : 0);
    people.set(u.id, { id: u.id, name: u.name, waiting });
  }
  return [...people.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function WritingProgress() {
  const session = useSession();
  const { silentWriting } = useYSnapshot(session.control, readSettings);
  const { notes } = useYSnapshot(session.board, readNotesAndImpacts);
  // Signature-cached: cursor moves, which also ride on presence, do not re-render this.
  const present = useDerivedPresence(session.awareness, presentParticipants, (v) => JSON.stringify(v));
  if (!silentWriting) return null;
  // Written: holds notes back now, or has a note on the board (revealed earlier; not in anonymous mode).
  const authors = new Set(notes.flatMap((n) => [n.author.id, ...n.coAuthors.map((a) => a.id)]));
  const writers = present.map((p) => ({ ...p, written: p.waiting > 0 || authors.has(p.id) }));
  const notYet = writers.filter((w) => !w.written);
  return (
    <section aria-label="Writing progress" className="panel progress">
      <h2 className="progress-title">
        Silent writing: {writers.length - notYet.length} of {writers.length} {writers.length === 1 ? 'participant has' : 'participants have'}{' '}
        written
      </h2>
      {writers.length > 0 && (
        <ul className="progress-list">
          {writers.map((w) => (
            <li key={w.id} className={w.written ? 'is-done' : 'is-waiting'}>
              <span aria-hidden="true">{w.written ? '✓' : '…'}</span> {w.name}{' '}
              <span className="muted">{w.written ? (w.waiting ? `${w.waiting} waiting` : 'written') : 'not yet'}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

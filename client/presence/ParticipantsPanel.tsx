// Who is here: names, colours and roles from Yjs awareness, one entry per person (the server puts
// its person id, colour and role into every presence state; colours still pass safeColor). Derived
// from presence by signature, so the cursor moves that also ride on presence do not re-render it.
import { useSession } from '../sync/SessionContext';
import { useDerivedPresence } from '../sync/useYjs';
import type { PresenceState } from '../sync/session';
import type { Role } from '../../shared/constants';
import { safeColor } from '../../shared/colors';

interface Present {
  id: string;
  name: string;
  color: string;
  role: Role | undefined;
  /** Typing somewhere (any of their tabs). */
  typing: boolean;
}

/** Everyone present, one entry per person, by name. */
function peopleOf(states: Map<number, PresenceState>): Present[] {
  const people = new Map<string, Present>();
  for (const { user, editing } of states.values()) {
    if (!user?.id || !user.name) continue;
    const typing = !!editing || !!people.get(user.id)?.typing;
    people.set(user.id, { id: user.id, name: user.name, color: user.color, role: user.role, typing });
  }
  return [...people.values()].sort((a, b) => a.name.localeCompare(b.name));
}

const signatureOf = (people: Present[]) => JSON.stringify(people);

export function ParticipantsPanel() {
  const session = useSession();
  const people = useDerivedPresence(session.awareness, peopleOf, signatureOf);
  return (
    <section aria-label="Participants" className="panel participants">
      <h2>Participants ({people.length})</h2>
      <ul>
        {people.map((p) => (
          <li key={p.id}>
            <span className="swatch" style={{ background: safeColor(p.color) }} aria-hidden="true" />
            <span className="name">{p.name}</span>
            {p.id === session.user.id && <span className="you"> (you)</span>}
            <span className="role"> · {p.role}</span>
            {p.typing ? <span className="typing"> · typing…</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

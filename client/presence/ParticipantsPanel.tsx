// Who is here: names, colours and roles from Yjs awareness, one entry per person (the server puts
// its person id, colour and role into every presence state; colours still pass safeColor).
import { useSession } from '../sync/SessionContext';
import { useAwarenessStates } from '../sync/useYjs';
import type { PresenceState } from '../sync/session';
import { safeColor } from '../../shared/colors';

export function ParticipantsPanel() {
  const session = useSession();
  const states = useAwarenessStates<PresenceState>(session.awareness);
  const people = new Map<string, NonNullable<PresenceState['user']> & { editing?: unknown }>();
  for (const state of states.values()) {
    if (state.user?.id && state.user.name) people.set(state.user.id, { ...state.user, editing: state.editing });
  }
  const sorted = [...people.values()].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section aria-label="Participants" className="panel participants">
      <h2>Participants ({sorted.length})</h2>
      <ul>
        {sorted.map((p) => (
          <li key={p.id}>
            <span className="swatch" style={{ background: safeColor(p.color) }} aria-hidden="true" />
            <span className="name">{p.name}</span>
            {p.id === session.user.id && <span className="you"> (you)</span>}
            <span className="role"> · {p.role}</span>
            {p.editing ? <span className="typing"> · typing…</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

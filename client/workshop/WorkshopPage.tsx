// A workshop: check the link, get this browser's person from the server, ask the name, then join
// the live session.
import { useEffect, useState, useSyncExternalStore, type FormEvent } from 'react';
import { NO_TOKEN_MESSAGE, WorkshopGoneError, fetchPerson, fetchSession, type Person, type SessionInfo } from '../api';
import { clearWorkshopData } from '../state/leave';
import { ErrorScreen } from './ErrorScreen';
import { loadJoinedName, loadName, loadPersonToken, saveJoinedName, saveName, savePersonToken } from '../state/identity';
import { WorkshopSession, type LocalUser } from '../sync/session';
import { SessionContext } from '../sync/SessionContext';
import type { Role } from '../../shared/constants';
import { WorkshopLayout } from './WorkshopLayout';
import { WorkshopDeleted } from './WorkshopDeleted';

const noSession = () => () => undefined;

export function WorkshopPage({ workshopId, token }: { workshopId: string; token: string | null }) {
  const [entry, setEntry] = useState<{ info: SessionInfo; person: Person } | null>(null);
  const [error, setError] = useState<string | null>(token ? null : NO_TOKEN_MESSAGE);
  const [user, setUser] = useState<LocalUser | null>(null);
  const [session, setSession] = useState<WorkshopSession | null>(null);

  // The link, then the person: the same one as this browser's last visit (and its other tabs),
  // or a new one the server issues, remembered from now on.
  useEffect(() => {
    if (!token) return;
    let cancelled = false;
    (async () => {
      const info = await fetchSession(workshopId, token);
      const known = loadPersonToken(workshopId, info.role);
      const person = await fetchPerson(workshopId, token, known);
      if (cancelled) return;
      savePersonToken(workshopId, info.role, person.personToken);
      setEntry({ info, person });
      // A known person on a known browser (a reload, another tab) goes straight back in under the
      // name they joined with; a new person, or one who never pressed Join here, is asked.
      const name = person.personToken === known ? loadJoinedName(workshopId, info.role) : '';
      if (name) setUser({ id: person.personId, name, color: person.color });
    })().catch((err: Error) => {
      // The server says the workshop is not there: whatever this device kept of it is stale.
      if (err instanceof WorkshopGoneError) void clearWorkshopData(workshopId);
      if (!cancelled) setError(err.message);
    });
    return () => {
      cancelled = true;
    };
  }, [workshopId, token]);

  // Connect as soon as the link checks out, while the name form is on screen: by the time the
  // person presses Join the board is usually synced and only has to render. Presence starts at Join.
  useEffect(() => {
    if (!entry || !token) return;
    const s = new WorkshopSession(workshopId, token, entry.info.role, entry.person.personToken);
    setSession(s);
    return () => {
      s.destroy();
      setSession(null);
    };
  }, [entry, workshopId, token]);

  // Entering the room changes presence, so it happens in an effect, not during render.
  const [joined, setJoined] = useState<WorkshopSession | null>(null);
  useEffect(() => {
    if (!session || !user) return setJoined(null);
    session.join(user);
    setJoined(session);
  }, [session, user]);

  // Deleted while open (its connections closed with 4404): say so, whatever was on screen.
  const gone = useSyncExternalStore(session?.subscribe ?? noSession, () => session?.isGone() ?? false);

  useEffect(() => {
    if (!gone || !session) return;
    session.destroy();
    void clearWorkshopData(workshopId);
  }, [gone, session, workshopId]);

  if (gone) return <WorkshopDeleted title={entry?.info.title} />;
  if (error) return <ErrorScreen message={error} />;
  if (!entry) return <main className="landing" aria-busy="true">Checking your link…</main>;
  const { info, person } = entry;
  if (!user) return <JoinForm info={info} person={person} onJoin={setUser} />;
  if (!joined) return null;
  return (
    <SessionContext.Provider value={joined}>
      <WorkshopLayout info={info} />
    </SessionContext.Provider>
  );
}

const JOINING_AS: Record<Role, string> = { facilitator: 'the facilitator', participant: 'a participant', observer: 'an observer' };

function JoinForm({ info, person, onJoin }: { info: SessionInfo; person: Person; onJoin: (u: LocalUser) => void }) {
  const [name, setName] = useState(loadName);
  function submit(e: FormEvent) {
    e.preventDefault();
    const user = { id: person.personId, name: name.trim(), color: person.color };
    if (!user.name) return;
    saveName(user.name);
    saveJoinedName(info.id, info.role, user.name);
    onJoin(user);
  }
  return (
    <main className="landing">
      <h1>{info.title}</h1>
      <p className="lede">You are joining as {JOINING_AS[info.role]}.</p>
      <form onSubmit={submit} className="card form">
        <label>
          Your name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={80} autoFocus />
        </label>
        <button type="submit" className="primary">
          Join
        </button>
      </form>
    </main>
  );
}

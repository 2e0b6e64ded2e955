// A workshop: check the link, ask the name, then join the live session.
import { useEffect, useState, type FormEvent } from 'react';
import { NO_TOKEN_MESSAGE, fetchSession, type SessionInfo } from '../api';
import { ErrorScreen } from './ErrorScreen';
import { loadIdentity, saveIdentity } from '../state/identity';
import { WorkshopSession, type LocalUser } from '../sync/session';
import { SessionContext } from '../sync/SessionContext';
import { WorkshopLayout } from './WorkshopLayout';

export function WorkshopPage({ workshopId, token }: { workshopId: string; token: string | null }) {
  const [info, setInfo] = useState<SessionInfo | null>(null);
  const [error, setError] = useState<string | null>(token ? null : NO_TOKEN_MESSAGE);
  const [user, setUser] = useState<LocalUser | null>(null);
  const [session, setSession] = useState<WorkshopSession | null>(null);

  useEffect(() => {
    if (!token) return;
    fetchSession(workshopId, token).then(setInfo, (err: Error) => setError(err.message));
  }, [workshopId, token]);

  // Connect as soon as the link checks out, while the name form is on screen: by the time the
  // person presses Join the board is usually synced and only has to render. Presence starts at Join.
  useEffect(() => {
    if (!info || !token) return;
    const s = new WorkshopSession(workshopId, token, info.role);
    setSession(s);
    return () => {
      s.destroy();
      setSession(null);
    };
  }, [info, workshopId, token]);

  // Entering the room changes presence, so it happens in an effect, not during render.
  const [joined, setJoined] = useState<WorkshopSession | null>(null);
  useEffect(() => {
    if (!session || !user) return setJoined(null);
    session.join(user);
    setJoined(session);
  }, [session, user]);

  if (error) return <ErrorScreen message={error} />;
  if (!info) return <main className="landing" aria-busy="true">Checking your link…</main>;
  if (!user) return <JoinForm info={info} onJoin={setUser} />;
  if (!joined) return null;
  return (
    <SessionContext.Provider value={joined}>
      <WorkshopLayout info={info} />
    </SessionContext.Provider>
  );
}

function JoinForm({ info, onJoin }: { info: SessionInfo; onJoin: (u: LocalUser) => void }) {
  const [identity] = useState(loadIdentity);
  const [name, setName] = useState(identity.name);
  function submit(e: FormEvent) {
    e.preventDefault();
    const user = { ...identity, name: name.trim() };
    if (!user.name) return;
    saveIdentity(user);
    onJoin(user);
  }
  return (
    <main className="landing">
      <h1>{info.title}</h1>
      <p className="lede">You are joining as {info.role}.</p>
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

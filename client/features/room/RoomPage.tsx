// The room screen, /w/<id>/present#token=…: for the projector, opened by the facilitator's
// `Present` or on a second device with the observer link. The same session and sync code as the
// workshop page (client/sync), read-only: it never joins presence and renders no editing controls.
import { useEffect, useState } from 'react';
import { NO_TOKEN_MESSAGE, fetchPerson, fetchSession } from '../../api';
import { loadPersonToken, savePersonToken } from '../../state/identity';
import { WorkshopSession } from '../../sync/session';
import { SessionContext } from '../../sync/SessionContext';
import { ErrorScreen } from '../../workshop/ErrorScreen';
import { RoomScreen } from './RoomScreen';

export function RoomPage({ workshopId, token }: { workshopId: string; token: string | null }) {
  const [session, setSession] = useState<WorkshopSession | null>(null);
  const [error, setError] = useState<string | null>(token ? null : NO_TOKEN_MESSAGE);

  useEffect(() => {
    if (!token) return;
    let cancelled = false;
    let opened: WorkshopSession | null = null;
    (async () => {
      const info = await fetchSession(workshopId, token);
      // Connections need a person of the workshop (this browser's, as on the workshop page); the
      // room screen never announces it, so it is not in the room's presence or roster.
      const person = await fetchPerson(workshopId, token, loadPersonToken(workshopId, info.role));
      if (cancelled) return;
      savePersonToken(workshopId, info.role, person.personToken);
      opened = new WorkshopSession(workshopId, token, info.role, person.personToken);
      setSession(opened);
    })().catch((err: Error) => !cancelled && setError(err.message));
    return () => {
      cancelled = true;
      opened?.destroy();
      setSession(null);
    };
  }, [workshopId, token]);

  useEffect(() => {
    document.title = 'Room screen · Scaleboard';
  }, []);

  if (error) return <ErrorScreen message={error} />;
  if (!session) return <main className="landing" aria-busy="true">Opening the room screen…</main>;
  return (
    <SessionContext.Provider value={session}>
      <RoomScreen />
    </SessionContext.Provider>
  );
}

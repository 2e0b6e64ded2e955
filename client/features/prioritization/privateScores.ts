// The participant's private document (`/ws/<id>/private`): their blind scores. The server opens the
// connecting person's own document (`private/<personId>`), so a reload, a reconnect or another tab
// of the same browser finds the same scores, and nobody else's client ever opens it: the server
// copies the scores into the board only when the facilitator reveals (server/scores.ts).
import { useEffect, useState } from 'react';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { setScoreProfile } from '../../../shared/commands/scores';
import type { LocalPersistence } from '../../sync/localData';
import { defaultServerUrl, openProvider, type WorkshopSession } from '../../sync/session';

export class PrivateScores {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  private readonly local: LocalPersistence;
  private readonly stopTracking: () => void;

  constructor(session: WorkshopSession, serverUrl = defaultServerUrl()) {
    this.provider = openProvider(serverUrl, `${session.workshopId}/private`, this.doc, session.params, { disableBc: true });
    // Kept in this browser, and its unsent changes counted in the header (SPEC 10).
    this.local = session.persist('private', this.doc, this.provider);
    this.stopTracking = session.track('private', this.doc, this.provider);
    // Once synced, label the document with the person's name (written only if it changed). The
    // server attributes the scores by the document it opened, never by this label.
    this.provider.on('sync', (synced: boolean) => {
      if (synced) setScoreProfile(this.doc, { participantId: session.user.id, name: session.user.name });
    });
  }

  destroy(): void {
    this.stopTracking();
    this.local.destroy();
    this.provider.destroy();
    this.doc.destroy();
  }
}

/** The private scores document while mounted; null for observers (they do not score). */
export function usePrivateScores(session: WorkshopSession): Y.Doc | null {
  const [doc, setDoc] = useState<Y.Doc | null>(null);
  useEffect(() => {
    if (session.role === 'observer') return;
    const scores = new PrivateScores(session);
    setDoc(scores.doc);
    return () => {
      setDoc(null);
      scores.destroy();
    };
  }, [session]);
  return doc;
}

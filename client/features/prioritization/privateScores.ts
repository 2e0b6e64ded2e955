// The participant's private document (`/ws/<id>/private/<secret>`): their blind scores. The secret
// is random, made here, and kept in sessionStorage next to the tab's identity (client/state/
// identity.ts), so a reload or a reconnect finds the same scores while another person (another tab)
// has another document. Nobody else's client ever opens it: the server copies the scores into the
// board only when the facilitator reveals (server/scores.ts).
import { useEffect, useState } from 'react';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { PRIVATE_DOC_PREFIX } from '../../../shared/constants';
import { newId } from '../../../shared/commands/ids';
import { setScoreProfile } from '../../../shared/commands/scores';
import { defaultServerUrl, openProvider, type WorkshopSession } from '../../sync/session';

const secretKey = (workshopId: string) => `scaleboard:private:${workshopId}`;

/** This tab's secret for this workshop, created on first use (32 URL-safe characters). */
export function privateSecret(workshopId: string, storage: Storage = sessionStorage): string {
  let secret = storage.getItem(secretKey(workshopId));
  if (!secret || !/^[A-Za-z0-9_-]{16,64}$/.test(secret)) {
    secret = newId(32);
    storage.setItem(secretKey(workshopId), secret);
  }
  return secret;
}

export class PrivateScores {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;

  constructor(session: WorkshopSession, serverUrl = defaultServerUrl()) {
    const room = `${session.workshopId}/${PRIVATE_DOC_PREFIX}${privateSecret(session.workshopId)}`;
    this.provider = openProvider(serverUrl, room, this.doc, session.token, { disableBc: true });
    // Once synced, say whose scores these are (written only if it changed), so the server can
    // attribute them on reveal.
    this.provider.on('sync', (synced: boolean) => {
      if (synced) setScoreProfile(this.doc, { participantId: session.user.id, name: session.user.name });
    });
  }

  destroy(): void {
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

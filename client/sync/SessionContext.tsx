import { createContext, useContext } from 'react';
import type { WorkshopSession } from './session';

export const SessionContext = createContext<WorkshopSession | null>(null);

/** The live session; only valid inside a joined workshop page. */
export function useSession(): WorkshopSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a workshop session');
  return session;
}

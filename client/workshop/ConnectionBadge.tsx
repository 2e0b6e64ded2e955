import { useSyncExternalStore } from 'react';
import { useSession } from '../sync/SessionContext';

const LABELS = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting… your edits are kept and will sync',
  refused: 'Access refused. Reload the page, or ask the facilitator for a new link',
} as const;

export function ConnectionBadge() {
  const session = useSession();
  const status = useSyncExternalStore(session.subscribe, session.getStatus);
  return (
    <p className={`connection connection-${status}`} role="status" aria-live="polite" data-status={status}>
      {LABELS[status]}
      {status === 'refused' && session.getRefusal() ? ` (${session.getRefusal()}).` : status === 'refused' ? '.' : ''}
    </p>
  );
}

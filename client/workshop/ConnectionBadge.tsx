import { useSyncExternalStore } from 'react';
import { useSession } from '../sync/SessionContext';
import { WORKSHOP_UNAVAILABLE_MESSAGE } from '../sync/session';

const LABELS = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting… your edits are kept and will sync',
  refused: 'Access refused. Reload the page, or ask the facilitator for a new link',
} as const;

export function ConnectionBadge() {
  const session = useSession();
  const status = useSyncExternalStore(session.subscribe, session.getStatus);
  const refusal = status === 'refused' ? session.getRefusal() : null;
  return (
    <p className={`connection connection-${status}`} role="status" aria-live="polite" data-status={status}>
      {refusal === WORKSHOP_UNAVAILABLE_MESSAGE ? (
        // Not a matter of access: the workshop itself cannot be loaded.
        refusal
      ) : (
        <>
          {LABELS[status]}
          {refusal ? ` (${refusal}).` : status === 'refused' ? '.' : ''}
        </>
      )}
    </p>
  );
}

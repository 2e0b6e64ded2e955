import { useSyncExternalStore } from 'react';
import { useSession } from '../sync/SessionContext';
import { WORKSHOP_UNAVAILABLE_MESSAGE } from '../sync/session';
import { pendingLabel } from '../sync/pendingChanges';

const LABELS = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Offline',
  refused: 'Access refused. Reload the page, or ask the facilitator for a new link',
} as const;

export function ConnectionBadge() {
  const session = useSession();
  const status = useSyncExternalStore(session.subscribe, session.getStatus);
  const pending = useSyncExternalStore(session.subscribe, session.getPending);
  const browserOffline = useSyncExternalStore(session.subscribe, session.isOffline);
  const notice = useSyncExternalStore(session.subscribe, session.getNotice);
  const missed = useSyncExternalStore(session.subscribe, session.getMissed);
  const refusal = status === 'refused' ? session.getRefusal() : null;
  // The browser's word counts first: it knows before a socket does.
  const shown = browserOffline && status !== 'refused' ? 'reconnecting' : status;
  const waiting = shown === 'reconnecting' || (shown === 'connecting' && pending > 0);
  return (
    <>
    <p className={`connection connection-${shown}`} role="status" aria-live="polite" data-status={status} data-pending={pending}>
      {refusal === WORKSHOP_UNAVAILABLE_MESSAGE ? (
        // Not a matter of access: the workshop itself cannot be loaded.
        refusal
      ) : (
        <>
          {LABELS[shown]}
          {refusal ? ` (${refusal}).` : shown === 'refused' ? '.' : ''}
          {waiting && `. ${pendingLabel(pending)}; your edits are kept and will sync`}
        </>
      )}
    </p>
    {missed && <Notice role="status" text={missed} onDismiss={session.dismissMissed} />}
    {notice && <Notice role="alert" text={notice} onDismiss={session.dismissNotice} className="error" />}
    </>
  );
}

/** A message about the connection that stays until the person dismisses it. */
function Notice({ role, text, onDismiss, className }: { role: 'status' | 'alert'; text: string; onDismiss: () => void; className?: string }) {
  return (
    <p role={role} className={className ? `${className} connection-notice` : 'connection-notice'}>
      {text}{' '}
      <button type="button" onClick={onDismiss}>
        Dismiss
      </button>
    </p>
  );
}

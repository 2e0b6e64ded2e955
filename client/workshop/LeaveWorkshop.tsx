// `Leave workshop`: this device forgets the workshop (its local copy, who the person was, their
// private notes and drafts) and goes to the landing page. Nothing changes on the server.
import { useState } from 'react';
import { useSession } from '../sync/SessionContext';
import { clearWorkshopData } from '../state/leave';

export function LeaveWorkshop() {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  async function leave() {
    setBusy(true);
    // Close the local databases first, or deleting them waits for this tab.
    session.destroy();
    await clearWorkshopData(session.workshopId);
    window.location.assign('/');
  }
  return (
    <button type="button" onClick={() => void leave()} disabled={busy}>
      Leave workshop
    </button>
  );
}

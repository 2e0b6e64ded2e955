// The facilitator's `Delete workshop`: a confirmation dialog (a modal <dialog>: focus moves into
// it, Escape cancels), then the workshop and all its data are deleted on the server and this tab
// goes to the landing page, which says so. Everyone else's screen says the workshop was deleted.
import { useRef, useState } from 'react';
import { deleteWorkshop } from '../api';
import { forgetWorkshop } from '../state/identity';
import { leaveNotice } from '../state/notice';
import { useSession } from '../sync/SessionContext';

export function DeleteWorkshop({ title }: { title: string }) {
  const session = useSession();
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await deleteWorkshop(session.workshopId, session.token);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
      return;
    }
    forgetWorkshop(session.workshopId);
    leaveNotice(`The workshop “${title}” and all its data were deleted.`);
    window.location.assign('/');
  }

  return (
    <>
      <button
        type="button"
        className="destructive"
        onClick={() => {
          setError(null);
          dialog.current?.showModal();
        }}
      >
        Delete workshop
      </button>
      <dialog ref={dialog} aria-labelledby="delete-workshop-title" aria-describedby="delete-workshop-what" className="card confirm-dialog">
        <h2 id="delete-workshop-title">Delete this workshop?</h2>
        <p id="delete-workshop-what">
          “{title}”, its board, decisions, decision log and all three links are deleted for everyone, for good. Everyone in it is
          disconnected. Export the decision log first if you need it.
        </p>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" autoFocus onClick={() => dialog.current?.close()} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="destructive" onClick={() => void confirm()} disabled={busy}>
            Delete permanently
          </button>
        </div>
      </dialog>
    </>
  );
}

// Above the lanes: the facilitator's silent-writing and anonymous switches and `Reveal`; for
// everyone, what mode the board is in, Undo/Redo of one's own edits, and the latest status.
import * as control from '../../../shared/commands/control';
import { revealNotes } from '../../../shared/commands/reveal';
import { useBoardEnv } from './boardContext';
import { usePrivateNoteCount } from './presence';
import { undoManagerFor, useUndoState } from './undo';

export function BoardToolbar({ status, ownPrivate }: { status: string; ownPrivate: number }) {
  const { session, access } = useBoardEnv();
  const undo = useUndoState(session.board);
  const waiting = usePrivateNoteCount(session.awareness) + ownPrivate;
  const um = undoManagerFor(session.board);
  return (
    <div className="board-toolbar">
      {access.isFacilitator && (
        <div className="board-settings" role="group" aria-label="Board settings">
          <label className="board-check">
            <input type="checkbox" checked={access.silentWriting} onChange={(e) => control.setSilentWriting(session.control, e.target.checked)} />
            Silent writing
          </label>
          <label className="board-check">
            <input type="checkbox" checked={access.anonymous} onChange={(e) => control.setAnonymous(session.control, e.target.checked)} />
            Anonymous
          </label>
          {access.silentWriting && (
            <button type="button" className="primary" onClick={() => revealNotes(session.control)}>
              Reveal
            </button>
          )}
          {access.silentWriting && (
            <span className="muted">
              {waiting} private {waiting === 1 ? 'note' : 'notes'} waiting
            </span>
          )}
        </div>
      )}
      <p className="board-mode">
        {session.role === 'observer'
          ? 'You are observing: the board is read-only.'
          : access.locked && !access.isFacilitator
            ? 'The facilitator has locked the board: it is read-only for now.'
            : access.silentWriting
              ? 'Silent writing: new notes stay private until the facilitator reveals them.'
              : ''}
        {access.anonymous ? ' Anonymous: authors are hidden.' : ''}
      </p>
      {access.canWrite && (
        <div className="board-undo">
          <button type="button" disabled={!undo.canUndo} onClick={() => um.undo()}>
            Undo
          </button>
          <button type="button" disabled={!undo.canRedo} onClick={() => um.redo()}>
            Redo
          </button>
        </div>
      )}
      <p className="board-status" role="status" aria-live="polite">
        {status}
      </p>
    </div>
  );
}

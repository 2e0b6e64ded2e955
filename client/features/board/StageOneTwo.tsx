// The board for stage 1 (bottleneck mapping: three lanes of notes, drag and drop, silent
// writing) and stage 2 (impact mapping). Renders inside the `Board` region of WorkshopLayout.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { StageKey } from '../../../shared/constants';
import { deleteNote, editNoteText, mergeNotes, setThreshold } from '../../../shared/commands/notes';
import { readNotesAndImpacts } from '../../../shared/board';
import { useSession } from '../../sync/SessionContext';
import { BoardEnvContext, type BoardEnv } from './boardContext';
import { accessOf, useBoardControl, useNotesAndImpacts } from './boardState';
import { ensureBoardServices } from './boardServices';
import { BoardToolbar } from './BoardToolbar';
import { ImpactBoard } from './ImpactBoard';
import { LaneBoard } from './LaneBoard';
import { BoardSurface } from './LiveCursors';
import { ownerKey, usePrivateNotes, usePrivateNotesStore } from './privateNotes';
import { useEditors } from './presence';
import { undoManagerFor } from './undo';
import './board.css';

export function StageOneTwo({ stage }: { stage: StageKey }) {
  const session = useSession();
  const { settings } = useBoardControl(session);
  const { locked, anonymous, silentWriting } = settings;
  const access = useMemo(
    () => accessOf(session.role, { ...settings, locked, anonymous, silentWriting }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only these settings matter here
    [session.role, locked, anonymous, silentWriting],
  );
  useEffect(() => ensureBoardServices(session), [session]);
  const um = undoManagerFor(session.board);
  const { notes, impacts } = useNotesAndImpacts(session);
  const privateNotes = usePrivateNotes(session);
  const editors = useEditors(session.awareness);

  const [status, setStatus] = useState('');
  const statusTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const notify = useCallback((message: string, undoable = false) => {
    setStatus(undoable ? `${message} Undo brings it back.` : message);
    if (statusTimer.current) clearTimeout(statusTimer.current);
    statusTimer.current = setTimeout(() => setStatus(''), 8_000);
  }, []);
  useEffect(() => () => void (statusTimer.current && clearTimeout(statusTimer.current)), []);

  const env = useMemo<BoardEnv>(() => {
    const board = session.board;
    const owner = ownerKey(session);
    const store = () => usePrivateNotesStore.getState();
    return {
      session,
      access,
      notify,
      shared: {
        editText: (id, text) => editNoteText(board, { id, text }),
        setThreshold: (id, threshold) => setThreshold(board, { id, threshold }),
        remove: (id) => deleteNote(board, { id }),
        merge: (sourceId, targetId) => mergeNotes(board, { sourceId, targetId }),
        mergeCandidates: (id) => {
          const all = readNotesAndImpacts(board).notes;
          const lane = all.find((n) => n.id === id)?.lane;
          const others = all.filter((n) => n.id !== id);
          return [...others.filter((n) => n.lane === lane), ...others.filter((n) => n.lane !== lane)];
        },
      },
      private: {
        editText: (id, text) => store().update(owner, id, { text }),
        setThreshold: (id, threshold) => store().update(owner, id, { threshold }),
        remove: (id) => store().remove(owner, [id]),
      },
    };
  }, [session, access, notify]);

  // Ctrl/Cmd+Z and Shift+Ctrl/Cmd+Z undo and redo one's own board edits, from anywhere on the
  // board or with focus on the page (after Delete its button is gone); text fields keep theirs.
  const stageRef = useRef<HTMLDivElement>(null);
  const canWrite = access.canWrite;
  useEffect(() => {
    const onKeyDown = (e: globalThis.KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== 'z' || !canWrite || e.defaultPrevented) return;
      const target = e.target instanceof HTMLElement ? e.target : document.body;
      const onBoard = target === document.body || !!stageRef.current?.contains(target);
      if (!onBoard || target.closest('input, textarea, select, [contenteditable="true"]')) return;
      e.preventDefault();
      if (e.shiftKey) um.redo();
      else um.undo();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [um, canWrite]);

  return (
    <BoardEnvContext.Provider value={env}>
      <div className="board-stage" data-stage={stage} ref={stageRef}>
        <BoardToolbar status={status} ownPrivate={privateNotes.length} />
        <BoardSurface awareness={session.awareness}>
          {stage === 'impact' ? (
            <ImpactBoard notes={notes} impacts={impacts} editors={editors} />
          ) : (
            <LaneBoard notes={notes} privateNotes={privateNotes} editors={editors} />
          )}
        </BoardSurface>
      </div>
    </BoardEnvContext.Provider>
  );
}

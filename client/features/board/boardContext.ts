// What the board's components share without prop drilling: the session, what this person may
// do, and the note operations (on the shared board, or on the private store during silent
// writing). Values are memoised by StageOneTwo so memoised notes do not re-render for nothing.
import { createContext, useContext } from 'react';
import type { Note, Threshold } from '../../../shared/schema';
import type { WorkshopSession } from '../../sync/session';
import type { BoardAccess } from './boardState';

export interface NoteOps {
  editText(id: string, text: string): void;
  setThreshold(id: string, threshold: Threshold | null): void;
  remove(id: string): void;
}

export interface BoardEnv {
  session: WorkshopSession;
  access: BoardAccess;
  shared: NoteOps & {
    merge(sourceId: string, targetId: string): void;
    /** Notes someone could merge `id` into (read when the merge menu opens). */
    mergeCandidates(id: string): Note[];
  };
  private: NoteOps;
  /** A short status line (with Undo when the last action can be undone). */
  notify(message: string, undoable?: boolean): void;
}

export const BoardEnvContext = createContext<BoardEnv | null>(null);

export function useBoardEnv(): BoardEnv {
  const env = useContext(BoardEnvContext);
  if (!env) throw new Error('useBoardEnv outside the board');
  return env;
}

// Undo for the board: one Y.UndoManager per board document, over notes, impacts and the merge
// record, tracking only this client's own commands (LOCAL_ORIGIN). Undo never takes back someone
// else's edit, a merge repair (the server's) or the publishing of silently written notes.
import { useCallback, useSyncExternalStore } from 'react';
import * as Y from 'yjs';
import { boardMaps, noteMergeMap } from '../../../shared/schema';
import { LOCAL_ORIGIN } from '../../../shared/commands/notes';

const managers = new WeakMap<Y.Doc, Y.UndoManager>();

/** The board's undo manager (one per document, kept for its life, so undo survives a stage change). */
export function undoManagerFor(doc: Y.Doc): Y.UndoManager {
  let um = managers.get(doc);
  if (!um) {
    const { notes, impacts } = boardMaps(doc);
    // Every command is one step (texts are committed whole on Save, not per keystroke), so a
    // delete right after an add undoes the delete only.
    um = new Y.UndoManager([notes, impacts, noteMergeMap(doc)], { trackedOrigins: new Set([LOCAL_ORIGIN]), captureTimeout: 0 });
    managers.set(doc, um);
    doc.once('destroy', () => um!.destroy());
  }
  return um;
}

export interface UndoState {
  canUndo: boolean;
  canRedo: boolean;
}

const STATES: UndoState[] = [
  { canUndo: false, canRedo: false },
  { canUndo: true, canRedo: false },
  { canUndo: false, canRedo: true },
  { canUndo: true, canRedo: true },
];

/** Whether Undo and Redo have anything to do, re-rendering when that changes. */
export function useUndoState(doc: Y.Doc): UndoState {
  const um = undoManagerFor(doc);
  const subscribe = useCallback(
    (onChange: () => void) => {
      const events = ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const;
      for (const e of events) um.on(e, onChange);
      return () => {
        for (const e of events) um.off(e, onChange);
      };
    },
    [um],
  );
  return useSyncExternalStore(subscribe, () => STATES[(um.canUndo() ? 1 : 0) + (um.canRedo() ? 2 : 0)]!);
}

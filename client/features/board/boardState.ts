// What the board views read: notes and impacts from the board document, settings and reveals
// from the control document, and what this person may do. All through useYSnapshot.
import type * as Y from 'yjs';
import { readNotesAndImpacts } from '../../../shared/board';
import { readReveals, readSettings, type Reveals, type Settings } from '../../../shared/schema';
import type { WorkshopSession } from '../../sync/session';
import { useYSnapshot } from '../../sync/useYjs';

export { readNotesAndImpacts };

export interface BoardControl {
  settings: Settings;
  reveals: Reveals;
}

/** Module-level, so it is a stable snapshot reader. */
export function readBoardControl(doc: Y.Doc): BoardControl {
  return { settings: readSettings(doc), reveals: readReveals(doc) };
}

export interface BoardAccess {
  isFacilitator: boolean;
  /** Observers never write; participants not while the board is locked (the server enforces both). */
  canWrite: boolean;
  locked: boolean;
  anonymous: boolean;
  silentWriting: boolean;
}

export function accessOf(role: WorkshopSession['role'], settings: Settings): BoardAccess {
  const isFacilitator = role === 'facilitator';
  return {
    isFacilitator,
    canWrite: role !== 'observer' && (!settings.locked || isFacilitator),
    locked: settings.locked,
    anonymous: settings.anonymous,
    silentWriting: settings.silentWriting,
  };
}

export function useBoardControl(session: WorkshopSession): BoardControl {
  return useYSnapshot(session.control, readBoardControl);
}

export function useNotesAndImpacts(session: WorkshopSession) {
  return useYSnapshot(session.board, readNotesAndImpacts);
}

/** Whether the control document has synced with the server (true without a network, in tests). */
export function controlSynced(session: WorkshopSession): boolean {
  const provider = session.providers?.[1];
  return provider ? provider.synced : true;
}

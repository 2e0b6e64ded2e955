// Leaving a workshop on this device (SPEC 10 `Leave workshop`), and dropping what is left of one the
// server says is gone: its documents in IndexedDB, the person tokens, joined names and cached
// session answers in localStorage, the private notes and the drafts.
import { clearLocalWorkshop } from '../sync/localData';
import { usePrivateNotesStore } from '../features/board/privateNotes';
import { useBoardDrafts } from './drafts';

export async function clearWorkshopData(workshopId: string): Promise<void> {
  const notes = usePrivateNotesStore.getState();
  const owners = Object.keys(notes.byOwner).filter((owner) => owner.startsWith(`${workshopId}/`));
  for (const owner of owners) notes.remove(owner, (notes.byOwner[owner] ?? []).map((n) => n.id));
  // Drafts are in memory and belong to the workshop on screen.
  useBoardDrafts.setState({ drafts: {} });
  await clearLocalWorkshop(workshopId);
}

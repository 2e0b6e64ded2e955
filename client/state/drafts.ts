// Drafts: text being typed and not yet on the board (a new note, a note being edited, an
// evidence line). They live in a local store keyed by what is edited, not in component state, so
// a stage change that unmounts the editor does not throw the text away: it comes back with it.
import { create } from 'zustand';

interface DraftStore {
  drafts: Record<string, string>;
  setDraft: (key: string, text: string) => void;
  clearDraft: (key: string) => void;
}

export const useBoardDrafts = create<DraftStore>()((set) => ({
  drafts: {},
  setDraft: (key, text) => set((s) => (s.drafts[key] === text ? s : { drafts: { ...s.drafts, [key]: text } })),
  clearDraft: (key) =>
    set((s) => {
      if (!(key in s.drafts)) return s;
      const { [key]: _gone, ...drafts } = s.drafts;
      return { drafts };
    }),
}));

export const draftKeys = {
  newNote: (lane: string) => `new-note:${lane}`,
  editNote: (id: string) => `edit-note:${id}`,
  evidence: (impactId: string) => `evidence:${impactId}`,
};

/** The draft for `key` (undefined when none), a setter, and a clear for after committing it. */
export function useDraft(key: string): [string | undefined, (text: string) => void, () => void] {
  // One subscription per editor (300 notes on a board): the actions are read, not subscribed to.
  const draft = useBoardDrafts((s) => s.drafts[key]);
  const { setDraft, clearDraft } = useBoardDrafts.getState();
  return [draft, (text: string) => setDraft(key, text), () => clearDraft(key)];
}

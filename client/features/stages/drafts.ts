// Drafts: text someone is typing but has not committed to the board yet. They live here, in
// local UI state keyed by the item being edited, not in a component's state, so a stage change
// that unmounts the editor (the facilitator moved on mid-sentence) does not throw them away:
// the editor finds its draft again when it comes back.
import { create } from 'zustand';

interface DraftStore {
  drafts: Record<string, string>;
  setDraft: (key: string, text: string) => void;
  clearDraft: (key: string) => void;
}

export const useDraftStore = create<DraftStore>()((set) => ({
  drafts: {},
  setDraft: (key, text) => set((s) => ({ drafts: { ...s.drafts, [key]: text } })),
  clearDraft: (key) =>
    set((s) => {
      if (!(key in s.drafts)) return s;
      const { [key]: _gone, ...drafts } = s.drafts;
      return { drafts };
    }),
}));

/**
 * The draft for `key` (e.g. `note:<id>` or `new-note:product`): undefined when there is none,
 * a setter, and `clear` to call once the text is committed to the document.
 */
export function useDraft(key: string): [string | undefined, (text: string) => void, () => void] {
  const draft = useDraftStore((s) => s.drafts[key]);
  const setDraft = useDraftStore((s) => s.setDraft);
  const clearDraft = useDraftStore((s) => s.clearDraft);
  return [draft, (text: string) => setDraft(key, text), () => clearDraft(key)];
}

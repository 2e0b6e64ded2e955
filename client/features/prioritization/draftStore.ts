// Local UI state of stage 3: the initiative being put together (chosen bottlenecks, title) before
// it is created. Kept outside components so a stage change mid-way does not throw it away.
import { create } from 'zustand';

interface NewInitiativeDraft {
  noteIds: string[];
  title: string;
  toggleNote: (id: string) => void;
  setTitle: (title: string) => void;
  reset: () => void;
}

export const useNewInitiativeDraft = create<NewInitiativeDraft>()((set) => ({
  noteIds: [],
  title: '',
  toggleNote: (id) => set((s) => ({ noteIds: s.noteIds.includes(id) ? s.noteIds.filter((x) => x !== id) : [...s.noteIds, id] })),
  setTitle: (title) => set({ title }),
  reset: () => set({ noteIds: [], title: '' }),
}));

// Drafts: text being typed and not yet on the board (a new note, a note being edited, an
// evidence line, an initiative's title, a rationale, a metric, a DRI). They live in a local store
// keyed by what is edited, not in component state, so a stage change that unmounts the editor does
// not throw the text away: it comes back with it. A field commits its draft to the board on blur or
// Enter (useDraftField), not per keystroke: two people editing one field do not overwrite each
// other letter by letter, and nothing derived from the board (the ranking) is recomputed per key.
import type { ChangeEvent, KeyboardEvent } from 'react';
import { create } from 'zustand';
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import { isComposing } from '../keys';

interface DraftStore {
  drafts: Record<string, string>;
  setDraft: (key: string, text: string) => void;
  clearDraft: (key: string) => void;
}

/**
 * Where the drafts are kept (localStorage, so a reload, offline too, keeps unsent text: SPEC 10):
 * one entry per workshop, named while its screen is open (attachDrafts), nothing before.
 */
let draftsKey: string | null = null;
const draftsStorage: StateStorage = {
  getItem: () => (draftsKey ? localStorage.getItem(draftsKey) : null),
  setItem: (_name, value) => {
    if (!draftsKey) return;
    try {
      localStorage.setItem(draftsKey, value);
    } catch {
      // A full storage only loses the draft on a reload, never while typing.
    }
  },
  removeItem: () => draftsKey && localStorage.removeItem(draftsKey),
};

export const useBoardDrafts = create<DraftStore>()(
  persist(
    (set) => ({
      drafts: {},
      setDraft: (key, text) => set((s) => (s.drafts[key] === text ? s : { drafts: { ...s.drafts, [key]: text } })),
      clearDraft: (key) =>
        set((s) => {
          if (!(key in s.drafts)) return s;
          const { [key]: _gone, ...drafts } = s.drafts;
          return { drafts };
        }),
    }),
    { name: 'scaleboard:drafts', storage: createJSONStorage(() => draftsStorage), partialize: (s) => ({ drafts: s.drafts }), skipHydration: true, version: 1 },
  ),
);

export const draftsStorageKey = (workshopId: string) => `scaleboard:drafts:${workshopId}`;

/** Keeps the drafts of `workshopId` from now on, and brings back those kept before; returns a detach. */
export function attachDrafts(workshopId: string): () => void {
  draftsKey = null;
  useBoardDrafts.setState({ drafts: {} });
  draftsKey = draftsStorageKey(workshopId);
  void useBoardDrafts.persist.rehydrate();
  return () => {
    if (draftsKey === draftsStorageKey(workshopId)) draftsKey = null;
  };
}

export const draftKeys = {
  newNote: (lane: string) => `new-note:${lane}`,
  editNote: (id: string) => `edit-note:${id}`,
  evidence: (impactId: string) => `evidence:${impactId}`,
  initiativeTitle: (initiativeId: string) => `initiative-title:${initiativeId}`,
  rationale: (initiativeId: string) => `rationale:${initiativeId}`,
  metric: (metricId: string, field: string) => `metric:${metricId}:${field}`,
  dri: (initiativeId: string) => `dri:${initiativeId}`,
};

/** The draft for `key` (undefined when none), a setter, and a clear for after committing it. */
export function useDraft(key: string): [string | undefined, (text: string) => void, () => void] {
  // One subscription per editor (300 notes on a board): the actions are read, not subscribed to.
  const draft = useBoardDrafts((s) => s.drafts[key]);
  const { setDraft, clearDraft } = useBoardDrafts.getState();
  return [draft, (text: string) => setDraft(key, text), () => clearDraft(key)];
}

type TextField = HTMLInputElement | HTMLTextAreaElement;

/**
 * The props of a text field over `value` (what the board holds) whose edit is a draft under `key`
 * until it is committed: on blur, or on Enter (Shift+Enter is a new line in a text area).
 * `commit` gets the draft only when it differs from `value`. Escape drops the draft.
 */
export function useDraftField<E extends TextField = HTMLInputElement>(key: string, value: string, commit: (text: string) => void) {
  const [draft, setDraft, clearDraft] = useDraft(key);
  const finish = () => {
    // Read from the store, not this render: blur may come before the last keystroke's render.
    const text = useBoardDrafts.getState().drafts[key];
    if (text === undefined) return;
    if (text !== value) commit(text);
    clearDraft();
  };
  return {
    value: draft ?? value,
    onChange: (e: ChangeEvent<E>) => setDraft(e.target.value),
    onBlur: finish,
    onKeyDown: (e: KeyboardEvent<E>) => {
      if (isComposing(e)) return;
      if (e.key === 'Enter' && !(e.shiftKey && e.currentTarget instanceof HTMLTextAreaElement)) {
        e.preventDefault();
        finish();
      } else if (e.key === 'Escape' && draft !== undefined) {
        e.preventDefault();
        clearDraft();
      }
    },
  };
}

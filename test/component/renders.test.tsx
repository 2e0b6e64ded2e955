// @vitest-environment jsdom
// Renders that must not happen: in stage 2 a note re-renders only when its own note, impacts or
// editors change (not for an impact of another note, nor a cursor move), and the Participants
// panel re-renders when who is here (or typing) changes, not for every cursor move.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Profiler, memo, type ReactNode } from 'react';
import { act, cleanup, render, screen } from '@testing-library/react';
import { addNote } from '../../shared/commands/notes.js';
import { addImpact, updateImpact } from '../../shared/commands/impacts.js';
import { SessionContext } from '../../client/sync/SessionContext.js';
import { ParticipantsPanel } from '../../client/presence/ParticipantsPanel.js';
import type { NoteCardProps } from '../../client/features/board/NoteCard.js';
import { ADA, BOB, destroyAll, makeSession, peerPresence, peerPresenceUpdate, renderBoard } from './boardHarness.js';

/** Renders of NoteCard per note id: the real NoteCard, memoised as the real one is, with a counter. */
const noteRenders = vi.hoisted(() => new Map<string, number>());
vi.mock('../../client/features/board/NoteCard.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../client/features/board/NoteCard.js')>();
  const real = actual.NoteCard as unknown as { type: (props: NoteCardProps) => ReactNode; compare: null | ((a: NoteCardProps, b: NoteCardProps) => boolean) };
  function Counted(props: NoteCardProps) {
    noteRenders.set(props.note.id, (noteRenders.get(props.note.id) ?? 0) + 1);
    return real.type(props);
  }
  return { ...actual, NoteCard: memo(Counted, real.compare ?? undefined) };
});

afterEach(() => {
  cleanup();
  destroyAll();
  noteRenders.clear();
});

describe('stage 2 notes', () => {
  it('re-render only for their own impacts, not for another note’s impact or a cursor move', () => {
    const h = makeSession();
    const a = addNote(h.board, { lane: 'product', text: 'Checkout slow', author: ADA, now: 1 });
    const b = addNote(h.board, { lane: 'platform', text: 'Deploys take 3 hours', author: BOB, now: 2 });
    const impact = addImpact(h.board, { noteId: a, category: 'revenue', magnitude: 3, now: 3 })!;
    renderBoard(h, 'impact');
    expect(noteRenders.get(b)).toBe(1);
    const before = noteRenders.get(a)!;

    act(() => updateImpact(h.board, { id: impact, magnitude: 5 }));
    act(() => void addImpact(h.board, { noteId: a, category: 'trust', magnitude: 2, now: 4 }));
    expect(screen.getAllByRole('combobox', { name: 'Magnitude' })).toHaveLength(2);
    expect(noteRenders.get(a)).toBeGreaterThan(before);
    expect(noteRenders.get(b)).toBe(1);

    const peer = peerPresence(h.awareness, BOB, { cursor: { x: 0.1, y: 10 } });
    for (let i = 0; i < 5; i++) {
      act(() => {
        peer.setLocalStateField('cursor', { x: 0.1 + i / 10, y: 20 + i });
        peerPresenceUpdate(h, peer);
      });
    }
    expect(noteRenders.get(b)).toBe(1);
  });
});

describe('Participants panel', () => {
  it('re-renders when someone arrives or types, not when a cursor moves', () => {
    const h = makeSession();
    let renders = 0;
    render(
      <SessionContext.Provider value={h.session}>
        <Profiler id="participants" onRender={() => void renders++}>
          <ParticipantsPanel />
        </Profiler>
      </SessionContext.Provider>,
    );
    let peer!: ReturnType<typeof peerPresence>;
    act(() => void (peer = peerPresence(h.awareness, BOB, { cursor: { x: 0.5, y: 40 } })));
    expect(screen.getByText('Participants (2)')).toBeTruthy();
    const arrived = renders;

    for (let i = 0; i < 10; i++) {
      act(() => {
        peer.setLocalStateField('cursor', { x: i / 10, y: 40 + i });
        peerPresenceUpdate(h, peer);
      });
    }
    expect(renders).toBe(arrived);

    act(() => {
      peer.setLocalStateField('editing', 'some-note');
      peerPresenceUpdate(h, peer);
    });
    expect(screen.getByText(/typing/)).toBeTruthy();
    expect(renders).toBe(arrived + 1);
  });
});

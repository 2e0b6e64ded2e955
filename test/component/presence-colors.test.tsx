// @vitest-environment jsdom
// Colours from presence and from notes are client-written: whatever is not a plain `#rrggbb`
// (here a `url(…)` that would make every viewer's browser fetch an outside address) renders as
// the neutral grey, in the Participants panel, on live cursors, on "editing" swatches and notes.
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen, within } from '@testing-library/react';
import { addNote } from '../../shared/commands/notes.js';
import { NEUTRAL_COLOR, safeColor } from '../../shared/colors.js';
import { SessionContext } from '../../client/sync/SessionContext.js';
import { ParticipantsPanel } from '../../client/presence/ParticipantsPanel.js';
import { ADA, BOB, destroyAll, makeSession, peerPresence, renderBoard } from './boardHarness.js';

afterEach(() => {
  cleanup();
  destroyAll();
  localStorage.clear();
});

const EVIL = { ...BOB, color: 'url(http://evil/)' };
/** NEUTRAL_COLOR as the DOM reports it (jsdom normalises colours to rgb()). */
const NEUTRAL_RGB = 'rgb(91, 101, 115)';
const styleOf = (el: Element) => (el as HTMLElement).getAttribute('style') ?? '';

describe('colours from presence', () => {
  it('safeColor passes #rrggbb only', () => {
    expect(safeColor('#1a5fb4')).toBe('#1a5fb4');
    for (const bad of ['url(http://evil/)', 'red', '#fff', '#1a5fb4; background: url(x)', 'expression(alert(1))', 42, null, undefined]) {
      expect(safeColor(bad)).toBe(NEUTRAL_COLOR);
    }
  });

  it('renders a url() colour in the Participants panel as the neutral grey', () => {
    const h = makeSession();
    render(
      <SessionContext.Provider value={h.session}>
        <ParticipantsPanel />
      </SessionContext.Provider>,
    );
    act(() => void peerPresence(h.awareness, EVIL, {}));
    const bob = screen.getByText('Bob').closest('li')!;
    const swatch = bob.querySelector('.swatch')!;
    expect(styleOf(swatch)).not.toContain('url');
    expect((swatch as HTMLElement).style.background).toBe(NEUTRAL_RGB);
    // Ada's own (a real palette colour) is untouched.
    const ada = screen.getByText('Ada').closest('li')!;
    expect((ada.querySelector('.swatch') as HTMLElement).style.background).toBe('rgb(179, 38, 30)');
  });

  it('renders a url() colour on live cursors, editing swatches and notes as the neutral grey', () => {
    const h = makeSession();
    const id = addNote(h.board, { lane: 'product', text: 'Checkout slow', author: EVIL, now: 1 });
    renderBoard(h);
    act(() => void peerPresence(h.awareness, EVIL, { cursor: { x: 0.5, y: 40 }, editing: id }));
    const note = screen.getByRole('listitem', { name: 'Checkout slow' });
    expect(note.style.getPropertyValue('--note-color')).toBe(NEUTRAL_COLOR);
    const editing = within(note).getByText(/Bob editing/);
    expect((editing.querySelector('.swatch') as HTMLElement).style.background).toBe(NEUTRAL_RGB);
    const cursor = document.querySelector('.cursor') as HTMLElement;
    expect(cursor.style.color).toBe(NEUTRAL_RGB);
    expect((cursor.querySelector('.cursor-name') as HTMLElement).style.background).toBe(NEUTRAL_RGB);
    expect(document.body.innerHTML).not.toContain('evil');
    expect(ADA.color).toBe('#b3261e');
  });
});

// @vitest-environment jsdom
// The facilitator moves the stage on while someone is typing: the board unmounts and comes back,
// and neither a note being written nor an open edit loses its text. Also the stage-2 view of
// the same board, by accessible names.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SessionContext } from '../../client/sync/SessionContext.js';
import { StageOneTwo } from '../../client/features/board/StageOneTwo.js';
import { addNote } from '../../shared/commands/notes.js';
import { readBoard } from '../../shared/schema.js';
import { BOB, destroyAll, makeSession, renderBoard } from './boardHarness.js';

afterEach(() => {
  cleanup();
  destroyAll();
  localStorage.clear();
});

describe('stage change while typing', () => {
  it('keeps a new note being written and an open edit through stage 2 and back', async () => {
    const user = userEvent.setup();
    const h = makeSession();
    const id = addNote(h.board, { lane: 'platform', text: 'Deploys take 3 hours', author: BOB, now: 1 });
    const view = renderBoard(h, 'bottlenecks');
    const product = () => within(screen.getByRole('region', { name: 'Product' }));

    await user.type(product().getByRole('textbox', { name: 'Note' }), 'Checkout p99 over');
    await user.click(within(screen.getByRole('listitem', { name: 'Deploys take 3 hours' })).getByRole('button', { name: 'Edit' }));
    const editor = screen.getByRole('textbox', { name: 'Edit note' });
    await user.clear(editor);
    await user.type(editor, 'Deploys take 3 hours, twice a week');

    // The facilitator moves on: stage 2 replaces the lanes' editors with the impact view.
    const at = (stage: 'bottlenecks' | 'impact') =>
      view.rerender(
        <SessionContext.Provider value={h.session}>
          <StageOneTwo stage={stage} />
        </SessionContext.Provider>,
      );
    at('impact');
    expect(screen.queryByRole('textbox', { name: 'Note' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Group by impact' })).toBeTruthy();
    // Nothing half-typed was written to the board.
    expect(readBoard(h.board).notes.map((n) => n.text)).toEqual(['Deploys take 3 hours']);

    at('bottlenecks');
    expect((product().getByRole('textbox', { name: 'Note' }) as HTMLTextAreaElement).value).toBe('Checkout p99 over');
    const back = screen.getByRole('textbox', { name: 'Edit note' }) as HTMLTextAreaElement;
    expect(back.value).toBe('Deploys take 3 hours, twice a week');

    // Both can be finished as if nothing happened.
    await user.type(product().getByRole('textbox', { name: 'Note' }), ' 2 s');
    await user.click(product().getByRole('button', { name: 'Add note' }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const notes = readBoard(h.board).notes;
    expect(notes.find((n) => n.id === id)?.text).toBe('Deploys take 3 hours, twice a week');
    expect(notes.map((n) => n.text).sort()).toEqual(['Checkout p99 over 2 s', 'Deploys take 3 hours, twice a week']);
  });
});

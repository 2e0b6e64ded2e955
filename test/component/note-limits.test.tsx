// @vitest-environment jsdom
// The board's content limits as a person meets them (shared/limits.ts): the Note field stops at
// the longest note and says so, and a full board says so instead of adding a note the server
// would revert.
import { afterEach, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { addNote } from '../../shared/commands/notes.js';
import { readBoard } from '../../shared/schema.js';
import { MAX_NOTES_PER_BOARD, MAX_NOTE_TEXT } from '../../shared/limits.js';
import { ADA, destroyAll, makeSession, renderBoard } from './boardHarness.js';

afterEach(() => {
  cleanup();
  destroyAll();
  localStorage.clear();
});

const lane = (name: string) => within(screen.getByRole('region', { name }));
const noteField = (name: string) => lane(name).getByRole('textbox', { name: 'Note' }) as HTMLTextAreaElement;

it('stops the Note field at the longest note and says so', async () => {
  const h = makeSession();
  renderBoard(h);
  const field = noteField('Product');
  expect(field.maxLength).toBe(MAX_NOTE_TEXT);
  expect(lane('Product').queryByText(/at most 2,000 characters/)).toBeNull();

  // Typing stops at the limit (the browser enforces maxLength; user-event does as well).
  const user = userEvent.setup();
  fireEvent.change(field, { target: { value: 'x'.repeat(MAX_NOTE_TEXT - 1) } });
  await user.type(field, 'yz');
  expect(field.value).toHaveLength(MAX_NOTE_TEXT);
  const hint = lane('Product').getByText('A note holds at most 2,000 characters.');
  expect(hint.getAttribute('role')).toBe('status');
  expect(field.getAttribute('aria-describedby')).toContain(hint.id);

  await user.click(lane('Product').getByRole('button', { name: 'Add note' }));
  expect(readBoard(h.board).notes[0]!.text).toHaveLength(MAX_NOTE_TEXT);
});

it(`says the board is full at ${MAX_NOTES_PER_BOARD} notes and adds no more`, async () => {
  const h = makeSession();
  for (let i = 0; i < MAX_NOTES_PER_BOARD; i++) addNote(h.board, { lane: 'platform', text: `note ${i}`, author: ADA, now: i });
  renderBoard(h);
  const user = userEvent.setup();
  await user.type(noteField('Product'), 'One more');
  await user.click(lane('Product').getByRole('button', { name: 'Add note' }));

  expect(lane('Product').getByRole('alert').textContent).toBe(`The board holds at most ${MAX_NOTES_PER_BOARD} notes: merge or delete some to add another.`);
  expect(readBoard(h.board).notes).toHaveLength(MAX_NOTES_PER_BOARD);
  // The draft is kept for when there is room again.
  expect(noteField('Product').value).toBe('One more');
});

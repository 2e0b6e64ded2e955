// @vitest-environment jsdom
// One note over a real board document: edited in place (and "editing" in presence while so),
// a threshold set and shown on it, merged into another note by keyboard (undoable), coloured and
// credited by author, and showing who else is editing it.
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import * as Y from 'yjs';
import { addNote, editNoteText } from '../../shared/commands/notes.js';
import * as control from '../../shared/commands/control.js';
import { readBoard } from '../../shared/schema.js';
import { ADA, BOB, destroyAll, makeSession, peerPresence, renderBoard } from './boardHarness.js';

afterEach(() => {
  cleanup();
  destroyAll();
  localStorage.clear();
});

const noteNamed = (name: string) => screen.getByRole('listitem', { name });
const textOf = (doc: Parameters<typeof readBoard>[0], id: string) => readBoard(doc).notes.find((n) => n.id === id)?.text;

describe('Note', () => {
  it('is edited in place, and says so in presence while it is', async () => {
    const user = userEvent.setup();
    const h = makeSession();
    const id = addNote(h.board, { lane: 'product', text: 'Checkout slow', author: BOB, now: 1 });
    renderBoard(h);

    await user.click(within(noteNamed('Checkout slow')).getByRole('button', { name: 'Edit' }));
    const editor = screen.getByRole('textbox', { name: 'Edit note' });
    expect(h.awareness.getLocalState()?.editing).toBe(id);
    await user.clear(editor);
    await user.type(editor, 'Checkout p99 over 2 s at 20k users');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(textOf(h.board, id)).toBe('Checkout p99 over 2 s at 20k users');
    expect(noteNamed('Checkout p99 over 2 s at 20k users')).toBeTruthy();
    expect(h.awareness.getLocalState()?.editing ?? null).toBeNull();
  });

  it('cancels an edit with Escape, leaving the text as it was', async () => {
    const user = userEvent.setup();
    const h = makeSession();
    const id = addNote(h.board, { lane: 'product', text: 'Checkout slow', author: BOB, now: 1 });
    renderBoard(h);
    await user.click(within(noteNamed('Checkout slow')).getByRole('button', { name: 'Edit' }));
    await user.type(screen.getByRole('textbox', { name: 'Edit note' }), ' and flaky{Escape}');
    expect(textOf(h.board, id)).toBe('Checkout slow');
    expect(screen.queryByRole('textbox', { name: 'Edit note' })).toBeNull();
  });

  it('gets a threshold (kind, value, unit, what breaks) shown on the note', async () => {
    const user = userEvent.setup();
    const h = makeSession();
    const id = addNote(h.board, { lane: 'platform', text: 'Nightly batch', author: ADA, now: 1 });
    renderBoard(h);
    const note = within(noteNamed('Nightly batch'));
    await user.click(note.getByRole('button', { name: 'Threshold' }));
    await user.selectOptions(note.getByRole('combobox', { name: 'Threshold kind' }), 'Data volume');
    await user.type(note.getByRole('spinbutton', { name: 'Value' }), '5');
    await user.type(note.getByRole('textbox', { name: 'Unit' }), 'TB');
    await user.type(note.getByRole('textbox', { name: 'What breaks' }), 'misses its window');
    await user.click(note.getByRole('button', { name: 'Save threshold' }));
    expect(readBoard(h.board).notes.find((n) => n.id === id)!.threshold).toEqual({ kind: 'data-volume', value: 5, unit: 'TB', text: 'misses its window' });
    expect(within(noteNamed('Nightly batch')).getByText(/Data volume: 5 TB \(misses its window\)/)).toBeTruthy();

    // And removed again.
    await user.click(within(noteNamed('Nightly batch')).getByRole('button', { name: 'Threshold' }));
    await user.click(within(noteNamed('Nightly batch')).getByRole('button', { name: 'Remove threshold' }));
    expect(readBoard(h.board).notes.find((n) => n.id === id)!.threshold).toBeNull();
  });

  it('merges into another note by keyboard, crediting both authors, and Undo separates them again', async () => {
    const user = userEvent.setup();
    const h = makeSession();
    const target = addNote(h.board, { lane: 'product', text: 'Checkout slow', author: BOB, now: 1 });
    const source = addNote(h.board, { lane: 'platform', text: 'Payments API times out', author: ADA, now: 2 });
    renderBoard(h);

    await user.click(within(noteNamed('Payments API times out')).getByRole('button', { name: 'Merge…' }));
    await user.click(screen.getByRole('button', { name: /^Merge into: Checkout slow/ }));
    const after = readBoard(h.board).notes;
    expect(after.map((n) => n.id)).toEqual([target]);
    expect(after[0]!.text).toBe('Checkout slow\nPayments API times out');
    expect(after[0]!.coAuthors.map((a) => a.id)).toEqual([ADA.id]);
    expect(noteNamed('Checkout slow\nPayments API times out').textContent).toContain('with Ada');

    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(readBoard(h.board).notes.map((n) => [n.id, n.text]).sort()).toEqual(
      [
        [target, 'Checkout slow'],
        [source, 'Payments API times out'],
      ].sort(),
    );
  });

  it('is coloured by its author, and neutral with no name in anonymous mode', () => {
    const h = makeSession();
    addNote(h.board, { lane: 'org', text: 'Two teams own checkout', author: BOB, now: 1 });
    renderBoard(h);
    const note = () => noteNamed('Two teams own checkout');
    expect(note().style.getPropertyValue('--note-color')).toBe(BOB.color);
    expect(note().textContent).toContain('Bob');
    act(() => control.setAnonymous(h.control, true));
    expect(note().style.getPropertyValue('--note-color')).not.toBe(BOB.color);
    expect(note().textContent).not.toContain('Bob');
  });

  it('shows who else is editing it', () => {
    const h = makeSession();
    const id = addNote(h.board, { lane: 'product', text: 'Checkout slow', author: ADA, now: 1 });
    renderBoard(h);
    expect(within(noteNamed('Checkout slow')).queryByText(/editing/)).toBeNull();
    act(() => void peerPresence(h.awareness, BOB, { editing: id }));
    expect(within(noteNamed('Checkout slow')).getByText(/Bob editing/)).toBeTruthy();
  });

  it('shows text someone else changed', () => {
    const h = makeSession();
    const id = addNote(h.board, { lane: 'product', text: 'Checkout slow', author: ADA, now: 1 });
    renderBoard(h);
    const remote = new Y.Doc();
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(h.board));
    editNoteText(remote, { id, text: 'Checkout slow on Mondays' });
    act(() => Y.applyUpdate(h.board, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(h.board)), 'remote'));
    expect(noteNamed('Checkout slow on Mondays')).toBeTruthy();
  });
});

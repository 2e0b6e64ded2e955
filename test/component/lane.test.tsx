// @vitest-environment jsdom
// The lanes of stage 1 over a real board document: `Add note` writes a note to its lane credited
// to its author, notes show in lane order (others' as they arrive), read-only people get no
// controls, delete comes back with Undo / Ctrl+Z, and silent writing keeps new notes on this
// device until the facilitator's Reveal (also for someone who was away when it happened).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import * as Y from 'yjs';
import { addNote } from '../../shared/commands/notes.js';
import { revealNotes } from '../../shared/commands/reveal.js';
import * as control from '../../shared/commands/control.js';
import { readBoard } from '../../shared/schema.js';
import { CURSOR_INTERVAL_MS, throttle } from '../../client/features/board/presence.js';
import { ADA, BOB, destroyAll, makeSession, peerPresence, peerPresenceUpdate, renderBoard } from './boardHarness.js';

afterEach(() => {
  cleanup();
  destroyAll();
  localStorage.clear();
});

const lane = (name: string) => within(screen.getByRole('region', { name }));
const noteList = (name: string) => within(lane(name).getByRole('list', { name: `${name} notes` }));
/** The notes shown in a lane, by accessible name (the note's text), in order. */
const shown = (name: string) =>
  noteList(name)
    .queryAllByRole('listitem')
    .filter((li) => li.hasAttribute('data-note-id'))
    .map((li) => document.getElementById(li.getAttribute('aria-labelledby') ?? '')?.textContent ?? li.textContent);

async function write(user: ReturnType<typeof userEvent.setup>, laneName: string, text: string) {
  await user.type(lane(laneName).getByRole('textbox', { name: 'Note' }), text);
  await user.click(lane(laneName).getByRole('button', { name: 'Add note' }));
}

describe('Lane', () => {
  it('shows the three lanes and adds a note to the lane it was written in, credited to its author', async () => {
    const user = userEvent.setup();
    const h = makeSession();
    renderBoard(h);
    for (const name of ['Product', 'Platform', 'Organization']) expect(screen.getByRole('region', { name })).toBeTruthy();

    await write(user, 'Platform', 'Deploys take 3 hours');
    const notes = readBoard(h.board).notes;
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ lane: 'platform', text: 'Deploys take 3 hours', author: ADA });
    expect(shown('Platform')).toEqual(['Deploys take 3 hours']);
    expect(shown('Product')).toEqual([]);
    // The field is emptied for the next note.
    expect((lane('Platform').getByRole('textbox', { name: 'Note' }) as HTMLTextAreaElement).value).toBe('');
    // The author is named on the note.
    expect(noteList('Platform').getByRole('listitem', { name: 'Deploys take 3 hours' }).textContent).toContain('Ada');
  });

  it('adds a note on Enter, but not on the Enter that ends an IME composition', () => {
    const h = makeSession();
    renderBoard(h);
    const field = lane('Product').getByRole('textbox', { name: 'Note' });
    fireEvent.change(field, { target: { value: 'ログインが遅い' } });
    // Enter while composing picks the IME's candidate: nothing is submitted.
    fireEvent.keyDown(field, { key: 'Enter', isComposing: true });
    fireEvent.keyDown(field, { key: 'Enter', keyCode: 229 });
    expect(readBoard(h.board).notes).toHaveLength(0);
    fireEvent.keyDown(field, { key: 'Enter' });
    expect(readBoard(h.board).notes.map((n) => n.text)).toEqual(['ログインが遅い']);
  });

  it('shows notes in lane order, and notes someone else adds as they arrive', () => {
    const h = makeSession();
    for (const text of ['first', 'second', 'third']) addNote(h.board, { lane: 'product', text, author: BOB, now: 1 });
    renderBoard(h);
    expect(shown('Product')).toEqual(['first', 'second', 'third']);

    // Another replica adds a note; the update arrives as it would from the server.
    const remote = new Y.Doc();
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(h.board));
    addNote(remote, { lane: 'org', text: 'Two teams own checkout', author: BOB, now: 2 });
    act(() => Y.applyUpdate(h.board, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(h.board)), 'remote'));
    expect(shown('Organization')).toEqual(['Two teams own checkout']);
  });

  it('gives observers, and participants while the board is locked, no way to change the board', () => {
    for (const opts of [{ role: 'observer' as const }, { role: 'participant' as const, locked: true }]) {
      const h = makeSession(opts);
      addNote(h.board, { lane: 'product', text: 'Checkout slow', author: BOB, now: 1 });
      renderBoard(h);
      expect(shown('Product')).toEqual(['Checkout slow']);
      const board = within(screen.getByRole('region', { name: 'Product' }));
      expect(board.queryByRole('textbox', { name: 'Note' })).toBeNull();
      expect(board.queryByRole('button', { name: 'Add note' })).toBeNull();
      expect(board.queryByRole('button', { name: /^Move note/ })).toBeNull();
      expect(board.queryByRole('button', { name: 'Edit' })).toBeNull();
      expect(board.queryByRole('button', { name: 'Delete' })).toBeNull();
      expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
      cleanup();
    }
    // The facilitator still writes a locked board.
    const f = makeSession({ role: 'facilitator', locked: true });
    renderBoard(f);
    expect(lane('Product').getByRole('button', { name: 'Add note' })).toBeTruthy();
  });

  it('describes every drag handle to screen readers, and moves a note by keyboard from the first key pressed on its handle', async () => {
    const user = userEvent.setup();
    const h = makeSession();
    for (const text of ['Checkout slow', 'Search slow']) addNote(h.board, { lane: 'product', text, author: BOB, now: 1 });
    renderBoard(h);
    for (const text of ['Checkout slow', 'Search slow']) {
      const handle = lane('Product').getByRole('button', { name: `Move note: ${text}` });
      expect(handle.getAttribute('aria-roledescription')).toBe('draggable');
      const instructions = document.getElementById(handle.getAttribute('aria-describedby') ?? '');
      expect(instructions?.textContent).toContain('To move a note, press Space or Enter on its handle.');
    }

    const handle = lane('Product').getByRole('button', { name: 'Move note: Search slow' });
    handle.focus();
    await user.keyboard(' ');
    await waitFor(() => expect(document.body.textContent).toContain('Picked up note “Search slow”.'));
    expect(handle.getAttribute('aria-pressed')).toBe('true');
    // The keyboard sensor listens for arrows from a zero-delay timer after the key that picked up.
    await act(() => new Promise((r) => setTimeout(r, 0)));
    await user.keyboard('{ArrowRight} ');
    expect(readBoard(h.board).notes.find((n) => n.text === 'Search slow')?.lane).toBe('platform');
    expect(shown('Platform')).toEqual(['Search slow']);
    expect(shown('Product')).toEqual(['Checkout slow']);
  });

  it('deletes a note and brings it back with Undo, and again with Ctrl+Z', async () => {
    const user = userEvent.setup();
    const h = makeSession();
    renderBoard(h);
    await write(user, 'Product', 'Checkout p99 over 2 s');
    const id = readBoard(h.board).notes[0]!.id;

    const note = () => noteList('Product').getByRole('listitem', { name: 'Checkout p99 over 2 s' });
    await user.click(within(note()).getByRole('button', { name: 'Delete' }));
    expect(readBoard(h.board).notes).toEqual([]);
    expect(shown('Product')).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(readBoard(h.board).notes.map((n) => n.id)).toEqual([id]);
    expect(shown('Product')).toEqual(['Checkout p99 over 2 s']);

    await user.click(within(note()).getByRole('button', { name: 'Delete' }));
    expect(readBoard(h.board).notes).toEqual([]);
    // The Delete button went with its note: on the next frame focus lands in the lane's Note field,
    // where Ctrl+Z belongs to the text. Leaving the field, Ctrl+Z undoes the board edit.
    await waitFor(() => expect(document.activeElement?.tagName).toBe('TEXTAREA'));
    await user.keyboard('{Control>}z{/Control}');
    expect(readBoard(h.board).notes).toEqual([]);
    (document.activeElement as HTMLElement).blur();
    expect(document.activeElement).toBe(document.body);
    await user.keyboard('{Control>}z{/Control}');
    expect(readBoard(h.board).notes.map((n) => n.text)).toEqual(['Checkout p99 over 2 s']);
  });

  it('does not undo what someone else did', async () => {
    const user = userEvent.setup();
    const h = makeSession();
    renderBoard(h);
    await write(user, 'Product', 'mine');
    const remote = new Y.Doc();
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(h.board));
    addNote(remote, { lane: 'product', text: 'theirs', author: BOB, now: 2 });
    act(() => Y.applyUpdate(h.board, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(h.board)), 'remote'));
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(readBoard(h.board).notes.map((n) => n.text)).toEqual(['theirs']);
    expect((screen.getByRole('button', { name: 'Undo' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('keeps a note written during silent writing on this device, marked private, until Reveal publishes it', async () => {
    const user = userEvent.setup();
    const h = makeSession({ silentWriting: true });
    renderBoard(h);
    await write(user, 'Organization', 'On-call is burning people out');
    // Not in the shared document; shown only here, marked.
    expect(readBoard(h.board).notes).toEqual([]);
    const item = noteList('Organization').getByRole('listitem', { name: 'On-call is burning people out' });
    expect(within(item).getByText('Private until Reveal')).toBeTruthy();
    // Kept across a reload (localStorage), under this workshop and this person.
    expect(JSON.stringify({ ...localStorage })).toContain('On-call is burning people out');

    act(() => void revealNotes(h.control));
    await waitFor(() => expect(readBoard(h.board).notes.map((n) => n.text)).toEqual(['On-call is burning people out']));
    expect(readBoard(h.board).notes[0]).toMatchObject({ lane: 'org', author: ADA });
    await waitFor(() => expect(screen.queryByText('Private until Reveal')).toBeNull());
    expect(shown('Organization')).toEqual(['On-call is burning people out']);
  });

  it('publishes, when back, private notes that a reveal made while this person was away', async () => {
    const user = userEvent.setup();
    const first = makeSession({ silentWriting: true, workshopId: 'w-away' });
    renderBoard(first);
    await write(user, 'Product', 'Written before going offline');
    expect(readBoard(first.board).notes).toEqual([]);
    cleanup();
    destroyAll(); // the tab goes away

    // Back later: the reveal already happened (counter at 1); the board publishes on load.
    const back = makeSession({ silentWriting: true, workshopId: 'w-away' });
    revealNotes(back.control);
    renderBoard(back);
    await waitFor(() => expect(readBoard(back.board).notes.map((n) => n.text)).toEqual(['Written before going offline']));
  });

  it('hides authors in anonymous mode', async () => {
    const h = makeSession({ anonymous: true });
    addNote(h.board, { lane: 'product', text: 'Checkout slow', author: BOB, now: 1 });
    renderBoard(h);
    expect(noteList('Product').getByRole('listitem', { name: 'Checkout slow' }).textContent).not.toContain('Bob');
    act(() => control.setAnonymous(h.control, false));
    expect(noteList('Product').getByRole('listitem', { name: 'Checkout slow' }).textContent).toContain('Bob');
  });
});

describe('Presence on the board', () => {
  it("shows other people's cursors, labelled with their names, and drops them when they leave the board", () => {
    const h = makeSession();
    renderBoard(h);
    expect(screen.queryByText('Bob')).toBeNull();
    let bob!: ReturnType<typeof peerPresence>;
    act(() => void (bob = peerPresence(h.awareness, BOB, { cursor: { x: 0.5, y: 120 } })));
    expect(screen.getByText('Bob')).toBeTruthy();
    // Our own cursor is never drawn.
    act(() => h.awareness.setLocalStateField('cursor', { x: 0.2, y: 10 }));
    expect(screen.queryByText('Ada')).toBeNull();
    act(() => {
      bob.setLocalStateField('cursor', null);
      peerPresenceUpdate(h, bob);
    });
    expect(screen.queryByText('Bob')).toBeNull();
  });

  it('sends cursor moves at most every 50 ms (20 a second), the latest position always last', () => {
    vi.useFakeTimers();
    try {
      const sent: number[] = [];
      const send = throttle((x: number) => sent.push(x), CURSOR_INTERVAL_MS, () => Date.now());
      for (let i = 1; i <= 200; i++) {
        send(i);
        vi.advanceTimersByTime(5); // a pointer reporting every 5 ms for one second
      }
      vi.advanceTimersByTime(100);
      expect(CURSOR_INTERVAL_MS).toBeGreaterThanOrEqual(50);
      expect(sent.length).toBeLessThanOrEqual(21);
      expect(sent.length).toBeGreaterThan(10);
      expect(sent.at(-1)).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });
});

// A lane of stage 1 (the `Product`, `Platform` and `Organization` regions): its notes in order,
// the person's own private notes during silent writing, and the `Add note` form.
import { memo, useState, type KeyboardEvent, type FormEvent } from 'react';
import { useDroppable } from '@dnd-kit/core';
import type { Lane as LaneKey } from '../../../shared/constants';
import { laneTitle } from '../../../shared/log/format';
import { ANONYMOUS_AUTHOR, boardMaps, type Note } from '../../../shared/schema';
import { MAX_NOTES_PER_BOARD, MAX_NOTE_TEXT, canAddNote } from '../../../shared/limits';
import { addNote } from '../../../shared/commands/notes';
import { useBoardEnv } from './boardContext';
import { controlSynced } from './boardState';
import { serverClock } from '../../sync/clock';
import { draftKeys, useDraft } from '../../state/drafts';
import { NoteCard } from './NoteCard';
import type { DragHandleProps } from './dragHandles';
import { addPrivateNote, type PrivateNote } from './privateNotes';
import { setEditing, type Peer } from './presence';
import { dropLaneAttr, laneDropId } from './dnd';
import { isComposing } from '../../keys';

export interface LaneProps {
  lane: LaneKey;
  notes: Note[];
  privateNotes: PrivateNote[];
  editors: Map<string, Peer[]>;
  /** Drag preview: where the dragged note would land in this lane (null: not here). */
  dropIndex: number | null;
  mergeInto: string | null;
  activeId: string | null;
  /** The drag handle every note gets, or null when notes cannot be dragged (stage 1, allowed to write). */
  handle: DragHandleProps | null;
}

export const Lane = memo(function Lane({ lane, notes, privateNotes, editors, dropIndex, mergeInto, activeId, handle }: LaneProps) {
  const env = useBoardEnv();
  const title = laneTitle(lane);
  const { setNodeRef } = useDroppable({ id: laneDropId(lane), data: { lane }, disabled: !handle });
  // The insertion line goes before the note at dropIndex among the notes other than the dragged one.
  const others = activeId ? notes.filter((n) => n.id !== activeId) : notes;
  const dropBeforeId = dropIndex !== null ? (others[dropIndex]?.id ?? null) : null;
  const dropAtEnd = dropIndex !== null && dropIndex >= others.length;
  return (
    <section aria-label={title} className="lane" data-lane={lane}>
      <h3 className="lane-title">
        {title} <span className="lane-count">({notes.length + privateNotes.length})</span>
      </h3>
      <ol ref={setNodeRef} {...{ [dropLaneAttr]: lane }} className={`lane-notes${dropAtEnd ? ' drop-end' : ''}`} aria-label={`${title} notes`}>
        {notes.map((n) => (
          <NoteCard
            key={n.id}
            note={n}
            editors={editors.get(n.id)}
            handle={handle}
            dropBefore={n.id === dropBeforeId}
            mergeTarget={n.id === mergeInto}
            dragging={n.id === activeId}
          />
        ))}
        {privateNotes.map((p) => (
          <NoteCard key={p.id} note={privateAsNote(p, env.session.user)} isPrivate />
        ))}
      </ol>
      {env.access.canWrite && <AddNoteForm lane={lane} title={title} />}
    </section>
  );
});

function privateAsNote(p: PrivateNote, user: Note['author']): Note {
  return { id: p.id, lane: p.lane, order: '', text: p.text, author: user, coAuthors: [], threshold: p.threshold, createdAt: p.createdAt };
}

function AddNoteForm({ lane, title }: { lane: LaneKey; title: string }) {
  const env = useBoardEnv();
  const { session, access } = env;
  const [draft, setDraft, clearDraft] = useDraft(draftKeys.newNote(lane));
  const text = draft ?? '';
  // Until the control document has synced, silent writing might be on: keep new notes private.
  const silent = access.silentWriting || !controlSynced(session);
  const [full, setFull] = useState(false);
  function submit(e?: FormEvent) {
    e?.preventDefault();
    const value = text.trim();
    if (!value) return;
    // The server reverts a note past the board's limit: say so here rather than let it vanish.
    if (!canAddNote(boardMaps(session.board).notes.size)) return setFull(true);
    setFull(false);
    if (silent) addPrivateNote(session, { lane, text: value, now: serverClock.now() });
    else addNote(session.board, { lane, text: value, author: access.anonymous ? ANONYMOUS_AUTHOR : session.user, now: serverClock.now() });
    clearDraft();
    setEditing(session.awareness, null);
  }
  function onKey(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !isComposing(e)) submit(e as unknown as FormEvent);
  }
  const inputId = `add-note-${lane}`;
  const atLimit = text.length >= MAX_NOTE_TEXT;
  const hints = [silent && `${inputId}-silent`, atLimit && `${inputId}-limit`, full && `${inputId}-full`].filter(Boolean).join(' ');
  return (
    <form className="add-note" onSubmit={submit}>
      <label htmlFor={inputId}>Note</label>
      <textarea
        id={inputId}
        value={text}
        rows={2}
        maxLength={MAX_NOTE_TEXT}
        data-limit-hint="own"
        placeholder={`${/^[aeiou]/i.test(title) ? 'An' : 'A'} ${title.toLowerCase()} bottleneck…`}
        onChange={(e) => {
          setDraft(e.target.value);
          setEditing(session.awareness, e.target.value ? `new-note:${lane}` : null);
        }}
        onBlur={() => setEditing(session.awareness, null)}
        onKeyDown={onKey}
        aria-describedby={hints || undefined}
      />
      {silent && (
        <p id={`${inputId}-silent`} className="add-note-hint">
          Silent writing: your note stays private until the facilitator reveals.
        </p>
      )}
      {atLimit && (
        <p id={`${inputId}-limit`} className="add-note-hint" role="status">
          A note holds at most {MAX_NOTE_TEXT.toLocaleString('en-US')} characters.
        </p>
      )}
      {full && (
        <p id={`${inputId}-full`} className="add-note-hint" role="alert">
          The board holds at most {MAX_NOTES_PER_BOARD} notes: merge or delete some to add another.
        </p>
      )}
      <button type="submit" className="primary" disabled={!text.trim()}>
        Add note
      </button>
    </form>
  );
}

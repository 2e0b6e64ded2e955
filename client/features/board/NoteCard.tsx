// One bottleneck note: text (edited in place), author colour and name (hidden when anonymous),
// co-authors after a merge, the optional threshold, who else is editing it, and its actions.
// Memoised: with 300 notes on the board, only the notes whose props change re-render.
import { memo, useId, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import type { Impact, Note } from '../../../shared/schema';
import { laneTitle, thresholdLine } from '../../../shared/log/format';
import { useBoardEnv } from './boardContext';
import { draftKeys, useDraft } from '../../state/drafts';
import { setEditing, type Peer } from './presence';
import { ThresholdEditor } from './ThresholdEditor';
import { NoteForecast } from '../plan/NoteForecast';
import { ImpactList } from './ImpactEditor';
import { dragNoteAttr } from './dnd';
import type { DragHandleProps } from './dragHandles';
import { isComposing } from '../../keys';
import { shorten } from '../../text';
import { MAX_NOTE_TEXT } from '../../../shared/limits';
import { byData, firstFocusable, neighbourOf, refocus } from '../../focus';
import { NEUTRAL_COLOR, safeColor } from '../../../shared/colors';

export interface NoteCardProps {
  note: Note;
  /** A silently written note, still only on this device. */
  isPrivate?: boolean;
  editors?: Peer[];
  /** The drag handle's props (the same for every note of a board; see dragHandles.tsx). */
  handle?: DragHandleProps | null;
  dropBefore?: boolean;
  mergeTarget?: boolean;
  dragging?: boolean;
  /**
   * Stage 2: the note's impacts, listed under it. An array that keeps its identity while they do
   * not change (see ImpactBoard), so an edit elsewhere does not re-render this note.
   */
  impacts?: Impact[];
  /** Stage 2 shows notes without their editing actions. */
  compact?: boolean;
  /** Stage 2: no impact yet. */
  flagged?: boolean;
}

const short = (text: string) => shorten(text, 60) || '(empty note)';

export const NoteCard = memo(function NoteCard(props: NoteCardProps) {
  const { note, isPrivate = false, editors, handle, dropBefore, mergeTarget, dragging, impacts, compact, flagged } = props;
  const env = useBoardEnv();
  const { access, session } = env;
  const ops = isPrivate ? env.private : env.shared;
  const canEdit = access.canWrite && !compact;
  const textId = useId();
  const [draft, setDraft, clearDraft] = useDraft(draftKeys.editNote(note.id));
  const [panel, setPanel] = useState<'threshold' | 'merge' | null>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const thresholdButton = useRef<HTMLButtonElement>(null);
  const mergeButton = useRef<HTMLButtonElement>(null);
  const editing = draft !== undefined && canEdit;
  const color = access.anonymous ? NEUTRAL_COLOR : safeColor(note.author.color);

  function save() {
    if (draft === undefined) return;
    const text = draft.trim();
    if (text && text !== note.text) ops.editText(note.id, text);
    close();
  }
  function close() {
    clearDraft();
    setEditing(session.awareness, null);
    requestAnimationFrame(() => editButton.current?.focus());
  }
  /** Closes the threshold or merge panel, focus back on the button that opened it. */
  function closePanel() {
    const opener = panel === 'threshold' ? thresholdButton : mergeButton;
    setPanel(null);
    requestAnimationFrame(() => opener.current?.focus());
  }
  function remove(button: HTMLElement) {
    // Focus goes to the next note of the lane (or the one before), else the lane's Note field.
    const card = button.closest('[data-note-id]');
    const next = neighbourOf(card, '[data-note-id]') ?? card?.closest('.lane')?.querySelector('.add-note textarea') ?? null;
    ops.remove(note.id);
    env.notify('Note deleted.', !isPrivate);
    refocus(() => firstFocusable(next?.isConnected ? next : null));
  }
  function onEditorKey(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (isComposing(e)) return;
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      save();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  }

  const classes = ['note', isPrivate && 'note-private', flagged && 'note-flagged', dropBefore && 'drop-before', mergeTarget && 'merge-target', dragging && 'dragging']
    .filter(Boolean)
    .join(' ');
  return (
    <li
      className={classes}
      style={{ '--note-color': color } as CSSProperties}
      aria-labelledby={textId}
      data-note-id={note.id}
      data-lane={note.lane}
      {...(handle ? { [dragNoteAttr]: note.id } : {})}
    >
      <div className="note-head">
        {handle && (
          <button
            type="button"
            className="drag-handle"
            {...handle.attributes}
            aria-pressed={dragging || undefined}
            {...handle.listeners}
            aria-label={`Move note: ${short(note.text)}`}
          >
            <span aria-hidden="true">⠿</span>
          </button>
        )}
        {!access.anonymous && (
          <span className="note-author">
            {note.author.name}
            {note.coAuthors.length > 0 && <span className="note-coauthors"> with {note.coAuthors.map((a) => a.name).join(', ')}</span>}
          </span>
        )}
        {isPrivate && <span className="note-badge note-badge-private">Private until Reveal</span>}
        {editors && editors.length > 0 && (
          <span className="note-editing">
            <span className="swatch" style={{ background: safeColor(editors[0]!.color) }} aria-hidden="true" />
            {editors.map((p) => p.name).join(', ')} editing…
          </span>
        )}
        {mergeTarget && <span className="note-badge note-badge-merge">Drop to merge</span>}
      </div>
      {editing ? (
        <div className="note-editor">
          <textarea
            aria-label="Edit note"
            value={draft}
            maxLength={MAX_NOTE_TEXT}
            rows={3}
            autoFocus
            onChange={(e) => setDraft(e.target.value)}
            onFocus={() => setEditing(session.awareness, note.id)}
            onBlur={() => setEditing(session.awareness, null)}
            onKeyDown={onEditorKey}
          />
          <p id={textId} className="visually-hidden">
            {note.text}
          </p>
          <div className="note-actions">
            <button type="button" className="primary" onClick={save}>
              Save
            </button>
            <button type="button" onClick={close}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <p id={textId} className="note-text">
          {note.text}
        </p>
      )}
      {note.threshold && panel !== 'threshold' && <p className="note-threshold">{thresholdLine(note.threshold)}</p>}
      {note.threshold && panel !== 'threshold' && !isPrivate && <NoteForecast board={env.session.board} noteId={note.id} />}
      {canEdit && !editing && (
        <div className="note-actions">
          <button type="button" ref={editButton} onClick={() => setDraft(note.text)}>
            Edit
          </button>
          <button type="button" ref={thresholdButton} aria-expanded={panel === 'threshold'} onClick={() => setPanel(panel === 'threshold' ? null : 'threshold')}>
            Threshold
          </button>
          {!isPrivate && (
            <button type="button" ref={mergeButton} aria-expanded={panel === 'merge'} onClick={() => setPanel(panel === 'merge' ? null : 'merge')}>
              Merge…
            </button>
          )}
          <button type="button" className="danger" onClick={(e) => remove(e.currentTarget)}>
            Delete
          </button>
        </div>
      )}
      {canEdit && panel === 'threshold' && (
        <ThresholdEditor value={note.threshold} onSave={(t) => ops.setThreshold(note.id, t)} onClose={closePanel} />
      )}
      {canEdit && panel === 'merge' && !isPrivate && <MergeMenu note={note} onCancel={closePanel} />}
      {impacts && <ImpactList note={note} impacts={impacts} />}
    </li>
  );
});

/**
 * Merging by keyboard (dragging a note onto another does the same). Focus starts on the first
 * choice; Escape or Cancel closes it; after a merge, focus is on the merged note.
 */
function MergeMenu({ note, onCancel }: { note: Note; onCancel: () => void }) {
  const env = useBoardEnv();
  const candidates = env.shared.mergeCandidates(note.id);
  function merge(targetId: string) {
    env.shared.merge(note.id, targetId);
    env.notify('Notes merged.', true);
    // This note is gone with its menu: focus goes to the note it was merged into.
    refocus(() => firstFocusable(byData('data-note-id', targetId)));
  }
  return (
    <div
      className="merge-menu"
      role="group"
      aria-label={`Merge "${short(note.text)}" into another note`}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        onCancel();
      }}
    >
      {candidates.length === 0 ? (
        <p className="muted">No other note to merge into.</p>
      ) : (
        <ul>
          {candidates.map((c, i) => (
            <li key={c.id}>
              <button type="button" autoFocus={i === 0} onClick={() => merge(c.id)}>
                Merge into: {short(c.text)} <span className="muted">({laneTitle(c.lane)})</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <button type="button" autoFocus={candidates.length === 0} onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

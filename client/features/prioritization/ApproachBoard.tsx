// Stage 4: each top initiative goes into Build, Buy or Partner, with the criteria in view, and
// gets a rationale and a sequencing phase. Cards are dragged between columns (mouse, touch, or
// keyboard on the handle) or placed with the Approach select; either way one command writes it.
// The rationale is committed on blur or Enter (Shift+Enter for a new line).
import { useEffect, useRef, type ReactNode } from 'react';
import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  pointerWithin,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type CollisionDetection,
  type DragEndEvent,
  type DragStartEvent,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import { CSS } from '@dnd-kit/utilities';
import { APPROACHES, PHASES, type Approach, type Phase } from '../../../shared/constants';
import type { RankedInitiative } from '../../../shared/ranking';
import { setApproach, setPhase, setRationale } from '../../../shared/commands/decisions';
import { decisionGaps } from '../../../shared/checklist';
import { MAX_RATIONALE_LENGTH } from '../../../shared/limits';
import { displayTitle, type PrioritizationData } from './usePrioritization';
import { dragAnnouncements } from './dragAnnouncements';
import { draftKeys, useDraftField } from '../../state/drafts';
import { byData, refocus } from '../../focus';
import { trackPointer, type PointerTrack } from '../../pointer';

const UNDECIDED = 'undecided';
const columnAttr = 'data-approach-column';

/** The column under a viewport point (the dragged card, which follows the pointer, is not one). */
const columnAt = (p: { x: number; y: number }): string | null =>
  document.elementsFromPoint(p.x, p.y).find((el) => el.hasAttribute(columnAttr))?.getAttribute(columnAttr) ?? null;

/** The column under the pointer; for keyboard drags (no pointer), the nearest column. */
const columnCollision: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  return hits.length ? hits : closestCenter(args);
};

function DecisionCard({ item, data }: { item: RankedInitiative; data: PrioritizationData }) {
  const { session, board, canEdit } = data;
  const id = item.initiative.id;
  const decision = board.decisions[id];
  const name = displayTitle(item.initiative.title);
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({ id, disabled: !canEdit });
  const gaps = decisionGaps(decision);
  const rationale = useDraftField<HTMLTextAreaElement>(draftKeys.rationale(id), decision?.rationale ?? '', (text) =>
    setRationale(session.board, { initiativeId: id, rationale: text }),
  );
  return (
    <article
      ref={setNodeRef}
      style={{ transform: CSS.Translate.toString(transform) }}
      className={`decision card${isDragging ? ' is-dragging' : ''}`}
      aria-label={name}
      data-initiative-id={id}
    >
      <div className="decision-head">
        {canEdit && (
          <button type="button" className="prio-drag-handle" aria-label={`Move ${name}`} {...attributes} {...listeners}>
            ⠿
          </button>
        )}
        <span className="rank-number">{item.rank}</span>
        <h4>{name}</h4>
      </div>
      <label>
        Approach
        <select
          value={decision?.approach ?? ''}
          disabled={!canEdit}
          onChange={(e) => {
            setApproach(session.board, { initiativeId: id, approach: (e.target.value || null) as Approach | null });
            // The card moves to its new column: focus follows it.
            refocus(() => byData('data-initiative-id', id)?.querySelector('select') ?? null);
          }}
        >
          <option value="">Undecided</option>
          {APPROACHES.map((a) => (
            <option key={a.key} value={a.key}>
              {a.title}
            </option>
          ))}
        </select>
      </label>
      <label>
        Rationale
        <textarea rows={2} maxLength={MAX_RATIONALE_LENGTH} {...rationale} disabled={!canEdit} />
      </label>
      <label>
        Phase
        <select
          value={decision?.phase ?? ''}
          disabled={!canEdit}
          onChange={(e) => setPhase(session.board, { initiativeId: id, phase: (e.target.value || null) as Phase | null })}
        >
          <option value="">Not set</option>
          {PHASES.map((p) => (
            <option key={p.key} value={p.key}>
              {p.title}
            </option>
          ))}
        </select>
      </label>
      {gaps.length > 0 && <p className="prio-flag">Missing: {gaps.join(', ')}</p>}
    </article>
  );
}

function Column({ id, title, criterion, children, count }: { id: string; title: string; criterion?: string; children: ReactNode; count: number }) {
  const { setNodeRef, isOver } = useDroppable({ id });
  return (
    <section ref={setNodeRef} aria-label={title} {...{ [columnAttr]: id }} className={`approach-column approach-${id}${isOver ? ' is-over' : ''}`}>
      <h3>
        {title} <span className="muted prio-small">({count})</span>
      </h3>
      {criterion && <p className="criterion">{criterion}</p>}
      <div className="approach-cards">{children}</div>
    </section>
  );
}

export function ApproachBoard({ data }: { data: PrioritizationData }) {
  const { top, board, session, canEdit } = data;
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }), useSensor(KeyboardSensor));
  const columnOf = (initiativeId: string) => board.decisions[initiativeId]?.approach ?? UNDECIDED;
  const inColumn = (key: string) => top.filter((t) => columnOf(t.initiative.id) === key);
  const columnTitle = (key: string) => APPROACHES.find((a) => a.key === key)?.title ?? 'Undecided';
  const isColumn = (id: UniqueIdentifier) => id === UNDECIDED || APPROACHES.some((a) => a.key === id);
  const announcements = dragAnnouncements({
    nameOf: (id) => displayTitle(top.find((t) => t.initiative.id === id)?.initiative.title ?? ''),
    startOf: (id) => `in ${columnTitle(columnOf(String(id)))}`,
    // A column when dropped over one; the initiative's own column when the drag is cancelled.
    placeOf: (id) => columnTitle(isColumn(id) ? String(id) : columnOf(String(id))),
    at: 'in',
    area: 'a column',
    action: 'Moving',
  });

  // A mouse or touch drag's pointer, from the input events: the card goes to the column where the
  // pointer came up, even if the page had not drawn the last move yet (dnd-kit's `over` is that of
  // the last move drawn).
  const pointer = useRef<PointerTrack | null>(null);
  useEffect(() => () => pointer.current?.stop(), []);
  function onDragStart({ activatorEvent }: DragStartEvent) {
    pointer.current?.stop();
    pointer.current = trackPointer(activatorEvent);
  }
  function stopPointer() {
    pointer.current?.stop();
    pointer.current = null;
  }

  function onDragEnd({ active, over }: DragEndEvent) {
    const at = pointer.current?.client() ?? null;
    stopPointer();
    const target = (at && columnAt(at)) ?? (over ? String(over.id) : null);
    if (!target || !canEdit) return;
    // (After a keyboard drop dnd-kit puts focus back on the card's handle in its new column.)
    setApproach(session.board, { initiativeId: String(active.id), approach: target === UNDECIDED ? null : (target as Approach) });
  }

  if (!top.length) return <p className="muted">No top initiatives yet: they are chosen in stage 3, once the scores are revealed.</p>;
  const undecided = inColumn(UNDECIDED);
  return (
    <div className="approach-board">
      <p className="muted">
        {top.length === 1 ? 'Drop the top initiative' : `Drop each of the top ${top.length} initiatives`} into Build, Buy or Partner (drag the handle, or use its Approach field), and give it a
        rationale and a phase.
      </p>
      <DndContext
        sensors={sensors}
        collisionDetection={columnCollision}
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
        onDragCancel={stopPointer}
        accessibility={{ announcements }}
      >
        <Column id={UNDECIDED} title="Undecided" count={undecided.length}>
          {undecided.length === 0 ? <p className="muted prio-small">Every top initiative has an approach.</p> : undecided.map((t) => <DecisionCard key={t.initiative.id} item={t} data={data} />)}
        </Column>
        <div className="approach-columns">
          {APPROACHES.map((a) => {
            const items = inColumn(a.key);
            return (
              <Column key={a.key} id={a.key} title={a.title} criterion={a.criterion} count={items.length}>
                {items.map((t) => (
                  <DecisionCard key={t.initiative.id} item={t} data={data} />
                ))}
              </Column>
            );
          })}
        </div>
      </DndContext>
    </div>
  );
}

// The ranked list after the reveal: ROI × urgency, then ROI; the facilitator reorders it by drag
// (mouse, touch or keyboard: focus a handle, Space, arrows, Space). During a drag only dnd-kit's
// local preview moves; the drop writes the whole order once into the control document.
import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
} from '@dnd-kit/core';
import { SortableContext, arrayMove, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { RankedInitiative } from '../../../shared/ranking';
import { clearRankingOrder, setRankingOrder } from '../../../shared/commands/ranking';
import { displayTitle, formatMean, type PrioritizationData } from './usePrioritization';

function Row({ item, sortable }: { item: RankedInitiative; sortable: boolean }) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: item.initiative.id, disabled: !sortable });
  const { roi, urgency } = item.stats;
  const name = displayTitle(item.initiative.title);
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Transform.toString(transform), transition }}
      className={`rank-row${item.top ? ' is-top' : ''}${isDragging ? ' is-dragging' : ''}`}
    >
      {sortable && (
        <button type="button" className="drag-handle" aria-label={`Reorder ${name}`} {...attributes} {...listeners}>
          ⠿
        </button>
      )}
      <span className="rank-number" aria-hidden="true">
        {item.rank}
      </span>
      <span className="rank-title">{name}</span>
      <span className="rank-stats">
        <span>ROI {formatMean(roi.mean)}{roi.spread !== null && ` ±${roi.spread.toFixed(1)}`}</span>
        <span>Urgency {formatMean(urgency.mean)}{urgency.spread !== null && ` ±${urgency.spread.toFixed(1)}`}</span>
        <span>ROI × urgency {item.priority === null ? '–' : item.priority.toFixed(1)}</span>
        <span>
          {item.stats.scorers} {item.stats.scorers === 1 ? 'score' : 'scores'}
        </span>
      </span>
      {item.stats.disagreement && <span className="prio-badge prio-badge-warn">Disagreement</span>}
      {item.top && <span className="prio-badge prio-badge-top">Goes on</span>}
    </li>
  );
}

export function RankedList({ data }: { data: PrioritizationData }) {
  const { ranking, isFacilitator, session, control } = data;
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const ids = ranking.map((r) => r.initiative.id);
  const titleOf = (id: unknown) => displayTitle(ranking.find((r) => r.initiative.id === id)?.initiative.title ?? '');
  const positionOf = (id: unknown) => ids.indexOf(String(id)) + 1;
  const announcements: Announcements = {
    onDragStart: ({ active }) =>
      `Picked up ${titleOf(active.id)}, rank ${positionOf(active.id)} of ${ids.length}. Arrow keys move it, Space drops it, Escape cancels.`,
    // Over itself (right after picking up) says nothing, so the pick-up message is heard in full.
    onDragOver: ({ active, over }) =>
      !over ? `${titleOf(active.id)} is no longer over the list.` : over.id === active.id ? undefined : `${titleOf(active.id)} moved to rank ${positionOf(over.id)}.`,
    onDragEnd: ({ active, over }) => (over ? `${titleOf(active.id)} dropped at rank ${positionOf(over.id)}.` : `${titleOf(active.id)} dropped.`),
    onDragCancel: ({ active }) => `Reordering cancelled. ${titleOf(active.id)} stays at rank ${positionOf(active.id)}.`,
  };

  function onDragEnd({ active, over }: DragEndEvent) {
    if (!over || active.id === over.id) return;
    const from = ids.indexOf(String(active.id));
    const to = ids.indexOf(String(over.id));
    if (from < 0 || to < 0) return;
    setRankingOrder(session.control, arrayMove(ids, from, to));
  }

  return (
    <div className="ranking">
      <div className="ranking-head">
        <h3 id="ranking-title">Ranking</h3>
        <p className="muted small">
          {control.order ? 'Ordered by the facilitator.' : 'By ROI × urgency, then ROI.'}
          {isFacilitator && ' Drag a handle (or focus it and press Space, then the arrow keys) to reorder.'}
        </p>
        {isFacilitator && control.order && (
          <button type="button" className="subtle" onClick={() => clearRankingOrder(session.control)}>
            Reset order
          </button>
        )}
      </div>
      <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd} accessibility={{ announcements }}>
        <SortableContext items={ids} strategy={verticalListSortingStrategy}>
          <ol className="rank-list" aria-labelledby="ranking-title">
            {ranking.map((item) => (
              <Row key={item.initiative.id} item={item} sortable={isFacilitator} />
            ))}
          </ol>
        </SortableContext>
      </DndContext>
    </div>
  );
}

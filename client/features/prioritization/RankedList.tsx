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
  type DragEndEvent,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import { SortableContext, arrayMove, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { RankedInitiative } from '../../../shared/ranking';
import { clearRankingOrder, setRankingOrder } from '../../../shared/commands/ranking';
import { displayTitle, formatMean, type PrioritizationData } from './usePrioritization';
import { dragAnnouncements } from './dragAnnouncements';

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
        <button type="button" className="prio-drag-handle" aria-label={`Reorder ${name}`} {...attributes} {...listeners}>
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
  const positionOf = (id: UniqueIdentifier) => ids.indexOf(String(id)) + 1;
  const announcements = dragAnnouncements({
    nameOf: (id) => displayTitle(ranking.find((r) => r.initiative.id === id)?.initiative.title ?? ''),
    startOf: (id) => `rank ${positionOf(id)} of ${ids.length}`,
    placeOf: (id) => `rank ${positionOf(id)}`,
    at: 'at',
    area: 'the list',
    action: 'Reordering',
  });

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
        <p className="muted prio-small">
          {control.order ? 'Ordered by the facilitator.' : 'By ROI × urgency, then ROI.'}
          {isFacilitator && ' Drag a handle (or focus it and press Space, then the arrow keys) to reorder.'}
        </p>
        {isFacilitator && control.order && (
          <button type="button" className="prio-subtle" onClick={() => clearRankingOrder(session.control)}>
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

// Stage 1: the three lanes with drag and drop (@dnd-kit): mouse, touch and keyboard, with
// screen-reader announcements. While dragging only a local preview (this component's state)
// changes; one command writes the board on drop: moveNote, or mergeNotes when dropped on a note.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  MouseSensor,
  TouchSensor,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type DragMoveEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { LANES, type Lane as LaneKey } from '../../../shared/constants';
import { NEUTRAL_COLOR, safeColor } from '../../../shared/colors';
import { notesByLane } from '../../../shared/board';
import { laneTitle } from '../../../shared/log/format';
import type { Note } from '../../../shared/schema';
import { mergeNotes, moveNote } from '../../../shared/commands/notes';
import { useBoardEnv } from './boardContext';
import { Lane } from './Lane';
import type { PrivateNote } from './privateNotes';
import type { Peer } from './presence';
import { createBoardDnd, dragNoteAttr, measureGeometry, slotAt, slotOf, type Geometry, type Slot } from './dnd';
import { trackPointer, type PointerTrack } from '../../pointer';
import { useDragHandles } from './dragHandles';
import { shorten } from '../../text';
import { byData, refocus } from '../../focus';

const quote = (text: string) => `“${shorten(text, 50)}”`;
const sameSlot = (a: Slot | null, b: Slot | null) => a?.lane === b?.lane && a?.index === b?.index && a?.mergeInto === b?.mergeInto;

const screenReaderInstructions = {
  draggable:
    'To move a note, press Space or Enter on its handle. Arrow Up and Down move it within its lane, ' +
    'Arrow Left and Right move it to the neighbouring lane. Press Space or Enter to drop it, Escape to cancel.',
};

export function LaneBoard({ notes, privateNotes, editors }: { notes: Note[]; privateNotes: PrivateNote[]; editors: Map<string, Peer[]> }) {
  const env = useBoardEnv();
  const draggable = env.access.canWrite;
  // The DndContext's id is the id of its screen-reader instructions, which every handle describes itself by.
  const dndId = useId();
  // Where lanes and notes are, read once when a drag starts (see dnd.ts).
  const lanesRef = useRef<HTMLDivElement>(null);
  const geometry = useRef<Geometry | null>(null);
  const dnd = useMemo(() => createBoardDnd(() => geometry.current), []);
  const sensorOptions = useMemo(
    () => ({
      mouse: { activationConstraint: { distance: 5 } },
      touch: { activationConstraint: { delay: 200, tolerance: 6 } },
      keyboard: { coordinateGetter: dnd.keyboard },
    }),
    [dnd],
  );
  const sensors = useSensors(
    useSensor(MouseSensor, sensorOptions.mouse),
    useSensor(TouchSensor, sensorOptions.touch),
    useSensor(KeyboardSensor, sensorOptions.keyboard),
  );
  const byLane = useMemo(() => notesByLane(notes), [notes]);
  const privateByLane = useMemo(() => {
    const out = Object.fromEntries(LANES.map((l) => [l.key, [] as PrivateNote[]])) as Record<LaneKey, PrivateNote[]>;
    for (const p of privateNotes) (out[p.lane] ?? out.product).push(p);
    return out;
  }, [privateNotes]);

  // The local drag preview. Nothing is written to the document until the drop.
  const [active, setActive] = useState<Note | null>(null);
  const [slot, setSlot] = useState<Slot | null>(null);
  const [position, setPosition] = useState('');
  const lastSlot = useRef<Slot | null>(null);
  const activeRef = useRef<Note | null>(null);
  // A mouse or touch drag's pointer, from the input events (the drop goes where the button came up).
  const pointer = useRef<PointerTrack | null>(null);
  useEffect(() => () => pointer.current?.stop(), []);
  const noteById = useMemo(() => new Map(notes.map((n) => [n.id, n])), [notes]);
  const { handle, bindings } = useDragHandles(dndId, (id) => noteById.has(id));

  const describe = (s: Slot | null): string => {
    if (!s) return '';
    if (s.mergeInto) return `Over note ${quote(noteById.get(s.mergeInto)?.text ?? '')}: drop to merge.`;
    const count = byLane[s.lane].filter((n) => n.id !== activeRef.current?.id).length + 1;
    return `${laneTitle(s.lane)} lane, position ${Math.min(s.index, count - 1) + 1} of ${count}.`;
  };

  function reset() {
    setActive(null);
    setSlot(null);
    activeRef.current = null;
    geometry.current = null;
    pointer.current?.stop();
    pointer.current = null;
  }
  function onDragStart({ active: a, activatorEvent }: DragStartEvent) {
    geometry.current = lanesRef.current ? measureGeometry(lanesRef.current) : null;
    pointer.current?.stop();
    pointer.current = trackPointer(activatorEvent);
    setPosition('');
    const note = noteById.get(String(a.id)) ?? null;
    activeRef.current = note;
    setActive(note);
    if (note) {
      const start = { lane: note.lane, index: byLane[note.lane].findIndex((n) => n.id === note.id), mergeInto: null };
      lastSlot.current = start;
      setSlot(start);
    }
  }
  function onDragMove({ collisions }: DragMoveEvent) {
    const next = slotOf(collisions);
    if (!next || sameSlot(next, lastSlot.current)) return;
    lastSlot.current = next;
    setSlot(next);
    setPosition(describe(next));
  }
  function onDragEnd({ collisions }: DragEndEvent) {
    const note = activeRef.current;
    // By mouse or touch, the slot where the pointer came up, whether or not React drew the last move.
    const g = geometry.current;
    const at = pointer.current?.point() ?? null;
    const s = (note && g && at ? slotAt(g, note.id, at, true) : null) ?? slotOf(collisions) ?? lastSlot.current;
    reset();
    if (!note || !s) return;
    lastSlot.current = s;
    const kept = s.mergeInto ?? note.id;
    if (s.mergeInto) {
      mergeNotes(env.session.board, { sourceId: note.id, targetId: s.mergeInto });
      env.notify('Notes merged.', true);
    } else {
      moveNote(env.session.board, { id: note.id, lane: s.lane, index: s.index });
    }
    // In another lane the note is a new card (merged: it is gone): keyboard focus goes to the
    // handle of the note that stayed, instead of falling to the page.
    refocus(() => byData(dragNoteAttr, kept)?.querySelector('.drag-handle') ?? null);
  }

  const announcements: Announcements = {
    onDragStart: ({ active: a }) => `Picked up note ${quote(noteById.get(String(a.id))?.text ?? '')}.`,
    onDragOver: () => undefined,
    onDragEnd: ({ active: a }) => {
      const text = quote(noteById.get(String(a.id))?.text ?? '');
      const s = lastSlot.current;
      if (!s) return `Dropped note ${text}.`;
      return s.mergeInto ? `Merged note ${text} into ${quote(noteById.get(s.mergeInto)?.text ?? '')}.` : `Dropped note ${text}: ${describe(s)}`;
    },
    onDragCancel: ({ active: a }) => `Move cancelled. Note ${quote(noteById.get(String(a.id))?.text ?? '')} is back where it was.`,
  };

  return (
    <DndContext
      id={dndId}
      sensors={sensors}
      collisionDetection={dnd.collision}
      onDragStart={onDragStart}
      onDragMove={onDragMove}
      onDragEnd={onDragEnd}
      onDragCancel={reset}
      accessibility={{ announcements, screenReaderInstructions }}
    >
      <div className="lanes" ref={lanesRef}>
        {LANES.map(({ key }) => (
          <Lane
            key={key}
            lane={key}
            notes={byLane[key]}
            privateNotes={privateByLane[key]}
            editors={editors}
            dropIndex={active && slot && slot.lane === key && !slot.mergeInto ? slot.index : null}
            mergeInto={active && slot?.lane === key ? slot.mergeInto : null}
            activeId={active && active.lane === key ? active.id : null}
            handle={draggable ? handle : null}
          />
        ))}
      </div>
      {bindings}
      <DragOverlay dropAnimation={null}>
        {active ? (
          <div className="note note-overlay" style={{ ['--note-color' as string]: env.access.anonymous ? NEUTRAL_COLOR : safeColor(active.author.color) }}>
            <p className="note-text">{active.text}</p>
          </div>
        ) : null}
      </DragOverlay>
      <div className="visually-hidden" aria-live="polite" aria-atomic="true">
        {active ? position : ''}
      </div>
    </DndContext>
  );
}

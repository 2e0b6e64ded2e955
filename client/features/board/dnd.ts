// Drag and drop geometry for the lanes (@dnd-kit). Lanes and notes are droppables; while a note
// is dragged, the collision detection turns the pointer (or, by keyboard, the dragged card's
// centre) into a *slot*: a lane and a position in it, or another note to merge into. Notes do not
// shift during a drag: an insertion line shows the slot, so measured rects stay true and a
// board of 300 notes re-renders only what the slot touches.
import type { ClientRect, Collision, CollisionDetection, KeyboardCoordinateGetter, UniqueIdentifier } from '@dnd-kit/core';
import { LANE_KEYS, type Lane } from '../../../shared/constants';

export interface Slot {
  lane: Lane;
  /** Position among the lane's other notes (the dragged one left out). */
  index: number;
  /** Set when the note would be dropped onto another note: merge. */
  mergeInto: string | null;
}

export type DropData = { type: 'lane'; lane: Lane } | { type: 'note'; lane: Lane; noteId: string };

export const laneDropId = (lane: Lane): string => `lane:${lane}`;
export const noteDropId = (id: string): string => `note:${id}`;

const center = (r: ClientRect) => ({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
const contains = (r: ClientRect, p: { x: number; y: number }) => p.x >= r.left && p.x <= r.right && p.y >= r.top && p.y <= r.bottom;
const distance = (r: ClientRect, p: { x: number; y: number }) => {
  const dx = Math.max(r.left - p.x, 0, p.x - r.right);
  const dy = Math.max(r.top - p.y, 0, p.y - r.bottom);
  return Math.hypot(dx, dy);
};

/** The middle half of a note's height is its merge zone (pointer only); the rest orders. */
const MERGE_ZONE = 0.25;

interface Measured {
  lanes: { id: UniqueIdentifier; lane: Lane; rect: ClientRect }[];
  notes: { id: UniqueIdentifier; lane: Lane; noteId: string; rect: ClientRect }[];
}

function measured(args: { droppableContainers: { id: UniqueIdentifier; data: { current?: unknown } }[]; droppableRects: Map<UniqueIdentifier, ClientRect> }, activeId: UniqueIdentifier): Measured {
  const out: Measured = { lanes: [], notes: [] };
  for (const c of args.droppableContainers) {
    const data = c.data.current as DropData | undefined;
    const rect = args.droppableRects.get(c.id);
    if (!data || !rect) continue;
    if (data.type === 'lane') out.lanes.push({ id: c.id, lane: data.lane, rect });
    else if (data.noteId !== activeId) out.notes.push({ id: c.id, lane: data.lane, noteId: data.noteId, rect });
  }
  out.lanes.sort((a, b) => LANE_KEYS.indexOf(a.lane) - LANE_KEYS.indexOf(b.lane));
  out.notes.sort((a, b) => a.rect.top - b.rect.top);
  return out;
}

/** The slot under a point: lane by containment (else the nearest), index by note midpoints. */
export function slotAt(m: Measured, point: { x: number; y: number }, byPointer: boolean): { laneId: UniqueIdentifier; noteDropId?: UniqueIdentifier; slot: Slot } | null {
  if (!m.lanes.length) return null;
  const lane = m.lanes.find((l) => contains(l.rect, point)) ?? [...m.lanes].sort((a, b) => distance(a.rect, point) - distance(b.rect, point))[0]!;
  const inLane = m.notes.filter((n) => n.lane === lane.lane);
  if (byPointer) {
    const over = inLane.find((n) => contains(n.rect, point));
    if (over) {
      const rel = (point.y - over.rect.top) / over.rect.height;
      if (rel >= MERGE_ZONE && rel <= 1 - MERGE_ZONE) {
        return { laneId: lane.id, noteDropId: over.id, slot: { lane: lane.lane, index: -1, mergeInto: over.noteId } };
      }
    }
  }
  const index = inLane.filter((n) => n.rect.top + n.rect.height / 2 < point.y).length;
  return { laneId: lane.id, slot: { lane: lane.lane, index, mergeInto: null } };
}

/** Collision detection: one collision, carrying the slot in its data (read in onDragMove/End). */
export const boardCollision: CollisionDetection = ({ active, collisionRect, droppableRects, droppableContainers, pointerCoordinates }) => {
  const m = measured({ droppableContainers, droppableRects }, active.id);
  const hit = slotAt(m, pointerCoordinates ?? center(collisionRect), pointerCoordinates !== null);
  if (!hit) return [];
  const collision: Collision = { id: hit.noteDropId ?? hit.laneId, data: { slot: hit.slot } };
  return [collision];
};

export const slotOf = (collisions: Collision[] | null | undefined): Slot | null =>
  ((collisions?.[0]?.data as { slot?: Slot } | undefined)?.slot ?? null);

/**
 * Keyboard moves between slots: Up/Down one position within the lane, Left/Right to the
 * neighbouring lane at the same position (or its end). Returns where the dragged card's top-left
 * goes so that its centre lands in the target slot.
 */
export const boardKeyboardCoordinates: KeyboardCoordinateGetter = (event, { active, context }) => {
  const { collisionRect, droppableRects, droppableContainers, collisions } = context;
  if (!collisionRect) return undefined;
  const m = measured({ droppableContainers: droppableContainers.getEnabled(), droppableRects }, active);
  const current = slotOf(collisions) ?? slotAt(m, center(collisionRect), false)?.slot;
  if (!current || !m.lanes.length) return undefined;
  let laneIdx = Math.max(0, m.lanes.findIndex((l) => l.lane === current.lane));
  let index = current.index < 0 ? 0 : current.index;
  switch (event.code) {
    case 'ArrowDown':
      index++;
      break;
    case 'ArrowUp':
      index--;
      break;
    case 'ArrowRight':
      laneIdx++;
      break;
    case 'ArrowLeft':
      laneIdx--;
      break;
    default:
      return undefined;
  }
  event.preventDefault();
  laneIdx = Math.max(0, Math.min(m.lanes.length - 1, laneIdx));
  const lane = m.lanes[laneIdx]!;
  const notes = m.notes.filter((n) => n.lane === lane.lane);
  index = Math.max(0, Math.min(notes.length, index));
  const y =
    notes.length === 0
      ? lane.rect.top + Math.min(24, lane.rect.height / 2)
      : index < notes.length
        ? notes[index]!.rect.top - 2
        : notes[notes.length - 1]!.rect.bottom + 2;
  const x = lane.rect.left + lane.rect.width / 2;
  return { x: x - collisionRect.width / 2, y: y - collisionRect.height / 2 };
};

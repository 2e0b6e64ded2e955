// Drag and drop geometry for the lanes (@dnd-kit). The three lanes are the droppables; the notes'
// positions are read from the page once when a drag starts (one layout read for the whole board,
// instead of 300 registered droppables that each re-render and re-measure). While a note is
// dragged, the collision detection turns the pointer (or, by keyboard, the dragged card's centre)
// into a *slot*: a lane and a position in it, or another note to merge into. Notes do not shift
// during a drag: an insertion line shows the slot, so the measured positions stay true.
import type { ClientRect, Collision, CollisionDetection, KeyboardCoordinateGetter } from '@dnd-kit/core';
import { LANE_KEYS, type Lane } from '../../../shared/constants';

export interface Slot {
  lane: Lane;
  /** Position among the lane's other notes (the dragged one left out). */
  index: number;
  /** Set when the note would be dropped onto another note: merge. */
  mergeInto: string | null;
}

export const laneDropId = (lane: Lane): string => `lane:${lane}`;

/** Rectangles in document coordinates (scroll-independent). */
interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface Geometry {
  lanes: { lane: Lane; box: Box }[];
  /** Draggable notes, top to bottom. */
  notes: { lane: Lane; noteId: string; box: Box }[];
}

/** Attributes the lanes and notes carry so the geometry can be read from the page. */
export const dropLaneAttr = 'data-drop-lane';
export const dragNoteAttr = 'data-drag-note';

/** Reads where every lane and draggable note is. Called once per drag, at its start. */
export function measureGeometry(root: ParentNode): Geometry {
  const sx = window.scrollX;
  const sy = window.scrollY;
  const box = (el: Element): Box => {
    const r = el.getBoundingClientRect();
    return { left: r.left + sx, right: r.right + sx, top: r.top + sy, bottom: r.bottom + sy };
  };
  const lanes = [...root.querySelectorAll(`[${dropLaneAttr}]`)]
    .map((el) => ({ lane: el.getAttribute(dropLaneAttr) as Lane, box: box(el) }))
    .sort((a, b) => LANE_KEYS.indexOf(a.lane) - LANE_KEYS.indexOf(b.lane));
  const notes = [...root.querySelectorAll(`[${dragNoteAttr}]`)]
    .map((el) => ({ lane: el.getAttribute('data-lane') as Lane, noteId: el.getAttribute(dragNoteAttr)!, box: box(el) }))
    .sort((a, b) => a.box.top - b.box.top);
  return { lanes, notes };
}

const contains = (r: Box, p: { x: number; y: number }) => p.x >= r.left && p.x <= r.right && p.y >= r.top && p.y <= r.bottom;
const distance = (r: Box, p: { x: number; y: number }) => Math.hypot(Math.max(r.left - p.x, 0, p.x - r.right), Math.max(r.top - p.y, 0, p.y - r.bottom));

/** The middle half of a note's height is its merge zone (pointer only); above or below it orders. */
const MERGE_ZONE = 0.25;

/** The slot under a point (document coordinates): lane by containment, else the nearest; index by note midpoints. */
export function slotAt(g: Geometry, activeId: string, point: { x: number; y: number }, byPointer: boolean): Slot | null {
  if (!g.lanes.length) return null;
  const lane = g.lanes.find((l) => contains(l.box, point)) ?? [...g.lanes].sort((a, b) => distance(a.box, point) - distance(b.box, point))[0]!;
  const inLane = g.notes.filter((n) => n.lane === lane.lane && n.noteId !== activeId);
  if (byPointer) {
    const over = inLane.find((n) => contains(n.box, point));
    if (over) {
      const rel = (point.y - over.box.top) / (over.box.bottom - over.box.top || 1);
      if (rel >= MERGE_ZONE && rel <= 1 - MERGE_ZONE) return { lane: lane.lane, index: -1, mergeInto: over.noteId };
    }
  }
  const index = inLane.filter((n) => (n.box.top + n.box.bottom) / 2 < point.y).length;
  return { lane: lane.lane, index, mergeInto: null };
}

export const slotOf = (collisions: Collision[] | null | undefined): Slot | null =>
  (collisions?.[0]?.data as { slot?: Slot } | undefined)?.slot ?? null;

const centre = (r: ClientRect) => ({ x: r.left + r.width / 2 + window.scrollX, y: r.top + r.height / 2 + window.scrollY });

/**
 * The collision detection and keyboard coordinates for one board, over the geometry measured at
 * the drag's start (`geometry()` is null when no drag is under way).
 */
export function createBoardDnd(geometry: () => Geometry | null) {
  // By keyboard the slot is chosen by the keys themselves (the card's coordinates only show it):
  // the sensor may scroll the page instead of moving the card, which must not change the slot.
  let keyboardSlot: { geometry: Geometry; slot: Slot } | null = null;

  /** One collision: the lane (so `over` is meaningful), with the slot in its data. */
  const collision: CollisionDetection = ({ active, collisionRect, pointerCoordinates }) => {
    const g = geometry();
    if (!g) return [];
    if (!pointerCoordinates && keyboardSlot?.geometry === g) {
      return [{ id: laneDropId(keyboardSlot.slot.lane), data: { slot: keyboardSlot.slot } }];
    }
    const point = pointerCoordinates ? { x: pointerCoordinates.x + window.scrollX, y: pointerCoordinates.y + window.scrollY } : centre(collisionRect);
    const slot = slotAt(g, String(active.id), point, pointerCoordinates !== null);
    return slot ? [{ id: laneDropId(slot.lane), data: { slot } }] : [];
  };

  /**
   * Up/Down: one position within the lane; Left/Right: the neighbouring lane at the same position
   * (or its end). Returns where the dragged card's top-left goes so its centre lands in that slot.
   */
  const keyboard: KeyboardCoordinateGetter = (event, { active, context }) => {
    const g = geometry();
    const { collisionRect } = context;
    if (!g || !collisionRect || !g.lanes.length) return undefined;
    const current = (keyboardSlot?.geometry === g ? keyboardSlot.slot : null) ?? slotOf(context.collisions) ?? slotAt(g, String(active), centre(collisionRect), false);
    if (!current) return undefined;
    let laneIdx = Math.max(0, g.lanes.findIndex((l) => l.lane === current.lane));
    let index = Math.max(0, current.index);
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
    const lane = g.lanes[Math.max(0, Math.min(g.lanes.length - 1, laneIdx))]!;
    const notes = g.notes.filter((n) => n.lane === lane.lane && n.noteId !== String(active));
    index = Math.max(0, Math.min(notes.length, index));
    keyboardSlot = { geometry: g, slot: { lane: lane.lane, index, mergeInto: null } };
    const y =
      notes.length === 0
        ? lane.box.top + Math.min(24, (lane.box.bottom - lane.box.top) / 2)
        : index < notes.length
          ? notes[index]!.box.top - 2
          : notes[notes.length - 1]!.box.bottom + 2;
    const x = (lane.box.left + lane.box.right) / 2;
    return { x: x - window.scrollX - collisionRect.width / 2, y: y - window.scrollY - collisionRect.height / 2 };
  };

  return { collision, keyboard };
}

// What a screen reader hears while an initiative is dragged (dnd-kit's `accessibility.announcements`):
// the initiative's name and the place it goes, instead of dnd-kit's defaults with raw ids.
import type { Announcements, UniqueIdentifier } from '@dnd-kit/core';

export interface DragWords {
  /** The dragged initiative's name. */
  nameOf: (id: UniqueIdentifier) => string;
  /** Where the initiative sits when picked up: "rank 2 of 4", "in Undecided". */
  startOf: (id: UniqueIdentifier) => string;
  /** A drop target, or the dragged initiative's own place: "rank 1", "Build". */
  placeOf: (id: UniqueIdentifier) => string;
  /** The preposition before a place: "at" (rank 1), "in" (Build). */
  at: string;
  /** The area a drag can leave: "the list". */
  area: string;
  /** What is cancelled: "Reordering", "Moving". */
  action: string;
}

export function dragAnnouncements({ nameOf, startOf, placeOf, at, area, action }: DragWords): Announcements {
  return {
    onDragStart: ({ active }) => `Picked up ${nameOf(active.id)}, ${startOf(active.id)}. Arrow keys move it, Space drops it, Escape cancels.`,
    // Over itself (right after picking up) says nothing, so the pick-up message is heard in full.
    onDragOver: ({ active, over }) =>
      !over ? `${nameOf(active.id)} is no longer over ${area}.` : over.id === active.id ? undefined : `${nameOf(active.id)} moved to ${placeOf(over.id)}.`,
    onDragEnd: ({ active, over }) => (over ? `${nameOf(active.id)} dropped ${at} ${placeOf(over.id)}.` : `${nameOf(active.id)} dropped.`),
    onDragCancel: ({ active }) => `${action} cancelled. ${nameOf(active.id)} stays ${at} ${placeOf(active.id)}.`,
  };
}

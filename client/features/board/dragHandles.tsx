// Drag handles that cost nothing until used. dnd-kit's useDraggable per note is costly on a big
// board: each of 300 notes subscribes to dnd-kit's internal context (all of them re-render when a
// drag starts or a lane is measured) and registers itself at mount. Here every note's handle gets
// the same props, with useDraggable's attributes, and a note is bound to dnd-kit (useDraggable in a
// renderless child of the DndContext) the first time an event that can start a drag reaches its
// handle: flushSync mounts the binding, then the same event is handed on, so the first press
// already drags, by mouse, touch and keyboard alike.
import { useLayoutEffect, useMemo, useState, type ReactNode, type SyntheticEvent } from 'react';
import { flushSync } from 'react-dom';
import { KeyboardSensor, MouseSensor, TouchSensor, useDraggable, type DraggableAttributes } from '@dnd-kit/core';
import { dragNoteAttr } from './dnd';

type Listener = (event: SyntheticEvent<HTMLElement>) => void;
type Listeners = Record<string, Listener>;

/** What a note's handle carries: useDraggable's attributes and the sensors' activator listeners. */
export interface DragHandleProps {
  attributes: DraggableAttributes;
  listeners: Listeners;
}

/** The events that can start a drag with the sensors LaneBoard uses (onMouseDown, onTouchStart, onKeyDown). */
const ACTIVATOR_EVENTS = [...new Set([MouseSensor, TouchSensor, KeyboardSensor].flatMap((s) => s.activators.map((a) => a.eventName)))];

/** The elements of a bound note: its card (what is dragged) and its handle (what starts a drag). */
interface Bound {
  root: HTMLElement;
  activator: HTMLElement;
}

/** Bound notes as mounted: their elements and their listeners from useDraggable. */
type Registry = Map<string, Bound & { listeners: Listeners | undefined }>;

/**
 * The handle props every draggable note shares, and the bindings to render inside the DndContext.
 * `describedBy` is the id of the DndContext's screen-reader instructions (its `id` prop);
 * `isNote` drops bindings of notes no longer on the board.
 */
export function useDragHandles(describedBy: string, isNote: (id: string) => boolean): { handle: DragHandleProps; bindings: ReactNode } {
  const [bound, setBound] = useState<ReadonlyMap<string, Bound>>(() => new Map());
  const [registry] = useState<Registry>(() => new Map());
  const handle = useMemo<DragHandleProps>(() => {
    const forward =
      (name: string): Listener =>
      (event) => {
        const activator = event.currentTarget;
        const root = activator.closest<HTMLElement>(`[${dragNoteAttr}]`);
        const id = root?.getAttribute(dragNoteAttr);
        if (!root || !id) return;
        const current = registry.get(id);
        // A note moved to another lane is a new card: bind it again.
        if (current?.root !== root || current.activator !== activator) {
          flushSync(() => setBound((m) => new Map(m).set(id, { root, activator })));
        }
        registry.get(id)?.listeners?.[name]?.(event);
      };
    return {
      attributes: {
        role: 'button',
        tabIndex: 0,
        'aria-disabled': false,
        'aria-pressed': undefined,
        'aria-roledescription': 'draggable',
        'aria-describedby': describedBy,
      },
      listeners: Object.fromEntries(ACTIVATOR_EVENTS.map((name) => [name, forward(name)])),
    };
  }, [describedBy, registry]);
  const bindings = [...bound].filter(([id]) => isNote(id)).map(([id, els]) => <DragBinding key={id} id={id} {...els} registry={registry} />);
  return { handle, bindings };
}

/** Registers one note with dnd-kit, on the elements it was bound with. */
function DragBinding({ id, root, activator, registry }: Bound & { id: string; registry: Registry }) {
  const { setNodeRef, setActivatorNodeRef, listeners } = useDraggable({ id });
  useLayoutEffect(() => {
    setNodeRef(root);
    setActivatorNodeRef(activator);
    registry.set(id, { root, activator, listeners: listeners as Listeners | undefined });
  });
  useLayoutEffect(
    () => () => {
      if (registry.get(id)?.root === root) registry.delete(id);
    },
    [registry, id, root],
  );
  return null;
}

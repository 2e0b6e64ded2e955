// Where the pointer of a mouse, pen or touch drag is, read from the input events themselves (on the
// window, in the capture phase: before a dnd-kit sensor's own listeners end the drag). dnd-kit drops
// on the collisions of the last move React has drawn; on a busy page the browser handles the release
// before that render, and the item would drop where the pointer was a frame or more ago (often where
// it started). The boards' drops ask this instead.

export interface PointerTrack {
  /** In viewport coordinates (for elementsFromPoint); null for a keyboard drag. */
  client(): { x: number; y: number } | null;
  /** In document coordinates (scroll included). */
  point(): { x: number; y: number } | null;
  stop(): void;
}

const clientPoint = (e: Event): { x: number; y: number } | null => {
  if (e instanceof MouseEvent) return { x: e.clientX, y: e.clientY }; // pointer events too
  if (typeof TouchEvent !== 'undefined' && e instanceof TouchEvent) {
    const t = e.touches[0] ?? e.changedTouches[0];
    return t ? { x: t.clientX, y: t.clientY } : null;
  }
  return null;
};

const EVENTS = ['pointermove', 'pointerup', 'mousemove', 'mouseup', 'touchmove', 'touchend'] as const;

/** Starts following the pointer of the drag `activator` began (nothing to follow for a key press). */
export function trackPointer(activator: Event | null): PointerTrack {
  let last = activator ? clientPoint(activator) : null;
  if (!last) return { client: () => null, point: () => null, stop: () => undefined };
  const on = (e: Event) => {
    last = clientPoint(e) ?? last;
  };
  for (const type of EVENTS) window.addEventListener(type, on, { capture: true, passive: true });
  return {
    client: () => last,
    point: () => (last ? { x: last.x + window.scrollX, y: last.y + window.scrollY } : null),
    stop: () => EVENTS.forEach((type) => window.removeEventListener(type, on, { capture: true })),
  };
}

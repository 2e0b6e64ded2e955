// Keyboard focus after an action removes or moves the focused control (a deleted note, a note
// dropped into another lane, a removed metric…): the browser drops focus to the page body, and a
// keyboard or screen-reader user loses their place. These helpers put it on the next sensible
// control once the view has caught up.

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** `el` itself if it takes focus, else the first control inside it that does. */
export function firstFocusable(el: Element | null | undefined): HTMLElement | null {
  if (!el) return null;
  if (el.matches(FOCUSABLE)) return el as HTMLElement;
  return el.querySelector<HTMLElement>(FOCUSABLE);
}

/** The element under `root` whose `attr` is `value` (ids are compared as strings, no selector escaping). */
export function byData(attr: string, value: string, root: ParentNode = document): HTMLElement | null {
  for (const el of root.querySelectorAll<HTMLElement>(`[${attr}]`)) if (el.getAttribute(attr) === value) return el;
  return null;
}

/** The element after `el` among its siblings that match `selector`, else the one before it. */
export function neighbourOf(el: Element | null, selector: string): Element | null {
  if (!el) return null;
  for (let n = el.nextElementSibling; n; n = n.nextElementSibling) if (n.matches(selector)) return n;
  for (let p = el.previousElementSibling; p; p = p.previousElementSibling) if (p.matches(selector)) return p;
  return null;
}

/**
 * Once the view has rendered (next frame), if focus fell to the page (its control was removed),
 * focuses what `target()` finds then. Focus anywhere else is left alone.
 */
export function refocus(target: () => HTMLElement | null | undefined): void {
  requestAnimationFrame(() => {
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return;
    target()?.focus();
  });
}

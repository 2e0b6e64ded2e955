// Says so when a text field is full. Every text field stops at its content limit (maxLength, from
// shared/limits.ts: the server reverts anything longer), and a field that silently stops taking
// keys looks broken. One listener for the whole page, so every limited field, present and future,
// gets the same message: "<label> holds at most N characters.", shown and announced politely.
import { useEffect, useRef, useState } from 'react';

/** How long the message stays after the last time the field was found full. */
const SHOWN_MS = 6_000;

type TextField = HTMLInputElement | HTMLTextAreaElement;

/** A field that shows its own limit message says `data-limit-hint="own"`. */
const limitedField = (target: EventTarget | null): TextField | null =>
  (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) && target.maxLength > 0 && target.dataset.limitHint !== 'own' ? target : null;

/** The field's name as a person reads it: its label, else its accessible name, else "This field". */
function fieldName(field: TextField): string {
  const label = field.labels?.[0]?.cloneNode(true) as HTMLElement | undefined;
  label?.querySelectorAll('input, textarea, select').forEach((el) => el.remove()); // a wrapping label holds the field's text too
  return label?.textContent?.replace(/\s+/g, ' ').trim() || field.getAttribute('aria-label')?.trim() || 'This field';
}

export function limitMessage(field: TextField): string {
  return `${fieldName(field)} holds at most ${field.maxLength.toLocaleString('en-US')} characters.`;
}

export function LimitNotice() {
  const [message, setMessage] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    const show = (field: TextField) => {
      setMessage(limitMessage(field));
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => setMessage(''), SHOWN_MS);
    };
    const full = (field: TextField) => field.value.length >= field.maxLength;
    // Typed or pasted up to the limit.
    const onInput = (e: Event) => {
      const field = limitedField(e.target);
      if (field && full(field)) show(field);
    };
    // A key that would add a character to a full field (nothing happens, so say why).
    const onKeyDown = (e: KeyboardEvent) => {
      const field = limitedField(e.target);
      if (field && full(field) && e.key.length === 1 && !e.ctrlKey && !e.metaKey && field.selectionStart === field.selectionEnd) show(field);
    };
    document.addEventListener('input', onInput, true);
    document.addEventListener('keydown', onKeyDown, true);
    return () => {
      document.removeEventListener('input', onInput, true);
      document.removeEventListener('keydown', onKeyDown, true);
      if (timer.current) clearTimeout(timer.current);
    };
  }, []);
  return (
    // Always in the page (a live region added or unhidden with its text is often not read out).
    <p className="limit-notice" role="status" aria-live="polite">
      {message}
    </p>
  );
}

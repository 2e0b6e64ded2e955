// Durations as the timer shows them.

/** `m:ss` (or `h:mm:ss`) for a duration; whole seconds, rounded as `mode` says. */
export function formatClock(ms: number, mode: 'ceil' | 'floor' = 'ceil'): string {
  const total = Math.max(0, mode === 'ceil' ? Math.ceil(ms / 1000) : Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${String(m).padStart(2, '0')}:${ss}`;
}

/** Whole minutes for a planned duration. */
export const formatMinutes = (ms: number): string => `${Math.round(ms / 60_000)} min`;

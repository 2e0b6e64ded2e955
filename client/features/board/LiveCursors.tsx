// Live cursors: everyone's pointer over the board, sent through awareness at most ~20 times a
// second. A small component of its own, so cursor traffic re-renders only the cursors.
import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import { CURSOR_INTERVAL_MS, throttle, useCursors, type BoardCursor } from './presence';
import { safeColor } from '../../../shared/colors';

export function BoardSurface({ awareness, children }: { awareness: Awareness; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const send = useMemo(
    () => throttle((cursor: BoardCursor | null) => awareness.setLocalStateField('cursor', cursor), CURSOR_INTERVAL_MS),
    [awareness],
  );
  useEffect(
    () => () => {
      send.cancel();
      awareness.setLocalStateField('cursor', null);
    },
    [awareness, send],
  );
  return (
    <div
      ref={ref}
      className="board-surface"
      onPointerMove={(e) => {
        const rect = ref.current?.getBoundingClientRect();
        if (!rect || rect.width === 0) return;
        send({ x: (e.clientX - rect.left) / rect.width, y: Math.round(e.clientY - rect.top) });
      }}
      onPointerLeave={() => {
        send.cancel();
        awareness.setLocalStateField('cursor', null);
      }}
    >
      {children}
      <LiveCursors awareness={awareness} />
    </div>
  );
}

function LiveCursors({ awareness }: { awareness: Awareness }) {
  const cursors = useCursors(awareness);
  return (
    <div className="cursors" aria-hidden="true">
      {cursors.map((c) => (
        <div key={c.clientId} className="cursor" style={{ left: `${c.cursor.x * 100}%`, top: c.cursor.y, color: safeColor(c.color) }}>
          <svg width="14" height="18" viewBox="0 0 14 18">
            <path d="M1 1 L1 15 L5 11 L8 17 L10 16 L7 10 L13 10 Z" fill="currentColor" stroke="#fff" strokeWidth="1" />
          </svg>
          <span className="cursor-name" style={{ background: safeColor(c.color) }}>
            {c.name}
          </span>
        </div>
      ))}
    </div>
  );
}

// The room screen's timer: large digits inside a ring that empties as the stage's time runs out.
// The ring and the digits turn amber in the last minute and red in overtime (a gentle cue that
// does not depend on colour alone: the words change too).
import type { TimerView } from '../../../shared/timer';
import { formatClock } from '../stages/format';

const R = 90;
const CIRCUMFERENCE = 2 * Math.PI * R;
const STATUS_TEXT = { idle: 'Not started', running: 'Running', paused: 'Paused' } as const;

export function TimerRing({ view }: { view: TimerView }) {
  const overtime = view.phase === 'overtime';
  // The share of the budget left (overtime: an empty ring).
  const left = view.budgetMs > 0 ? Math.min(1, view.remainingMs / view.budgetMs) : 0;
  return (
    <section aria-label="Timer" className={`room-timer timer-${view.phase} timer-${view.status}`}>
      <svg className="room-ring" viewBox="0 0 200 200" aria-hidden="true">
        <circle cx="100" cy="100" r={R} className="room-ring-track" />
        <circle
          cx="100"
          cy="100"
          r={R}
          className="room-ring-left"
          strokeDasharray={CIRCUMFERENCE}
          strokeDashoffset={CIRCUMFERENCE * (1 - left)}
          transform="rotate(-90 100 100)"
        />
      </svg>
      <div className="room-clock">
        <p role="timer" data-phase={view.phase} data-status={view.status}>
          <span className="room-clock-label">{overtime ? 'Overtime' : view.phase === 'last-minute' ? 'Last minute' : 'Time left'}</span>{' '}
          <span className="room-clock-digits">{overtime ? `+${formatClock(view.overtimeMs, 'floor')}` : formatClock(view.remainingMs, 'ceil')}</span>
        </p>
        <p className="room-clock-status">{STATUS_TEXT[view.status]}</p>
      </div>
    </section>
  );
}

// `Check in` on a metric (SPEC 8): record a `Value` at a `Date`, see the check-ins against the plan
// in a small chart and a list, and `Off plan` on the metric when its latest check-in is more than
// the workshop's tolerance off. Facilitators and participants check in, observers only read; a
// locked board still takes check-ins (they come after the workshop, through the server).
import { useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { metricProgress } from '../../../shared/checkins';
import type { CheckIn, Metric } from '../../../shared/schema';
import type { WorkshopSession } from '../../sync/session';
import { CheckInChart } from './CheckInChart';
import { postCheckIn } from './postCheckIn';
import { refocus } from '../../focus';
import './checkins.css';

const today = () => new Date().toISOString().slice(0, 10);

export function MetricCheckIns(props: {
  metric: Metric;
  checkIns: CheckIn[];
  createdAt: number;
  tolerance: number;
  session: Pick<WorkshopSession, 'workshopId' | 'token' | 'personToken' | 'role'>;
}) {
  const { metric, session } = props;
  const mine = useMemo(() => props.checkIns.filter((c) => c.metricId === metric.id), [props.checkIns, metric.id]);
  const progress = useMemo(() => metricProgress(metric, mine, props.createdAt, props.tolerance), [metric, mine, props.createdAt, props.tolerance]);
  const [value, setValue] = useState('');
  const [at, setAt] = useState(today);
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { value: useId(), at: useId() };
  const valueInput = useRef<HTMLInputElement>(null);
  const name = metric.name.trim() || 'this metric';
  const canCheckIn = session.role !== 'observer';

  async function submit(e: FormEvent) {
    e.preventDefault();
    const number = Number(value.trim().replace(',', '.'));
    if (value.trim() === '' || !Number.isFinite(number)) return setStatus({ text: 'Value must be a number', error: true });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(at)) return setStatus({ text: 'Date must be a date', error: true });
    setBusy(true);
    setStatus(null);
    try {
      await postCheckIn(session, { metricId: metric.id, value: number, at });
      setValue('');
      setStatus({ text: `Checked in ${number} on ${at}`, error: false });
    } catch (err) {
      setStatus({ text: `Check in failed: ${(err as Error).message}`, error: true });
    } finally {
      setBusy(false);
      // `Check in` was disabled while the request ran, which drops the keyboard to the page body: back to Value, for the next one.
      refocus(() => valueInput.current);
    }
  }

  return (
    <section className="checkins" aria-label={`Check-ins of ${name}`}>
      <div className="checkins-head">
        <h4>Check-ins</h4>
        {progress.offPlan && <span className="checkin-off-plan">Off plan</span>}
        {!progress.plan && <span className="muted prio-small">No plan: baseline and target need a number, and Due a date</span>}
      </div>
      {progress.points.length > 0 && (
        <div className="checkins-body">
          <CheckInChart progress={progress} name={name} />
          <ul className="checkin-list">
            {progress.points.map((p) => (
              <li key={p.id}>
                {p.at}: {p.value}
                {p.planned !== null && <span className="muted"> (plan {Math.round(p.planned * 100) / 100})</span>}
                {p.offPlan && <span className="checkin-off-plan"> Off plan</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
      {canCheckIn && (
        <form className="checkin-form" onSubmit={(e) => void submit(e)}>
          <label htmlFor={ids.value}>Value</label>
          <input ref={valueInput} id={ids.value} type="text" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
          <label htmlFor={ids.at}>Date</label>
          <input id={ids.at} type="date" value={at} onChange={(e) => setAt(e.target.value)} />
          <button type="submit" disabled={busy} aria-busy={busy}>
            Check in
          </button>
        </form>
      )}
      <p role="status" className="checkin-status">
        {status && <span className={status.error ? 'error' : undefined}>{status.text}</span>}
      </p>
    </section>
  );
}

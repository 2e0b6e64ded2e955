// `Tolerance (%)`: how far a metric check-in may be off its plan before it is flagged Off plan
// (SPEC 8; default 15). A facilitator setting on the control document (shown to facilitators
// only, where check-ins are: stage 5 and a follow-up's Review), written on Enter or when leaving
// the field, so typing "25" never writes "2".
import { useId, useState, type FormEvent } from 'react';
import './checkins.css';
import { readSettings } from '../../../shared/schema';
import { MAX_OFF_PLAN_TOLERANCE, MIN_OFF_PLAN_TOLERANCE, isOffPlanTolerance } from '../../../shared/checkins';
import { setOffPlanTolerance } from '../../../shared/commands/control';
import { useSession } from '../../sync/SessionContext';
import { useYSelect } from '../../sync/useYjs';

export function ToleranceInput() {
  const session = useSession();
  const stored = useYSelect(session.control, readSettings, (s) => s.offPlanTolerance);
  const [value, setValue] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  if (session.role !== 'facilitator') return null;
  const commit = (e?: FormEvent) => {
    e?.preventDefault();
    if (value === null) return;
    const percent = Number(value.trim().replace(',', '.'));
    if (value.trim() === '' || !isOffPlanTolerance(percent)) {
      setError(`Tolerance must be a number from ${MIN_OFF_PLAN_TOLERANCE} to ${MAX_OFF_PLAN_TOLERANCE}`);
      return;
    }
    setError(null);
    setOffPlanTolerance(session.control, percent);
    setValue(null);
  };
  return (
    <form className="tolerance" onSubmit={commit}>
      <label htmlFor={id}>Tolerance (%)</label>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        value={value ?? String(stored)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => setValue(e.target.value)}
        onBlur={() => commit()}
      />
      {error && (
        <span id={`${id}-error`} className="error">
          {error}
        </span>
      )}
    </form>
  );
}

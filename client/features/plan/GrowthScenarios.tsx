// The `Growth scenarios` region (SPEC 7), from stage 1 on: per threshold kind a current value, a
// unit and monthly growth for the three scenarios, edited together like the rest of the board
// (each field commits on blur or Enter; observers and a locked board read only, which the server
// enforces too), and the `Growth and thresholds` chart of what they mean for the bottlenecks.
import { useId, useState } from 'react';
import { THRESHOLD_KINDS, type ThresholdKind } from '../../../shared/constants';
import { SCENARIOS, type GrowthModel } from '../../../shared/forecast';
import { setScenarioField, type ScenarioField } from '../../../shared/scenarios';
import { readBoard, readSettings } from '../../../shared/schema';
import { useSession } from '../../sync/SessionContext';
import { useYSnapshot } from '../../sync/useYjs';
import { useDraftField } from '../../state/drafts';
import { GrowthChart, type ChartThreshold } from './GrowthChart';
import { usePlan } from './usePlan';
import './plan.css';

export function GrowthScenarios() {
  const session = useSession();
  const settings = useYSnapshot(session.control, readSettings);
  const board = useYSnapshot(session.board, readBoard);
  const { models, plan } = usePlan(session);
  const canWrite = session.role === 'facilitator' || (session.role === 'participant' && !settings.locked);
  const thresholds: ChartThreshold[] = board.notes
    .filter((n) => n.threshold && typeof n.threshold.value === 'number' && n.text.trim())
    .map((n) => ({ note: n, kind: n.threshold!.kind, value: n.threshold!.value as number, forecast: plan.forecasts.get(n.id)! }));
  return (
    <section aria-label="Growth scenarios" className="panel growth-scenarios">
      <h2>Growth scenarios</h2>
      <details className="growth-details" open={session.role === 'facilitator'}>
        <summary>Growth models and the forecast chart</summary>
        <p className="muted">
          Monthly growth in percent. Bottlenecks with a threshold of the same kind and unit get a forecast of when they break.
          {!canWrite && (settings.locked ? ' The board is locked.' : ' Read only.')}
        </p>
        <div className="growth-kinds">
          {THRESHOLD_KINDS.map((k) => (
            <KindFields key={k.key} kind={k.key} title={k.title} model={models.find((m) => m.kind === k.key)!} readOnly={!canWrite} />
          ))}
        </div>
        <GrowthChart models={models} thresholds={thresholds} />
      </details>
    </section>
  );
}

const FIELDS: { field: ScenarioField; label: string; numeric: boolean }[] = [
  { field: 'current', label: 'Current', numeric: true },
  { field: 'unit', label: 'Unit', numeric: false },
  ...SCENARIOS.map((s) => ({ field: s.key, label: s.title, numeric: true })),
];

function KindFields({ kind, title, model, readOnly }: { kind: ThresholdKind; title: string; model: GrowthModel; readOnly: boolean }) {
  return (
    <fieldset className="growth-kind" aria-label={title}>
      <legend>{title}</legend>
      {FIELDS.map((f) => (
        <Field key={f.field} kind={kind} field={f.field} label={f.label} numeric={f.numeric} value={valueOf(model, f.field)} readOnly={readOnly} />
      ))}
    </fieldset>
  );
}

const valueOf = (m: GrowthModel, field: ScenarioField): string => {
  const v = field === 'current' ? m.current : field === 'unit' ? m.unit : m.growth[field];
  return v === null ? '' : String(v);
};

function Field(props: { kind: ThresholdKind; field: ScenarioField; label: string; numeric: boolean; value: string; readOnly: boolean }) {
  const session = useSession();
  const id = useId();
  const [invalid, setInvalid] = useState<string | null>(null);
  const input = useDraftField(`scenario:${props.kind}:${props.field}`, props.value, (text) => {
    const value = props.numeric ? (text.trim() === '' ? null : Number(text.replace(',', '.'))) : text.trim();
    // Not a number: nothing is written, and the person is told what the field takes.
    if (props.numeric && value !== null && !Number.isFinite(value)) return setInvalid(text);
    setInvalid(null);
    setScenarioField(session.board, { kind: props.kind, field: props.field, value });
  });
  return (
    <label htmlFor={id} className="growth-field">
      {props.label}
      <input
        id={id}
        {...input}
        readOnly={props.readOnly}
        inputMode={props.numeric ? 'decimal' : undefined}
        size={props.field === 'unit' ? 14 : 6}
        maxLength={props.field === 'unit' ? 40 : 12}
        aria-invalid={invalid !== null || undefined}
        aria-describedby={invalid !== null ? `${id}-error` : undefined}
      />
      {invalid !== null && (
        <span id={`${id}-error`} role="alert" className="prio-flag">
          “{invalid}” is not a number: enter one such as 7.5, or leave it empty.
        </span>
      )}
    </label>
  );
}

// Stage 5: per decision, one or more success metrics (metric, baseline, target, due date) and
// exactly one DRI (a participant from the roster or a typed name). Missing pieces are flagged on
// each card; a metric can be tagged observability (it counts for the Ship-It checklist). Text
// fields are committed on blur or Enter. Under each metric, its check-ins against the plan
// (SPEC 8, client/features/checkins).
import { Fragment, useId, useMemo } from 'react';
import { approachTitle, phaseTitle } from '../../../shared/log/format';
import { readSettings, type Metric } from '../../../shared/schema';
import { MetricCheckIns } from '../checkins/MetricCheckIns';
import { ToleranceInput } from '../checkins/ToleranceInput';
import { useYSelect } from '../../sync/useYjs';
import type { RankedInitiative } from '../../../shared/ranking';
import { isMetricComplete, metricGaps } from '../../../shared/checklist';
import { setDri } from '../../../shared/commands/decisions';
import { MAX_DRI_LENGTH, MAX_METRIC_FIELD_LENGTH } from '../../../shared/limits';
import { addMetric, removeMetric, updateMetric, type MetricTextField } from '../../../shared/commands/metrics';
import { displayTitle, type PrioritizationData } from './usePrioritization';
import { draftKeys, useDraftField } from '../../state/drafts';
import type { WorkshopSession } from '../../sync/session';
import { firstFocusable, neighbourOf, refocus } from '../../focus';

const FIELDS: { key: MetricTextField; label: string; type: string; placeholder: string }[] = [
  { key: 'name', label: 'Metric', type: 'text', placeholder: 'e.g. checkout p99 latency' },
  { key: 'baseline', label: 'Baseline', type: 'text', placeholder: 'e.g. 2.1 s' },
  { key: 'target', label: 'Target', type: 'text', placeholder: 'e.g. 500 ms' },
  { key: 'due', label: 'Due', type: 'date', placeholder: '' },
];

/** The empty fields of a metric, by their labels (the rule itself is shared/checklist.ts). */
const missingLabels = (m: Metric): string[] => metricGaps(m).map((key) => FIELDS.find((f) => f.key === key)!.label.toLowerCase());

function MetricRow({ metric, index, data }: { metric: Metric; index: number; data: PrioritizationData }) {
  const { session, canEdit } = data;
  const gaps = missingLabels(metric);
  function remove(button: HTMLElement) {
    // Focus goes to the next metric of this decision (or the one before), else to Add metric.
    const row = button.closest('fieldset.metric');
    const next = neighbourOf(row, 'fieldset.metric') ?? row?.parentElement?.querySelector(':scope > .add-metric') ?? null;
    removeMetric(session.board, { id: metric.id });
    refocus(() => firstFocusable(next?.isConnected ? next : null));
  }
  return (
    <fieldset className="prio-group metric" disabled={!canEdit}>
      <legend>Metric {index + 1}</legend>
      <div className="metric-fields">
        {FIELDS.map((f) => (
          <MetricField key={f.key} metric={metric} field={f} session={session} />
        ))}
      </div>
      <div className="metric-foot">
        <label className="prio-check">
          <input type="checkbox" checked={metric.observability} onChange={(e) => updateMetric(session.board, { id: metric.id, observability: e.target.checked })} />
          Observability metric
        </label>
        <button type="button" className="prio-subtle" aria-label={`Remove metric ${index + 1}`} onClick={(e) => remove(e.currentTarget)}>
          Remove
        </button>
        {gaps.length > 0 && <span className="prio-flag">Missing: {gaps.join(', ')}</span>}
      </div>
    </fieldset>
  );
}

function MetricField({ metric, field, session }: { metric: Metric; field: (typeof FIELDS)[number]; session: WorkshopSession }) {
  const input = useDraftField(draftKeys.metric(metric.id, field.key), metric[field.key], (text) =>
    updateMetric(session.board, { id: metric.id, [field.key]: text }),
  );
  return (
    <label>
      {field.label}
      <input type={field.type} {...input} maxLength={MAX_METRIC_FIELD_LENGTH} placeholder={field.placeholder} />
    </label>
  );
}

interface CheckInPlan {
  createdAt: number;
  tolerance: number;
}

function OwnerCard({ item, data, peopleListId, plan }: { item: RankedInitiative; data: PrioritizationData; peopleListId: string; plan: CheckInPlan }) {
  const { board, session, canEdit } = data;
  const id = item.initiative.id;
  const decision = board.decisions[id];
  const metrics = board.metrics.filter((m) => m.initiativeId === id);
  const name = displayTitle(item.initiative.title);
  const flags: string[] = [];
  if (!metrics.length) flags.push('No metric yet');
  else if (!metrics.some(isMetricComplete)) flags.push('No complete metric (metric, baseline, target and due)');
  if (!decision?.dri?.trim()) flags.push('No DRI');
  const approach = approachTitle(decision?.approach ?? null) || 'Approach not decided';
  const phase = phaseTitle(decision?.phase ?? null) || 'phase not set';
  const dri = useDraftField(draftKeys.dri(id), decision?.dri ?? '', (text) => setDri(session.board, { initiativeId: id, dri: text }));
  return (
    <article className="owner card" aria-label={name}>
      <div className="decision-head">
        <span className="rank-number">{item.rank}</span>
        <h3>{name}</h3>
        <span className="muted prio-small">
          {approach} · {phase}
        </span>
      </div>
      {metrics.map((m, i) => (
        <Fragment key={m.id}>
          <MetricRow metric={m} index={i} data={data} />
          <MetricCheckIns metric={m} checkIns={board.checkIns} createdAt={plan.createdAt} tolerance={plan.tolerance} session={session} />
        </Fragment>
      ))}
      {canEdit && (
        <button type="button" className="add-metric" onClick={() => addMetric(session.board, { initiativeId: id })}>
          Add metric
        </button>
      )}
      <label className="dri">
        DRI
        <input {...dri} list={peopleListId} maxLength={MAX_DRI_LENGTH} disabled={!canEdit} placeholder="Pick a participant or type a name" />
      </label>
      {flags.length > 0 ? (
        <ul className="prio-flags" aria-label={`Missing for ${name}`}>
          {flags.map((f) => (
            <li key={f} className="prio-flag">
              {f}
            </li>
          ))}
        </ul>
      ) : (
        <p className="prio-ok">Metrics and owner complete.</p>
      )}
    </article>
  );
}

export function MetricsOwners({ data }: { data: PrioritizationData }) {
  const peopleListId = useId();
  const createdAt = useYSelect(data.session.control, readSettings, (s) => s.createdAt);
  const tolerance = useYSelect(data.session.control, readSettings, (s) => s.offPlanTolerance);
  const plan = useMemo(() => ({ createdAt, tolerance }), [createdAt, tolerance]);
  const people = [...new Set(data.board.roster.filter((r) => r.role !== 'observer').map((r) => r.name))].sort((a, b) => a.localeCompare(b));
  if (!data.top.length) return <p className="muted">No top initiatives yet: they are chosen in stage 3, once the scores are revealed.</p>;
  return (
    <div className="metrics-owners">
      <p className="muted">
        Give each decision at least one success metric with a baseline, a target and a due date, and exactly one DRI. Tag a metric{' '}
        <em>observability</em> when it is how the platform will be observed.
      </p>
      <ToleranceInput />
      <datalist id={peopleListId}>
        {people.map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
      {data.top.map((t) => (
        <OwnerCard key={t.initiative.id} item={t} data={data} peopleListId={peopleListId} plan={plan} />
      ))}
    </div>
  );
}

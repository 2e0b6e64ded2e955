// The decision log rendered as a document: the same sections as the Markdown export (summary,
// participants, stage timings, decisions as a table and as sections, parking lot, Ship-It
// checklist). Used live in the Decision log panel and on the print page. User text is plain
// React text (never HTML) and carries dir="auto" so right-to-left text reads correctly.
import { createElement, type ReactNode } from 'react';
import type { DecisionLog, LogBottleneck, LogForecast, LogMetric } from '../../../shared/log/types';
import { GrowthChart, type ChartThreshold } from '../plan/GrowthChart';
import {
  approachCriterion,
  approachTitle,
  bottlenecksById,
  dimensionsOf,
  formatNumber,
  impactTitle,
  isoDate,
  isoDateTime,
  laneTitle,
  metricLine,
  parkingLot,
  phaseTitle,
  plannedText,
  reviewStatusText,
  templateTitle,
  thresholdKindTitle,
  thresholdLine,
  totalPlannedText,
} from '../../../shared/log/format';

const monthsText = (m: number | null) => (m === null ? 'not within 3 years' : m === 0 ? 'breaking now' : `${m} months`);
const forecastText = (f: LogForecast) =>
  `realistic ${monthsText(f.realistic)}; conservative ${monthsText(f.conservative)}; optimistic ${monthsText(f.optimistic)}`;

type Level = 1 | 2 | 3 | 4 | 5;

function H({ level, children, className }: { level: Level; children: ReactNode; className?: string }) {
  return createElement(`h${level}`, { className }, children);
}

/** User text: shown as typed (line breaks kept by CSS), direction from its own content. */
function T({ children, className }: { children: string; className?: string }) {
  return (
    <span dir="auto" className={className ? `dl-text ${className}` : 'dl-text'}>
      {children}
    </span>
  );
}

const DASH = '—';
const orDash = (s: string) => (s.trim() ? s : DASH);

/** A table cell listing metrics, one a line (a decision's, a reviewed decision's), or a dash. */
function MetricsCell({ metrics }: { metrics: LogMetric[] }) {
  return (
    <td>
      {metrics.length
        ? metrics.map((m, i) => (
            <div key={i}>
              <T>{metricLine(m)}</T>
            </div>
          ))
        : DASH}
    </td>
  );
}

function BottleneckItem({ b }: { b: LogBottleneck }) {
  return (
    <li>
      <T>{b.text}</T> <span className="dl-lane">({laneTitle(b.dimension)})</span>
      <ul>
        {b.threshold && (
          <li>
            Threshold: <T>{thresholdLine(b.threshold)}</T>
          </li>
        )}
        {b.forecast && <li>Forecast: {forecastText(b.forecast)}</li>}
        {b.impacts.length === 0 && <li className="dl-flag">Impact: not mapped</li>}
        {b.impacts.map((i, k) => (
          <li key={k}>
            Impact: {impactTitle(i.category)}, magnitude {i.magnitude}/5
            {i.evidence.trim() && (
              <>
                : <T>{i.evidence}</T>
              </>
            )}
          </li>
        ))}
      </ul>
    </li>
  );
}

/**
 * `level` is the heading level of the sections (the title, when shown, is one above).
 * `showTitle` renders the workshop title as a heading (the print page); the panel has its own.
 */
export function DecisionLogDocument({ log, level, showTitle = false }: { log: DecisionLog; level: 2 | 3; showTitle?: boolean }) {
  const sub = (level + 1) as Level;
  const { workshop } = log;
  const actual = log.stages.reduce((a, s) => a + s.actualMinutes, 0);
  const parked = parkingLot(log.bottlenecks, log.decisions);
  return (
    <div className="log-document">
      {showTitle && (
        <H level={(level - 1) as Level} className="log-title">
          Decision log: <T>{workshop.title || 'Untitled workshop'}</T>
        </H>
      )}
      <dl className="log-summary">
        <div>
          <dt>Date</dt>
          <dd>{isoDate(workshop.createdAt)}</dd>
        </div>
        <div>
          <dt>Template</dt>
          <dd>{templateTitle(workshop.template)}</dd>
        </div>
        <div>
          <dt>Exported</dt>
          <dd>{isoDateTime(workshop.exportedAt)}</dd>
        </div>
        {log.review && (
          <div>
            <dt>Follows up</dt>
            <dd>
              <T>{log.review.previousTitle || workshop.previousId || ''}</T>
            </dd>
          </div>
        )}
      </dl>

      <section className="log-section">
        <H level={level}>Participants</H>
        {workshop.participants.length ? (
          <ul className="log-participants">
            {workshop.participants.map((p, i) => (
              <li key={i}>
                <T>{p.name}</T> <span className="muted">({p.role})</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No one has joined yet.</p>
        )}
      </section>

      <section className="log-section">
        <H level={level}>Stage timings</H>
        <table className="log-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Stage</th>
              <th scope="col" className="dl-num">Planned + added (min)</th>
              <th scope="col" className="dl-num">Actual (min)</th>
            </tr>
          </thead>
          <tbody>
            {log.stages.map((s, i) => (
              <tr key={s.key}>
                <td>{i + 1}</td>
                <th scope="row">{s.title}</th>
                <td className="dl-num">{plannedText(s)}</td>
                <td className="dl-num">{formatNumber(s.actualMinutes)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td />
              <th scope="row">Total</th>
              <td className="dl-num">{totalPlannedText(log.stages)}</td>
              <td className="dl-num">{formatNumber(Math.round(actual * 10) / 10)}</td>
            </tr>
          </tfoot>
        </table>
      </section>

      {log.review && <ReviewSection review={log.review} level={level} />}

      {log.scenarios && <GrowthSection log={log} level={level} />}

      <section className="log-section">
        <H level={level}>Decisions</H>
        {log.decisions.length === 0 ? (
          <p className="muted">No decisions yet: the top initiatives appear here once the room has ranked them.</p>
        ) : (
          <>
            <div className="log-scroll" role="region" aria-label="Decisions table" tabIndex={0}>
              <table className="log-table decisions-table">
                <thead>
                  <tr>
                    {['Rank', 'Initiative', 'ROI', 'Urgency', 'Approach', 'Phase', 'DRI', 'Metrics'].map((h) => (
                      <th key={h} scope="col" className={h === 'Rank' || h === 'ROI' || h === 'Urgency' ? 'dl-num' : undefined}>
                        {h}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {log.decisions.map((d) => (
                    <tr key={d.rank}>
                      <td className="dl-num">{d.rank}</td>
                      <th scope="row">
                        <T>{d.initiative || 'Untitled initiative'}</T>
                      </th>
                      <td className="dl-num">{orDash(formatNumber(d.roi))}</td>
                      <td className="dl-num">{orDash(formatNumber(d.urgency))}</td>
                      <td>{orDash(approachTitle(d.approach))}</td>
                      <td>{orDash(phaseTitle(d.phase))}</td>
                      <td>{d.dri ? <T className="dl-name">{d.dri}</T> : DASH}</td>
                      <MetricsCell metrics={d.metrics} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {log.decisions.map((d) => {
              const bottlenecks = bottlenecksById(log.bottlenecks, d.bottleneckIds);
              return (
                <article key={d.rank} className="log-decision">
                  <H level={sub}>
                    {d.rank}. <T>{d.initiative || 'Untitled initiative'}</T>
                  </H>
                  <dl>
                    <dt>Dimensions</dt>
                    <dd>{orDash(dimensionsOf(bottlenecks).join(', '))}</dd>
                    <dt>Bottlenecks</dt>
                    <dd>
                      {bottlenecks.length ? (
                        <ul>
                          {bottlenecks.map((b) => (
                            <BottleneckItem key={b.id} b={b} />
                          ))}
                        </ul>
                      ) : (
                        'none linked'
                      )}
                    </dd>
                    <dt>ROI / urgency</dt>
                    <dd>
                      {d.roi === null && d.urgency === null
                        ? 'not revealed'
                        : `${orDash(formatNumber(d.roi))} / ${orDash(formatNumber(d.urgency))} (means of revealed scores, 1–5)`}
                    </dd>
                    <dt>Approach</dt>
                    <dd>{d.approach ? `${approachTitle(d.approach)}: ${approachCriterion(d.approach)}` : <span className="dl-flag">not decided</span>}</dd>
                    <dt>Rationale</dt>
                    <dd>{d.rationale.trim() ? <T>{d.rationale}</T> : <span className="dl-flag">missing</span>}</dd>
                    <dt>Phase</dt>
                    <dd>{d.phase ? phaseTitle(d.phase) : <span className="dl-flag">not set</span>}</dd>
                    <dt>Metrics</dt>
                    <dd>
                      {d.metrics.length ? (
                        <ul>
                          {d.metrics.map((m, i) => (
                            <li key={i}>
                              <T>{metricLine(m)}</T>
                            </li>
                          ))}
                        </ul>
                      ) : (
                        <span className="dl-flag">none yet</span>
                      )}
                    </dd>
                    <dt>DRI</dt>
                    <dd>{d.dri ? <T>{d.dri}</T> : <span className="dl-flag">not assigned</span>}</dd>
                    {d.forecastUrgency !== undefined && (
                      <>
                        <dt>Forecast urgency</dt>
                        <dd>
                          {d.forecastUrgency === null
                            ? 'no forecast'
                            : `${d.forecastUrgency}/5 (${d.earliestBreakMonths === null || d.earliestBreakMonths === undefined ? 'nothing breaks within 3 years' : `first bottleneck ${monthsText(d.earliestBreakMonths)}`}, realistic)`}
                        </dd>
                      </>
                    )}
                  </dl>
                </article>
              );
            })}
          </>
        )}
      </section>

      {log.roadmap && <RoadmapSections log={log} level={level} />}

      <section className="log-section">
        <H level={level}>Parking lot</H>
        <p className="muted">Bottlenecks that no decision addresses.</p>
        {parked.length ? (
          <ul className="log-parking">
            {parked.map((b) => (
              <BottleneckItem key={b.id} b={b} />
            ))}
          </ul>
        ) : (
          <p className="muted">None: every bottleneck is addressed.</p>
        )}
      </section>

      <section className="log-section">
        <H level={level}>Ship-It checklist</H>
        <ul className="log-checklist">
          {log.checklist.map((c) => (
            <li key={c.key} className={c.done ? 'done' : 'open'}>
              <span aria-hidden="true">{c.done ? '☑' : '☐'}</span> {c.label}
              <span className="visually-hidden">{c.done ? ' (done)' : ' (not done)'}</span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

/** Growth scenarios (SPEC 7): the models as a table, then the chart of what they mean for the thresholds. */
/** A follow-up's Review of the previous decisions (SPEC 8): the same table as the Markdown's. */
function ReviewSection({ review, level }: { review: NonNullable<DecisionLog['review']>; level: 2 | 3 }) {
  return (
    <section className="log-section">
      <H level={level}>Review of the previous workshop</H>
      {review.decisions.length === 0 ? (
        <p className="muted">The previous workshop had no decisions.</p>
      ) : (
        <div className="log-scroll" role="region" aria-label="Review table" tabIndex={0}>
          <table className="log-table">
            <thead>
              <tr>
                {['Rank', 'Initiative', 'Phase', 'DRI', 'Status', 'Comment', 'Metrics'].map((h) => (
                  <th key={h} scope="col" className={h === 'Rank' ? 'dl-num' : undefined}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {review.decisions.map((d) => (
                <tr key={d.rank}>
                  <td className="dl-num">{d.rank}</td>
                  <th scope="row">
                    <T>{d.initiative || 'Untitled initiative'}</T>
                    {d.carriedOver && <span className="muted"> (carried over)</span>}
                  </th>
                  <td>{orDash(phaseTitle(d.phase))}</td>
                  <td>{d.dri ? <T className="dl-name">{d.dri}</T> : DASH}</td>
                  <td>{orDash(reviewStatusText(d.status))}</td>
                  <td>{d.comment.trim() ? <T>{d.comment}</T> : DASH}</td>
                  <MetricsCell metrics={d.metrics} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function GrowthSection({ log, level }: { log: DecisionLog; level: 2 | 3 }) {
  const scenarios = log.scenarios ?? [];
  const thresholds: ChartThreshold[] = log.bottlenecks
    .filter((b) => b.threshold && b.threshold.value !== null)
    .map((b) => ({
      note: { id: b.id, text: b.text },
      kind: b.threshold!.kind,
      value: b.threshold!.value as number,
      forecast: b.forecast ? { ok: true as const, months: b.forecast } : { ok: false as const, reason: 'no-model' as const, text: 'No forecast (no model for its kind, or another unit).' },
    }));
  return (
    <section className="log-section">
      <H level={level}>Growth scenarios</H>
      {scenarios.length === 0 ? (
        <p className="muted">No growth model yet.</p>
      ) : (
        <>
          <div className="log-scroll" role="region" aria-label="Growth scenarios table" tabIndex={0}>
            <table className="log-table">
              <thead>
                <tr>
                  {['Kind', 'Current', 'Unit', 'Conservative', 'Realistic', 'Optimistic'].map((h) => (
                    <th key={h} scope="col">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {scenarios.map((m) => (
                  <tr key={m.kind}>
                    <th scope="row">{thresholdKindTitle(m.kind)}</th>
                    <td className="dl-num">{orDash(formatNumber(m.current))}</td>
                    <td>
                      <T>{orDash(m.unit)}</T>
                    </td>
                    {(['conservative', 'realistic', 'optimistic'] as const).map((k) => (
                      <td key={k} className="dl-num">
                        {m.growth[k] === null ? DASH : `${m.growth[k]} %/month`}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <GrowthChart models={scenarios.map((m) => ({ kind: m.kind, current: m.current, unit: m.unit, growth: m.growth }))} thresholds={thresholds} />
        </>
      )}
    </section>
  );
}

/** Roadmap (Now / Next / Later, milestones, warnings) and Deferred (SPEC 7). */
function RoadmapSections({ log, level }: { log: DecisionLog; level: 2 | 3 }) {
  const roadmap = log.roadmap!;
  const sub = (level + 1) as Level;
  const byRank = new Map(log.decisions.map((d) => [d.rank, d]));
  const textOf = new Map(log.bottlenecks.map((b) => [b.id, b.text]));
  return (
    <>
      <section className="log-section">
        <H level={level}>Roadmap</H>
        <div className="log-roadmap">
          {(['now', 'next', 'later'] as const).map((phase) => (
            <div key={phase}>
              <H level={sub}>{phaseTitle(phase)}</H>
              {roadmap[phase].length ? (
                <ul>
                  {roadmap[phase].map((rank) => {
                    const d = byRank.get(rank);
                    const metric = d?.metrics.find((m) => m.name.trim());
                    return (
                      <li key={rank}>
                        #{rank} <T>{d?.initiative || 'Untitled initiative'}</T>: DRI {d?.dri ? <T className="dl-name">{d.dri}</T> : 'not assigned'}
                        {metric ? (
                          <>
                            ; <T>{metricLine(metric)}</T>
                          </>
                        ) : (
                          '; no metric yet'
                        )}
                      </li>
                    );
                  })}
                </ul>
              ) : (
                <p className="muted">Nothing in this phase.</p>
              )}
            </div>
          ))}
        </div>
        <H level={sub}>Growth milestones</H>
        {roadmap.milestones.length ? (
          <ul>
            {roadmap.milestones.map((m, i) => (
              <li key={i}>
                {thresholdKindTitle(m.kind)} {m.multiple}× today, {m.scenario}: {m.months === null ? 'not with this growth' : `in ${m.months} months`}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No traffic model: no milestones.</p>
        )}
        <H level={sub}>Warnings</H>
        {roadmap.warnings.length ? (
          <ul>
            {roadmap.warnings.map((w, i) => (
              <li key={i} className="dl-flag">
                <T>{textOf.get(w.bottleneckId) ?? w.bottleneckId}</T> (#{w.rank}): {w.text}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">None: no bottleneck breaks before the phase that addresses it.</p>
        )}
      </section>
      <section className="log-section">
        <H level={level}>Deferred</H>
        <p className="muted">Initiatives outside the top N: what the team chose not to do now.</p>
        {roadmap.deferred.length ? (
          <table className="log-table">
            <thead>
              <tr>
                <th scope="col">Initiative</th>
                <th scope="col" className="dl-num">
                  ROI
                </th>
                <th scope="col" className="dl-num">
                  Urgency
                </th>
              </tr>
            </thead>
            <tbody>
              {roadmap.deferred.map((d, i) => (
                <tr key={i}>
                  <th scope="row">
                    <T>{d.initiative || 'Untitled initiative'}</T>
                  </th>
                  <td className="dl-num">{orDash(formatNumber(d.roi))}</td>
                  <td className="dl-num">{orDash(formatNumber(d.urgency))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">Nothing deferred.</p>
        )}
      </section>
    </>
  );
}

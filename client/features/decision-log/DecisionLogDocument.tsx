// The decision log rendered as a document: the same sections as the Markdown export (summary,
// participants, stage timings, decisions as a table and as sections, parking lot, Ship-It
// checklist). Used live in the Decision log panel and on the print page. User text is plain
// React text (never HTML) and carries dir="auto" so right-to-left text reads correctly.
import { createElement, type ReactNode } from 'react';
import type { DecisionLog, LogBottleneck } from '../../../shared/log/types';
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
  templateTitle,
  thresholdLine,
} from '../../../shared/log/format';

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
  const planned = log.stages.reduce((a, s) => a + s.plannedMinutes, 0);
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
              <th scope="col" className="dl-num">Planned (min)</th>
              <th scope="col" className="dl-num">Actual (min)</th>
            </tr>
          </thead>
          <tbody>
            {log.stages.map((s, i) => (
              <tr key={s.key}>
                <td>{i + 1}</td>
                <th scope="row">{s.title}</th>
                <td className="dl-num">{formatNumber(s.plannedMinutes)}</td>
                <td className="dl-num">{formatNumber(s.actualMinutes)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td />
              <th scope="row">Total</th>
              <td className="dl-num">{formatNumber(Math.round(planned * 10) / 10)}</td>
              <td className="dl-num">{formatNumber(Math.round(actual * 10) / 10)}</td>
            </tr>
          </tfoot>
        </table>
      </section>

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
                      <td>
                        {d.metrics.length
                          ? d.metrics.map((m, i) => (
                              <div key={i}>
                                <T>{metricLine(m)}</T>
                              </div>
                            ))
                          : DASH}
                      </td>
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
                  </dl>
                </article>
              );
            })}
          </>
        )}
      </section>

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

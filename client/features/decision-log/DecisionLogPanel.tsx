// The `Decision log` region: the live log, built in the browser from the session's documents by
// the same pure function the server uses, with the exports (downloaded from the API) and the
// print page. The full document renders only when opened, so the main screen stays short and
// board text is not repeated in the page unless asked for.
import { useId, useMemo, useState } from 'react';
import { readBoard } from '../../../shared/schema';
import { decisionLogFrom, readLogControl } from '../../../shared/log/build';
import type { LogFormat } from '../../../shared/log/filename';
import { approachTitle, parkingLot, phaseTitle } from '../../../shared/log/format';
import { useSession } from '../../sync/SessionContext';
import { useDeferredYSnapshot, useYSnapshot } from '../../sync/useYjs';
import { useServerNow } from '../../sync/clock';
import { DecisionLogDocument } from './DecisionLogDocument';
import { downloadDecisionLog, printPageUrl } from './downloads';
import './decision-log.css';

const EXPORTS: { format: LogFormat; label: string }[] = [
  { format: 'md', label: 'Export Markdown' },
  { format: 'csv', label: 'Export CSV' },
  { format: 'json', label: 'Export JSON' },
  // SPEC 8: Epics and Tasks for Jira's CSV importer (and Linear's Jira importer).
  { format: 'jira.csv', label: 'Export for Jira' },
];

/** Actual minutes have one decimal: recompute the log at most every 6 s of server time. */
const STEP_MS = 6_000;

export function DecisionLogPanel() {
  const session = useSession();
  const board = useDeferredYSnapshot(session.board, readBoard);
  const control = useYSnapshot(session.control, readLogControl);
  const now = Math.floor(useServerNow(undefined, STEP_MS) / STEP_MS) * STEP_MS;
  const log = useMemo(
    () => decisionLogFrom({ board, control, workshopId: session.workshopId, now }),
    [board, control, session.workshopId, now],
  );
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState<LogFormat | null>(null);
  const fullId = useId();

  async function exportAs(format: LogFormat, label: string) {
    setBusy(format);
    setStatus(null);
    try {
      const name = await downloadDecisionLog(session.workshopId, session.token, format);
      setStatus({ text: `Downloaded ${name}`, error: false });
    } catch (err) {
      setStatus({ text: `${label} failed: ${(err as Error).message}`, error: true });
    } finally {
      setBusy(null);
    }
  }

  const parked = parkingLot(log.bottlenecks, log.decisions).length;
  const done = log.checklist.filter((c) => c.done).length;
  return (
    <section aria-label="Decision log" className="panel decision-log">
      <div className="log-header">
        <h2>Decision log</h2>
        <div className="log-actions">
          {EXPORTS.map(({ format, label }) => (
            <button key={format} type="button" onClick={() => void exportAs(format, label)} disabled={busy !== null} aria-busy={busy === format}>
              {label}
            </button>
          ))}
          <button type="button" onClick={() => window.open(printPageUrl(session.workshopId, session.token, true), '_blank', 'noopener')}>
            Print decision log
          </button>
        </div>
      </div>
      <p className="log-status" role="status">
        {status && <span className={status.error ? 'error' : undefined}>{status.text}</span>}
      </p>
      <p className="log-counts muted">
        Top {control.settings.topN}: {log.decisions.length} {log.decisions.length === 1 ? 'decision' : 'decisions'} ·{' '}
        {log.bottlenecks.length} {log.bottlenecks.length === 1 ? 'bottleneck' : 'bottlenecks'} · {parked} in the parking lot · Ship-It {done}/{log.checklist.length}
      </p>
      {log.decisions.length > 0 && (
        // Scrolls sideways on its own on a narrow screen instead of widening the page; focusable,
        // so a keyboard can scroll it too.
        <div className="log-scroll" role="region" aria-label="Decisions so far" tabIndex={0}>
          <table className="log-table live-decisions">
            <caption className="visually-hidden">Decisions so far</caption>
            <thead>
              <tr>
                <th scope="col" className="dl-num">Rank</th>
                <th scope="col">Initiative</th>
                <th scope="col">Approach</th>
                <th scope="col">Phase</th>
                <th scope="col">DRI</th>
                <th scope="col" className="dl-num">Metrics</th>
              </tr>
            </thead>
            <tbody>
              {log.decisions.map((d) => (
                <tr key={d.rank}>
                  <td className="dl-num">{d.rank}</td>
                  <th scope="row" dir="auto">
                    {d.initiative || 'Untitled initiative'}
                  </th>
                  <td>{approachTitle(d.approach) || '—'}</td>
                  <td>{phaseTitle(d.phase) || '—'}</td>
                  <td dir="auto">{d.dri ?? '—'}</td>
                  <td className="dl-num">
                    {d.metrics.length}
                    {d.metrics.some((m) => m.offPlan) && <strong> · Off plan</strong>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <button type="button" className="log-toggle" aria-expanded={open} aria-controls={fullId} onClick={() => setOpen((o) => !o)}>
        {open ? 'Hide full log' : 'Show full log'}
      </button>
      <div id={fullId} className="log-full" hidden={!open}>
        {open && <DecisionLogDocument log={log} level={3} />}
      </div>
    </section>
  );
}

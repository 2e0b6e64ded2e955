// The `History` region (SPEC 8), for the facilitator and observers: every accepted change as the
// server recorded it, newest first, filtered by person and stage. Kept live: it asks again when the
// board or the control document changes (a moment later, once the server has stored the entry)
// and every few seconds (scoring happens in private documents this screen does not see). The
// facilitator can `Restore` what an entry deleted and `Roll back to here` (after a confirmation);
// the server applies either as a new change, itself in the history.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { historyStageTitle, type HistoryAnswer, type HistoryEntryView } from '../../../shared/history';
import { useSession } from '../../sync/SessionContext';
import { byData, firstFocusable, refocus } from '../../focus';
import { fetchHistory, postHistoryAction } from './historyApi';
import './history.css';

/** After a change on the board, ask again this much later (the server stores it at the end of its turn). */
const AFTER_CHANGE_MS = 400;
/** How long after an action its entry keeps the keyboard through redraws. */
const KEEP_FOCUS_MS = 3_000;
/** Asked again this often anyway (scores are written in private documents). */
const POLL_MS = 10_000;

const timeOf = (iso: string): string => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function HistoryPanel() {
  const session = useSession();
  const isFacilitator = session.role === 'facilitator';
  const [filters, setFilters] = useState({ person: '', stage: '' });
  const [answer, setAnswer] = useState<HistoryAnswer | null>(null);
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const latest = useRef(0);
  const list = useRef<HTMLOListElement>(null);

  const load = useCallback(async () => {
    const call = ++latest.current;
    try {
      const next = await fetchHistory(session, filters);
      if (call === latest.current) setAnswer(next);
    } catch (err) {
      if (call === latest.current) setStatus({ text: (err as Error).message, error: true });
    }
  }, [session, filters]);

  useEffect(() => {
    void load();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const soon = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void load(), AFTER_CHANGE_MS);
    };
    session.board.on('update', soon);
    session.control.on('update', soon);
    const poll = setInterval(() => void load(), POLL_MS);
    return () => {
      if (timer) clearTimeout(timer);
      clearInterval(poll);
      session.board.off('update', soon);
      session.control.off('update', soon);
    };
  }, [session, load]);

  const entryControl = (id: number) => firstFocusable(byData('data-entry', String(id), list.current ?? document)) ?? list.current;
  // After every render while an action's entry keeps the keyboard: if focus fell to the page (the
  // control it was on went), it goes back to the entry; once it is anywhere else, the entry lets go.
  const keepFocusOn = useRef<{ id: number; until: number } | null>(null);
  useLayoutEffect(() => {
    const keep = keepFocusOn.current;
    if (!keep) return;
    const active = document.activeElement;
    const fell = !active || active === document.body || !active.isConnected;
    const onEntry = !fell && !!byData('data-entry', String(keep.id), list.current ?? document)?.contains(active);
    if (performance.now() > keep.until || (!fell && !onEntry)) keepFocusOn.current = null;
    else if (fell) entryControl(keep.id)?.focus();
  });

  async function act(action: 'restore' | 'rollback', entry: HistoryEntryView) {
    setBusy(true);
    setStatus(null);
    try {
      await postHistoryAction(session, action, entry.id);
      setStatus({ text: action === 'restore' ? `Restored what #${entry.id} deleted.` : `Rolled the board back to how it was after #${entry.id}.`, error: false });
      setConfirming(null);
      await load();
    } catch (err) {
      setStatus({ text: (err as Error).message, error: true });
    } finally {
      // The button pressed was disabled meanwhile (Roll back's confirmation is gone): keep the keyboard on this entry,
      // through the renders that follow (a reload the change itself set off can redraw the entry's buttons again).
      keepFocusOn.current = { id: entry.id, until: performance.now() + KEEP_FOCUS_MS };
      setBusy(false);
      refocus(() => entryControl(entry.id));
    }
  }


  const entries = answer?.entries ?? [];
  return (
    <section aria-label="History" className="panel history">
      <h2>History</h2>
      <div className="history-filters">
        <label>
          Person
          <select value={filters.person} onChange={(e) => setFilters((f) => ({ ...f, person: e.target.value }))}>
            <option value="">Everyone</option>
            {answer?.people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.role})
              </option>
            ))}
          </select>
        </label>
        <label>
          Stage
          <select value={filters.stage} onChange={(e) => setFilters((f) => ({ ...f, stage: e.target.value }))}>
            <option value="">All stages</option>
            {answer?.stages.map((key) => (
              <option key={key} value={key}>
                {historyStageTitle(key)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p role="status" className={`history-status${status?.error ? ' error' : ''}`}>
        {status?.text}
      </p>
      {answer && !entries.length && <p>No changes {filters.person || filters.stage ? 'match these filters' : 'yet'}.</p>}
      {/* It scrolls: focusable (tabIndex 0) so a keyboard can scroll it where it holds no buttons (an observer). */}
      <ol ref={list} className="history-list" aria-label="Changes, newest first" tabIndex={0}>
        {entries.map((e) => (
          <li key={e.id} data-entry={e.id}>
            <span className="history-meta">
              #{e.id} · <time dateTime={e.at}>{timeOf(e.at)}</time> · {historyStageTitle(e.stage)}
            </span>
            <span className="history-text">{e.text}</span>
            {isFacilitator && (
              <div className="history-actions">
                {e.restorable && (
                  <button type="button" disabled={busy} onClick={() => void act('restore', e)}>
                    Restore
                  </button>
                )}
                {/* The board is as it was after the newest entry: nothing to roll back to. */}
                {e.id !== answer?.latest && (
                  <button type="button" disabled={busy} aria-expanded={confirming === e.id} onClick={() => setConfirming(confirming === e.id ? null : e.id)}>
                    Roll back to here
                  </button>
                )}
              </div>
            )}
            {isFacilitator && confirming === e.id && (
              <div role="group" aria-label={`Confirm roll back to #${e.id}`} className="history-confirm">
                <p>
                  Put the board back as it was right after #{e.id}? Every later change to notes, impacts, initiatives, decisions and
                  metrics is undone as one new change, which you can roll back in turn.
                </p>
                <button type="button" className="destructive" disabled={busy} onClick={() => void act('rollback', e)}>
                  Roll back
                </button>{' '}
                <button type="button" disabled={busy} onClick={() => setConfirming(null)}>
                  Cancel
                </button>
              </div>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

// The print page, /w/<id>/print#token=…: the decision log from the API (the same JSON every
// export is rendered from), laid out for paper. The browser's "Save as PDF" gives a clean
// document on A4 or Letter; the paper size can be forced for printers that ignore the dialog.
import { useEffect, useState } from 'react';
import type { DecisionLog } from '../../../shared/log/types';
import { DecisionLogDocument } from './DecisionLogDocument';
import { NO_TOKEN_MESSAGE, fetchWithToken } from '../../api';
import { ErrorScreen } from '../../workshop/ErrorScreen';
import './decision-log.css';

const PAPER = { auto: '', a4: 'A4', letter: 'letter' } as const;
type Paper = keyof typeof PAPER;

async function fetchLog(workshopId: string, token: string): Promise<DecisionLog> {
  return (await fetchWithToken(workshopId, 'decision-log.json', token)).json() as Promise<DecisionLog>;
}

export function PrintPage({ workshopId, token, autoPrint }: { workshopId: string; token: string | null; autoPrint: boolean }) {
  const [log, setLog] = useState<DecisionLog | null>(null);
  const [error, setError] = useState<string | null>(token ? null : NO_TOKEN_MESSAGE);
  const [paper, setPaper] = useState<Paper>('auto');

  useEffect(() => {
    if (!token) return;
    fetchLog(workshopId, token).then(setLog, (err: Error) => setError(err.message));
  }, [workshopId, token]);

  useEffect(() => {
    if (!log) return;
    document.title = `Decision log: ${log.workshop.title}`;
    if (!autoPrint) return;
    // Let the browser lay the page out before it opens the print dialog.
    const id = requestAnimationFrame(() => setTimeout(() => window.print(), 0));
    return () => cancelAnimationFrame(id);
  }, [log, autoPrint]);

  // The forced paper size as a constructed stylesheet: the CSP (server/securityHeaders.ts) refuses
  // inline <style> elements, but not style sheets built through the CSSOM.
  useEffect(() => {
    if (!PAPER[paper]) return;
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(`@page { size: ${PAPER[paper]}; }`);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    return () => {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
    };
  }, [paper]);

  if (error) return <ErrorScreen message={error} />;
  if (!log) return <main className="landing" aria-busy="true">Loading the decision log…</main>;
  return (
    <main className="print-page">
      <div className="print-toolbar no-print">
        <label className="inline-label">
          Paper size
          <select value={paper} onChange={(e) => setPaper(e.target.value as Paper)}>
            <option value="auto">As chosen when printing</option>
            <option value="a4">A4</option>
            <option value="letter">Letter</option>
          </select>
        </label>
        <button type="button" className="primary" onClick={() => window.print()}>
          Print
        </button>
      </div>
      <article className="print-log">
        <DecisionLogDocument log={log} level={2} showTitle />
        <footer className="print-footer">Scaleboard decision log · {log.schema} · workshop {log.workshop.id}</footer>
      </article>
    </main>
  );
}

// The forecast line under a note's threshold (SPEC 7): when it breaks under the growth scenarios,
// with the calendar month, or why it cannot be forecast. Re-renders only when its own line changes.
import type * as Y from 'yjs';
import { useYSelect } from '../../sync/useYjs';
import { serverClock } from '../../sync/clock';
import { forecastLine, readForecasts } from './forecasts';
import './plan.css';

export function NoteForecast({ board, noteId }: { board: Y.Doc; noteId: string }) {
  const line = useYSelect(board, readForecasts, (m) => forecastLine(m.get(noteId), serverClock.now()));
  if (!line) return null;
  return <p className="note-forecast">Forecast: {line}</p>;
}

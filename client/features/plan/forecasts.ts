// Forecasts of the board's bottlenecks as views read them: one computation per board change,
// shared by every note (see useYSelect), and a note's line of it as a plain string.
import { useMemo } from 'react';
import type * as Y from 'yjs';
import { readBoard, type Initiative } from '../../../shared/schema';
import { breakMonth, describeForecast, forecastThreshold, initiativeForecast, type Forecast } from '../../../shared/forecast';
import { useYSnapshot } from '../../sync/useYjs';

/** Forecast per note id, for the notes that have a threshold. */
export function readForecasts(doc: Y.Doc): Map<string, Forecast> {
  const board = readBoard(doc);
  const models = new Map(board.scenarios.map((m) => [m.kind, m]));
  const out = new Map<string, Forecast>();
  for (const n of board.notes) if (n.threshold) out.set(n.id, forecastThreshold(n.threshold, models));
  return out;
}

/** "breaks in ~5 months (Apr 2027); 3–9 across scenarios", or why there is no forecast; '' without a threshold. */
export function forecastLine(f: Forecast | undefined, now: number): string {
  if (!f) return '';
  const text = describeForecast(f);
  const m = f.ok ? f.months.realistic : null;
  if (m === null || m === 0) return text;
  return text.replace(/^(breaks in ~\d+ months)/, `$1 (${breakMonth(m, now)})`);
}

/** Realistic months until the note breaks, for ordering (Infinity when it does not, or cannot be told). */
export const soonestBreak = (f: Forecast | undefined): number => (f?.ok && f.months.realistic !== null ? f.months.realistic : Infinity);

/** Forecast urgency (1–5, or null) per initiative, from its bottlenecks' forecasts. */
export function useForecastUrgency(board: Y.Doc, initiatives: readonly Initiative[]): Map<string, number | null> {
  const forecasts = useYSnapshot(board, readForecasts);
  return useMemo(
    () =>
      new Map(
        initiatives.map((i) => [
          i.id,
          initiativeForecast(i.bottleneckIds.map((id) => forecasts.get(id)).filter((f): f is Forecast => !!f)).forecastUrgency,
        ]),
      ),
    [forecasts, initiatives],
  );
}

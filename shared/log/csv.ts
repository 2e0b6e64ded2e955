// The decision log as CSV for trackers and spreadsheets: one row per decision and metric (a
// decision without metrics still gets one row). RFC 4180 quoting and CRLF by csv-stringify,
// UTF-8 with a BOM so spreadsheets detect the encoding, and no cell a spreadsheet would run.
import { stringify } from 'csv-stringify/sync';
import type { DecisionLog, LogMetric } from './types.js';
import { approachTitle, bottlenecksById, dimensionsOf, phaseTitle, reviewStatusText } from './format.js';

export const CSV_COLUMNS = [
  'Rank',
  'Initiative',
  'Approach',
  'Rationale',
  'Phase',
  'DRI',
  'Metric',
  'Baseline',
  'Target',
  'Due',
  'Bottlenecks',
  'Dimensions',
  'ROI',
  'Urgency',
  'Breaks in (months)',
  'Forecast urgency',
  'Latest check-in',
  'Off plan',
] as const;

/** A follow-up's CSV has three more columns, and a row per previous decision and metric it reviewed (SPEC 8). */
export const CSV_REVIEW_COLUMNS = ['Previous workshop', 'Status', 'Comment'] as const;

// Spreadsheets treat a cell starting with these as a formula (the full-width forms too, in some
// locales). A leading apostrophe makes it text and is not shown by Excel, LibreOffice or Sheets.
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** `30 on 2025-04-15`, or '' without check-ins (SPEC 8). */
const latestCheckIn = (m: LogMetric | null): string => {
  const c = m?.checkIns?.at(-1);
  return c ? `${c.value} on ${c.at}` : '';
};

export function toCsv(log: DecisionLog): string {
  const rows: (string | number)[][] = [];
  for (const d of log.decisions) {
    const bottlenecks = bottlenecksById(log.bottlenecks, d.bottleneckIds);
    const base = {
      rank: d.rank,
      initiative: d.initiative,
      approach: approachTitle(d.approach),
      rationale: d.rationale,
      phase: phaseTitle(d.phase),
      dri: d.dri ?? '',
      bottlenecks: bottlenecks.map((b) => b.text).join('; '),
      dimensions: dimensionsOf(bottlenecks).join('; '),
    };
    const metrics = d.metrics.length ? d.metrics : [null];
    for (const m of metrics) {
      rows.push([
        base.rank,
        base.initiative,
        base.approach,
        base.rationale,
        base.phase,
        base.dri,
        m?.name ?? '',
        m?.baseline ?? '',
        m?.target ?? '',
        m?.due ?? '',
        base.bottlenecks,
        base.dimensions,
        d.roi ?? '',
        d.urgency ?? '',
        d.earliestBreakMonths ?? '',
        d.forecastUrgency ?? '',
        latestCheckIn(m),
        m?.offPlan ? 'Off plan' : '',
      ]);
    }
  }
  const { review } = log;
  if (review) {
    for (const row of rows) row.push('', '', '');
    for (const d of review.decisions) {
      for (const m of d.metrics.length ? d.metrics : [null]) {
        rows.push([
          d.rank,
          d.initiative,
          approachTitle(d.approach),
          '',
          phaseTitle(d.phase),
          d.dri ?? '',
          m?.name ?? '',
          m?.baseline ?? '',
          m?.target ?? '',
          m?.due ?? '',
          '',
          '',
          '',
          '',
          '',
          '',
          latestCheckIn(m),
          m?.offPlan ? 'Off plan' : '',
          review.previousTitle || log.workshop.previousId || '',
          reviewStatusText(d.status),
          d.comment,
        ]);
      }
    }
  }
  return stringify(
    rows.map((r) => r.map((c) => (typeof c === 'string' ? neutraliseCell(c) : c))),
    {
      bom: true,
      header: true,
      columns: review ? [...CSV_COLUMNS, ...CSV_REVIEW_COLUMNS] : [...CSV_COLUMNS],
      record_delimiter: 'windows',
      // RFC 4180: a field holding a line break is quoted (csv-stringify only quotes the record delimiter).
      quoted_match: /[\r\n]/,
    },
  );
}

// The decision log as a tracker import (SPEC 8): one Epic per decision and one Task per metric,
// the Task's Parent being its Epic's Issue ID, in the columns Jira's CSV importer maps by name
// (Linear imports the same file through its Jira importer). Epics come before their Tasks, as
// Jira resolves a Parent only to a row it has already read. Same CSV conventions as toCsv: BOM,
// CRLF, RFC 4180 quoting, and no cell a spreadsheet would run.
import { stringify } from 'csv-stringify/sync';
import type { DecisionLog, LogDecision, LogMetric } from './types.js';
import { neutraliseCell } from './csv.js';
import { approachTitle, bottlenecksById, formatNumber, metricLine, phaseTitle } from './format.js';

export const JIRA_COLUMNS = ['Issue ID', 'Issue Type', 'Summary', 'Description', 'Assignee', 'Due date', 'Labels', 'Priority', 'Parent'] as const;

/** Jira's default priorities, from rank: 1 Highest, 2 High, 3 Medium, 4 Low, 5 and below Lowest. */
const PRIORITIES = ['Highest', 'High', 'Medium', 'Low', 'Lowest'] as const;
export const priorityOfRank = (rank: number): string => PRIORITIES[Math.min(Math.max(rank, 1), PRIORITIES.length) - 1]!;

/** A `YYYY-MM-DD` due date, or '' (free text a date importer would reject stays in the Description). */
const dueDate = (due: string): string => (/^\d{4}-\d{2}-\d{2}$/.test(due.trim()) ? due.trim() : '');

/** Jira labels hold no spaces; several in one cell are separated by a space. */
function labels(d: LogDecision, m: LogMetric | null): string {
  const out = ['scaleboard'];
  if (d.approach) out.push(d.approach);
  if (d.phase) out.push(`phase-${d.phase}`);
  if (m?.observability) out.push('observability');
  return out.join(' ');
}

function epicDescription(log: DecisionLog, d: LogDecision): string {
  const lines = [`Decision #${d.rank} of the workshop "${log.workshop.title}" (${log.workshop.createdAt.slice(0, 10)}).`];
  if (d.approach) lines.push(`Approach: ${approachTitle(d.approach)}${d.rationale.trim() ? `: ${d.rationale}` : ''}`);
  else if (d.rationale.trim()) lines.push(`Rationale: ${d.rationale}`);
  if (d.phase) lines.push(`Phase: ${phaseTitle(d.phase)}`);
  if (d.roi !== null || d.urgency !== null) lines.push(`ROI ${formatNumber(d.roi) || '—'}, Urgency ${formatNumber(d.urgency) || '—'}`);
  const bottlenecks = bottlenecksById(log.bottlenecks, d.bottleneckIds);
  if (bottlenecks.length) lines.push('Bottlenecks:', ...bottlenecks.map((b) => `- ${b.text}`));
  return lines.join('\n');
}

const latestDue = (metrics: LogMetric[]): string => metrics.map((m) => dueDate(m.due)).filter(Boolean).sort().at(-1) ?? '';

export function toJiraCsv(log: DecisionLog): string {
  const rows: string[][] = [];
  let nextId = 1;
  for (const d of log.decisions) {
    const epicId = String(nextId++);
    const priority = priorityOfRank(d.rank);
    const assignee = d.dri ?? '';
    rows.push([epicId, 'Epic', d.initiative.trim() || 'Untitled initiative', epicDescription(log, d), assignee, latestDue(d.metrics), labels(d, null), priority, '']);
    for (const m of d.metrics) {
      rows.push([
        String(nextId++),
        'Task',
        m.name.trim() || 'Metric',
        `Metric of "${d.initiative.trim() || 'Untitled initiative'}": ${metricLine(m)}`,
        assignee,
        dueDate(m.due),
        labels(d, m),
        priority,
        epicId,
      ]);
    }
  }
  return stringify(
    rows.map((r) => r.map(neutraliseCell)),
    {
      bom: true,
      header: true,
      columns: [...JIRA_COLUMNS],
      record_delimiter: 'windows',
      quoted_match: /[\r\n]/,
    },
  );
}

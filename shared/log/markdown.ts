// The decision log as Markdown (GitHub-flavoured), readable as is and safe to paste into a wiki.
// Every piece of user text goes through one of three escapers (cell, inline, heading), so pipes,
// backticks, HTML, emphasis, links and line-leading block markers (#, >, -, +, 1.) stay text.
import type { DecisionLog, LogBottleneck, LogForecast } from './types.js';
import { historyStageTitle as stageTitleOf } from '../history.js';
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
} from './format.js';

// C0 controls (but tab and newline), DEL, and bidi embedding/override controls, which could
// visually reorder the rest of a line. Right-to-left text itself needs none of them.
const UNSAFE_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E]/g;

/** Non-empty, trimmed lines of user text. */
function linesOf(text: string): string[] {
  return text
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
    .replace(UNSAFE_CHARS, '')
    .replace(/\t/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Escapes one line of user text for any Markdown context. */
function escapeLine(line: string): string {
  return line
    .replace(/[\\`*_[\]|~]/g, '\\$&')
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/^([#>+\-=])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** User text for a table cell or a one-line context: lines joined by <br>. */
export function mdCell(text: string): string {
  return linesOf(text).map(escapeLine).join('<br>');
}

/** User text inside a list item whose continuation lines are indented by `indent`. */
export function mdInline(text: string, indent: string): string {
  return linesOf(text).map(escapeLine).join(`\\\n${indent}`);
}

/** User text in a heading: one line, and no `#` that could close or open one. */
export function mdHeading(text: string): string {
  return linesOf(text)
    .map(escapeLine)
    .join(' ')
    .replace(/(?<!\\)#/g, '\\#');
}

const or = (s: string, fallback: string) => (s === '' ? fallback : s);
const DASH = '—';

function table(head: string[], align: ('l' | 'r')[], rows: string[][]): string[] {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(line)];
}

/** A bottleneck as a list item at `indent`, with its threshold and impacts as sub-items. */
function bottleneckItem(b: LogBottleneck, indent: string): string[] {
  const sub = indent + '  ';
  const out = [`${indent}- ${mdInline(b.text, sub)} _(${laneTitle(b.dimension)})_`];
  if (b.threshold) out.push(`${sub}- Threshold: ${mdInline(thresholdLine(b.threshold), sub + '  ')}`);
  if (b.forecast) out.push(`${sub}- Forecast: ${forecastLine(b.forecast)}`);
  if (b.impacts.length === 0) out.push(`${sub}- Impact: not mapped`);
  for (const i of b.impacts) {
    const evidence = i.evidence.trim() ? `: ${mdInline(i.evidence, sub + '  ')}` : '';
    out.push(`${sub}- Impact: ${impactTitle(i.category)}, magnitude ${i.magnitude}/5${evidence}`);
  }
  return out;
}

export function toMarkdown(log: DecisionLog): string {
  const { workshop } = log;
  const title = or(mdHeading(workshop.title), 'Untitled workshop');
  const out: string[] = [];
  const section = (heading: string, ...lines: string[]) => out.push('', `## ${heading}`, '', ...lines);

  out.push(
    `# Decision log: ${title}`,
    '',
    `- **Date:** ${isoDate(workshop.createdAt)}`,
    `- **Template:** ${templateTitle(workshop.template)}`,
    `- **Exported:** ${isoDateTime(workshop.exportedAt)}`,
    `- **Workshop id:** \`${workshop.id.replace(/`/g, '')}\``,
  );
  if (workshop.previousId) out.push(`- **Follows up:** \`${workshop.previousId.replace(/`/g, '')}\``);

  section(
    'Participants',
    ...(workshop.participants.length
      ? workshop.participants.map((p) => `- ${mdInline(p.name, '  ')} (${p.role})`)
      : ['_No one has joined yet._']),
  );

  const actual = log.stages.reduce((a, s) => a + s.actualMinutes, 0);
  section(
    'Stage timings',
    ...table(
      ['#', 'Stage', 'Planned + added (min)', 'Actual (min)'],
      ['r', 'l', 'r', 'r'],
      [
        ...log.stages.map((s, i) => [String(i + 1), mdCell(s.title), plannedText(s), formatNumber(s.actualMinutes)]),
        ['', '**Total**', `**${totalPlannedText(log.stages)}**`, `**${formatNumber(round1(actual))}**`],
      ],
    ),
  );

  const { review } = log;
  if (review) {
    section(
      'Review of the previous workshop',
      `Follows up ${or(mdCell(review.previousTitle), 'the previous workshop')}. Review: ${formatNumber(review.plannedMinutes)} min planned, ${formatNumber(review.actualMinutes)} min actual.`,
      '',
      ...(review.decisions.length
        ? table(
            ['Rank', 'Initiative', 'Phase', 'DRI', 'Status', 'Comment', 'Metrics'],
            ['r', 'l', 'l', 'l', 'l', 'l', 'l'],
            review.decisions.map((d) => [
              String(d.rank),
              or(mdCell(d.initiative), '_Untitled initiative_') + (d.carriedOver ? ' (carried over)' : ''),
              or(phaseTitle(d.phase), DASH),
              or(mdCell(d.dri ?? ''), DASH),
              or(reviewStatusText(d.status), DASH),
              or(mdCell(d.comment), DASH),
              or(d.metrics.map((m) => mdCell(metricLine(m))).join('<br>'), DASH),
            ]),
          )
        : ['_The previous workshop had no decisions._']),
    );
  }

  const scenarios = log.scenarios ?? [];
  if (log.scenarios) {
    section(
      'Growth scenarios',
      ...(scenarios.length
        ? table(
            ['Kind', 'Current', 'Unit', 'Conservative (%/month)', 'Realistic (%/month)', 'Optimistic (%/month)'],
            ['l', 'r', 'l', 'r', 'r', 'r'],
            scenarios.map((m) => [
              thresholdKindTitle(m.kind),
              or(formatNumber(m.current), DASH),
              or(mdCell(m.unit), DASH),
              or(formatNumber(m.growth.conservative), DASH),
              or(formatNumber(m.growth.realistic), DASH),
              or(formatNumber(m.growth.optimistic), DASH),
            ]),
          )
        : ['_No growth model yet._']),
    );
  }

  section('Decisions');
  if (log.decisions.length === 0) out.push('_No decisions yet._');
  else {
    out.push(
      ...table(
        ['Rank', 'Initiative', 'ROI', 'Urgency', 'Approach', 'Phase', 'DRI', 'Metrics'],
        ['r', 'l', 'r', 'r', 'l', 'l', 'l', 'l'],
        log.decisions.map((d) => [
          String(d.rank),
          or(mdCell(d.initiative), '_Untitled initiative_'),
          or(formatNumber(d.roi), DASH),
          or(formatNumber(d.urgency), DASH),
          or(approachTitle(d.approach), DASH),
          or(phaseTitle(d.phase), DASH),
          or(mdCell(d.dri ?? ''), DASH),
          or(d.metrics.map((m) => mdCell(metricLine(m))).join('<br>'), DASH),
        ]),
      ),
    );
    for (const d of log.decisions) {
      const bottlenecks = bottlenecksById(log.bottlenecks, d.bottleneckIds);
      out.push('', `### ${d.rank}. ${or(mdHeading(d.initiative), 'Untitled initiative')}`, '');
      out.push(
        `- **Dimensions:** ${or(dimensionsOf(bottlenecks).join(', '), DASH)}`,
        `- **Bottlenecks:**${bottlenecks.length ? '' : ' none linked'}`,
        ...bottlenecks.flatMap((b) => bottleneckItem(b, '  ')),
        `- **ROI / urgency:** ${
          d.roi === null && d.urgency === null
            ? 'not revealed'
            : `${or(formatNumber(d.roi), DASH)} / ${or(formatNumber(d.urgency), DASH)} (means of revealed scores, 1–5)`
        }`,
        `- **Approach:** ${d.approach ? `${approachTitle(d.approach)} (${criterionPhrase(d.approach)})` : 'not decided'}`,
        `- **Rationale:** ${or(mdInline(d.rationale, '  '), DASH)}`,
        `- **Phase:** ${or(phaseTitle(d.phase), 'not set')}`,
        `- **Metrics:**${d.metrics.length ? '' : ' none yet'}`,
        ...d.metrics.map((m) => `  - ${mdInline(metricLine(m), '    ')}`),
        `- **DRI:** ${or(mdInline(d.dri ?? '', '  '), 'not assigned')}`,
      );
      if (d.forecastUrgency !== undefined) {
        out.push(
          `- **Forecast urgency:** ${
            d.forecastUrgency === null
              ? 'no forecast'
              : `${d.forecastUrgency}/5 (${earliestText(d.earliestBreakMonths ?? null)}, realistic case)`
          }`,
        );
      }
    }
  }

  if (log.roadmap) {
    const { roadmap } = log;
    const byRank = new Map(log.decisions.map((d) => [d.rank, d]));
    const card = (rank: number) => {
      const d = byRank.get(rank);
      if (!d) return `- #${rank}`;
      const metric = d.metrics.find((m) => m.name.trim());
      const parts = [
        `DRI: ${or(mdInline(d.dri ?? '', '  '), 'not assigned')}`,
        metric ? `metric: ${mdInline(metricLine(metric), '  ')}` : 'no metric yet',
      ];
      return `- **#${d.rank} ${or(mdHeading(d.initiative), 'Untitled initiative')}**: ${parts.join('; ')}`;
    };
    section(
      'Roadmap',
      ...(['now', 'next', 'later'] as const).flatMap((phase) => [
        `### ${phaseTitle(phase)}`,
        '',
        ...(roadmap[phase].length ? roadmap[phase].map(card) : ['_Nothing in this phase._']),
        '',
      ]),
      '### Growth milestones',
      '',
      ...(roadmap.milestones.length
        ? roadmap.milestones.map(
            (m) =>
              `- ${thresholdKindTitle(m.kind)} ${m.multiple}× today, ${m.scenario}: ${m.months === null ? 'not with this growth' : `in ${monthsText(m.months)}`}`,
          )
        : ['_No traffic model: no milestones._']),
      '',
      '### Warnings',
      '',
      ...(roadmap.warnings.length
        ? roadmap.warnings.map((w) => {
            const b = log.bottlenecks.find((x) => x.id === w.bottleneckId);
            return `- ${b ? mdInline(b.text, '  ') : mdCell(w.bottleneckId)} (#${w.rank}): ${mdCell(w.text)}`;
          })
        : ['_None: no bottleneck breaks before the phase that addresses it._']),
    );
    section(
      'Deferred',
      'Initiatives outside the top N: what the team chose not to do now.',
      '',
      ...(roadmap.deferred.length
        ? table(
            ['Initiative', 'ROI', 'Urgency'],
            ['l', 'r', 'r'],
            roadmap.deferred.map((d) => [or(mdCell(d.initiative), '_Untitled initiative_'), or(formatNumber(d.roi), DASH), or(formatNumber(d.urgency), DASH)]),
          )
        : ['_Nothing deferred._']),
    );
  }

  const parked = parkingLot(log.bottlenecks, log.decisions);
  section(
    'Parking lot',
    'Bottlenecks that no decision addresses.',
    '',
    ...(parked.length ? parked.flatMap((b) => bottleneckItem(b, '')) : ['_None: every bottleneck is addressed._']),
  );

  section('Ship-It checklist', ...log.checklist.map((c) => `- [${c.done ? 'x' : ' '}] ${mdCell(c.label)}`));
  if (log.history) {
    section(
      'Appendix: History',
      'Every accepted change, oldest first, as the server recorded it (times in UTC).',
      '',
      ...(log.history.length
        ? log.history.map((h) => `- #${h.id} ${h.at.slice(0, 16).replace('T', ' ')} · ${mdCell(stageTitleOf(h.stage))} · ${mdCell(h.text)}`)
        : ['_No changes recorded._']),
    );
  }
  return out.join('\n') + '\n';
}

/** `core to the moat or competitive advantage` from the criterion sentence. */
const criterionPhrase = (approach: string) => {
  const c = approachCriterion(approach).replace(/\.$/, '');
  return c.charAt(0).toLowerCase() + c.slice(1);
};

const round1 = (x: number) => Math.round(x * 10) / 10;

/** `0 months (breaking now)`, `1 month`, `7.3 months`. */
function monthsText(m: number): string {
  if (m === 0) return '0 months (breaking now)';
  return `${formatNumber(round1(m))} ${m === 1 ? 'month' : 'months'}`;
}

function earliestText(m: number | null): string {
  if (m === null) return 'nothing breaks within 3 years';
  return m === 0 ? 'a bottleneck is breaking now' : `first bottleneck breaks in ${monthsText(m)}`;
}

/** `breaks in 10.2 months (realistic); conservative: not within 3 years; optimistic: 6.1 months`. */
function forecastLine(f: LogForecast): string {
  if (f.conservative === 0 && f.realistic === 0 && f.optimistic === 0) return 'breaking now in every scenario';
  const one = (m: number | null) => (m === null ? 'not within 3 years' : m === 0 ? 'breaking now' : monthsText(m));
  const head = f.realistic === null ? 'not within 3 years (realistic)' : f.realistic === 0 ? 'breaking now' : `breaks in ${monthsText(f.realistic)} (realistic)`;
  return `${head}; conservative: ${one(f.conservative)}; optimistic: ${one(f.optimistic)}`;
}

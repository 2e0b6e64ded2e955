// Golden files of every decision-log format for a realistic workshop with hostile text, plus the
// properties the goldens alone would not make obvious (escaping, neutralising, the v1 schema).
// Regenerate after an intended change with `UPDATE_GOLDEN=1 npx vitest run test/unit/decision-log.golden.test.ts`,
// then review the diff of test/golden/ by eye before committing.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import Ajv from 'ajv';
import { buildDecisionLog } from '../../shared/log/build.js';
import { toJson } from '../../shared/log/json.js';
import { toMarkdown } from '../../shared/log/markdown.js';
import { CSV_COLUMNS, toCsv } from '../../shared/log/csv.js';
import { contentDisposition, exportFileName } from '../../shared/log/filename.js';
import { JIRA_COLUMNS, priorityOfRank, toJiraCsv } from '../../shared/log/jira.js';
import schema from '../../shared/log/decision-log.v1.schema.json';
import { boardMaps, controlMaps } from '../../shared/schema.js';
import { revealScores } from '../../shared/commands/ranking.js';
import { buildFixture, HOSTILE, NOW, SECRET_AUTHOR, WORKSHOP_ID } from './decision-log.fixture.js';

const GOLDEN_DIR = path.resolve(import.meta.dirname, '../golden');
const update = process.env.UPDATE_GOLDEN === '1';

function expectGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN_DIR, name);
  if (update) fs.writeFileSync(file, actual);
  expect(fs.existsSync(file), `${file} missing: run with UPDATE_GOLDEN=1`).toBe(true);
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

const fixtureLog = () => {
  const { board, control } = buildFixture();
  return buildDecisionLog({ board, control, workshopId: WORKSHOP_ID, now: NOW });
};

describe('decision log goldens', () => {
  it('JSON matches the golden file', () => expectGolden('decision-log.json', toJson(fixtureLog())));
  it('Markdown matches the golden file', () => expectGolden('decision-log.md', toMarkdown(fixtureLog())));
  it('CSV matches the golden file', () => expectGolden('decision-log.csv', toCsv(fixtureLog())));
  it('Jira CSV matches the golden file', () => expectGolden('decision-log.jira.csv', toJiraCsv(fixtureLog())));
  it('is deterministic: the same documents and now give the same bytes', () => {
    expect(toJson(fixtureLog())).toBe(toJson(fixtureLog()));
  });
});

describe('the log object', () => {
  const log = fixtureLog();

  it('validates against the v1 JSON schema kept in the repo, and the schema rejects drift', () => {
    const ajv = new Ajv({ strict: true, allErrors: true });
    const validate = ajv.compile(schema);
    expect(validate(JSON.parse(toJson(log))), JSON.stringify(validate.errors)).toBe(true);
    // The schema is strict enough to catch a renamed field or a wrong enum.
    const renamed = JSON.parse(toJson(log));
    renamed.decisions[0].owner = renamed.decisions[0].dri;
    delete renamed.decisions[0].dri;
    expect(validate(renamed)).toBe(false);
    const badEnum = JSON.parse(toJson(log));
    badEnum.bottlenecks[0].dimension = 'organization';
    expect(validate(badEnum)).toBe(false);
  });

  it('keeps validating logs written before the scaling plan was added (v1 only grows)', () => {
    const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);
    const before = JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, 'decision-log.v1-before-plan.json'), 'utf8'));
    expect(before.scenarios).toBeUndefined();
    expect(validate(before), JSON.stringify(validate.errors)).toBe(true);
  });

  it('carries the scaling plan: scenarios, forecasts, forecast urgency and the roadmap (SPEC 7)', () => {
    expect(log.scenarios?.map((s) => s.kind)).toEqual(['traffic', 'data-volume', 'team-size', 'cost']);
    expect(log.scenarios?.[0]).toEqual({ kind: 'traffic', current: 10_000, unit: 'concurrent users', growth: { conservative: 3, realistic: 7, optimistic: 12 } });
    const checkout = log.bottlenecks.find((b) => b.id === 'n-p1')!;
    // 10k -> 20k: ln 2 / ln 1.07 = 10.2 months realistic; ln 2 / ln 1.12 = 6.1 optimistic; 3 %: 23.4.
    expect(checkout.forecast).toEqual({ conservative: 23.4, realistic: 10.2, optimistic: 6.1 });
    expect(log.bottlenecks.find((b) => b.id === 'n-f3')!.forecast).toEqual({ conservative: 0, realistic: 0, optimistic: 0 }); // 2 TB today
    expect(log.bottlenecks.find((b) => b.id === 'n-f2')!.forecast).toBeNull(); // no threshold
    expect(log.decisions.map((d) => [d.rank, d.forecastUrgency, d.earliestBreakMonths])).toEqual([
      [1, null, null],
      [2, 5, 0],
      [3, null, null],
    ]);
    expect(log.roadmap).toMatchObject({ now: [1], next: [2], later: [3] });
    expect(log.roadmap!.deferred.map((d) => d.initiative)).toEqual(['Self-serve onboarding', 'Hiring rubric']);
    expect(log.roadmap!.warnings).toEqual([{ bottleneckId: 'n-f3', rank: 2, text: 'breaks now, its initiative is in Next' }]);
    expect(log.roadmap!.milestones).toHaveLength(4);
  });

  it('carries each metric’s check-ins against the plan and whether it is Off plan (SPEC 8)', () => {
    const [tracing, mttr] = log.decisions[0]!.metrics;
    expect(tracing).toMatchObject({
      checkIns: [
        { value: 24, at: '2025-03-20', offPlan: false },
        { value: 30, at: '2025-04-15', offPlan: true },
      ],
      offPlan: true,
    });
    expect(mttr).toMatchObject({ checkIns: [], offPlan: false });
    // A looser tolerance of the workshop clears the flag.
    const { board, control } = buildFixture();
    controlMaps(control).settings.set('offPlanTolerance', 40);
    expect(buildDecisionLog({ board, control, workshopId: WORKSHOP_ID, now: NOW }).decisions[0]!.metrics[0]!.offPlan).toBe(false);
  });

  it('has the workshop, five stages with planned vs actual minutes, and participants without duplicates', () => {
    expect(log.schema).toBe('scaleboard.decision-log/v1');
    expect(log.workshop).toMatchObject({ id: WORKSHOP_ID, template: 'scaleup', createdAt: '2025-03-14T09:00:00.000Z' });
    expect(log.stages.map((s) => s.key)).toEqual(['bottlenecks', 'impact', 'prioritization', 'build-buy-partner', 'metrics-owners']);
    expect(log.stages.map((s) => s.actualMinutes)).toEqual([22, 18, 26, 20, 4.5]);
    expect(log.workshop.participants).toEqual([
      { name: 'Grace Hopper', role: 'facilitator' },
      { name: 'Linus', role: 'participant' },
      { name: 'نور الهدى', role: 'participant' },
      { name: 'Ada | Board <i>member</i>', role: 'observer' },
    ]);
  });

  it('decisions are the top N in final order (facilitator override first), with means and only real metrics', () => {
    expect(log.decisions.map((d) => [d.rank, d.initiative])).toEqual([
      [1, 'Observability: tracing & SLOs'],
      [2, 'Checkout performance program'],
      [3, '=HYPERLINK("http://evil.example") platform team'],
    ]);
    expect(log.decisions[1]).toMatchObject({ roi: 4.33, urgency: 4.67, approach: 'buy', phase: 'next', dri: 'Linus' });
    expect(log.decisions[2]).toMatchObject({ approach: 'partner', phase: 'later', dri: null, metrics: [] });
    // A deleted bottleneck is not referenced; the empty metric draft is left out.
    expect(log.decisions[1]!.bottleneckIds).toEqual(['n-p1', 'n-f3']);
    expect(log.decisions[1]!.metrics.map((m) => m.name)).toEqual(['=1+1']);
  });

  it('has no decision and no Ship-It item done before the reveal, unless the facilitator ordered by hand', () => {
    const { board, control } = buildFixture();
    controlMaps(control).ranking.delete('order');
    const blind = buildDecisionLog({ board, control, workshopId: WORKSHOP_ID, now: NOW });
    expect(blind.decisions).toEqual([]);
    expect(blind.checklist.some((c) => c.done)).toBe(false);
    expect(toMarkdown(blind)).not.toContain('### 1.');
    const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);
    expect(validate(blind), JSON.stringify(validate.errors)).toBe(true);

    revealScores(control);
    const revealed = buildDecisionLog({ board, control, workshopId: WORKSHOP_ID, now: NOW });
    expect(revealed.decisions.map((d) => d.initiative)).toEqual([
      'Checkout performance program',
      'Observability: tracing & SLOs',
      '=HYPERLINK("http://evil.example") platform team',
    ]);
  });

  it('lists bottlenecks lane by lane without blank drafts, with thresholds and impacts by magnitude', () => {
    expect(log.bottlenecks.map((b) => b.id)).toEqual(['n-p1', 'n-p2', 'n-p3', 'n-f1', 'n-f2', 'n-f3', 'n-o1', 'n-o2', 'n-o4']);
    expect(log.bottlenecks[0]).toMatchObject({
      threshold: { kind: 'traffic', value: 20000, unit: 'concurrent users', text: 'checkout p99 > 2 s' },
      impacts: [
        { category: 'revenue', magnitude: 5 },
        { category: 'trust', magnitude: 4 },
      ],
    });
  });

  it('never exports note authors (anonymous or not), and anonymous mode keeps the attendance list', () => {
    const { board, control } = buildFixture({ anonymous: true });
    const anonymous = buildDecisionLog({ board, control, workshopId: WORKSHOP_ID, now: NOW });
    for (const l of [log, anonymous]) {
      for (const out of [toJson(l), toMarkdown(l), toCsv(l)]) expect(out).not.toContain(SECRET_AUTHOR);
    }
    expect(anonymous.workshop.participants).toEqual(log.workshop.participants);
  });
});

describe('Markdown escaping', () => {
  const md = toMarkdown(fixtureLog());
  const lines = md.split('\n');

  it('keeps user HTML as text', () => {
    expect(md).not.toMatch(/<script|<b>|<i>/i);
    expect(md).toContain('&lt;script>');
  });

  it('keeps every table row at its column count despite pipes and newlines in cells', () => {
    const unescapedPipes = (l: string) => (l.match(/(?<!\\)\|/g) ?? []).length;
    const tables = lines.filter((l) => l.startsWith('|'));
    expect(tables.length).toBeGreaterThan(10);
    const decisionsHeader = lines.findIndex((l) => l.startsWith('| Rank |'));
    for (let i = decisionsHeader; lines[i]?.startsWith('|'); i++) expect(unescapedPipes(lines[i]!)).toBe(9);
    expect(md).toContain('Onboarding takes 3 weeks \\| pipes \\| and \\`backticks\\`');
  });

  it('headings are only ours: a leading # in user text is escaped', () => {
    const headings = lines.filter((l) => /^#{1,6} /.test(l));
    expect(headings).toEqual([
      '# Decision log: Platform scaling Q3 — Acme 🚀',
      '## Participants',
      '## Stage timings',
      '## Growth scenarios',
      '## Decisions',
      '### 1. Observability: tracing & SLOs',
      '### 2. Checkout performance program',
      '### 3. \\=HYPERLINK("http://evil.example") platform team',
      '## Roadmap',
      '### Now',
      '### Next',
      '### Later',
      '### Growth milestones',
      '### Warnings',
      '## Deferred',
      '## Parking lot',
      '## Ship-It checklist',
    ]);
    expect(md).toContain('\\# Two teams own billing');
  });

  it('keeps multi-line text inside its list item and emoji and right-to-left text intact', () => {
    // In the parking lot: a top-level item, so continuation lines are indented by two.
    expect(md).toContain('- Monolith deploys take 4 hours\\\n  and fail 1 in 5 _(Platform)_');
    // The same rule for a decision's rationale.
    expect(md).toContain('- **Rationale:** Tracing is how we run the platform;\\\n  \\| we own the SLOs \\|');
    expect(md).toContain(HOSTILE.rtl);
    expect(md).toContain(HOSTILE.emoji);
  });

  it('puts unaddressed bottlenecks in the parking lot and renders the checklist', () => {
    const parking = md.slice(md.indexOf('## Parking lot'), md.indexOf('## Ship-It checklist'));
    expect(parking).toContain('Onboarding takes 3 weeks');
    expect(parking).toContain('Hiring bar unclear');
    expect(parking).not.toContain('Checkout slows down');
    expect(md).toMatch(/- \[[ x]\] Platform observability addressed/);
  });
});

describe('CSV', () => {
  const csv = toCsv(fixtureLog());

  it('is UTF-8 with a BOM, CRLF records, the SPEC columns, one row per decision and metric', () => {
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const header = csv.slice(1, csv.indexOf('\r\n')).split(',');
    expect(header).toEqual([...CSV_COLUMNS]);
    for (const c of ['Rank', 'Initiative', 'Approach', 'Rationale', 'Phase', 'DRI', 'Metric', 'Baseline', 'Target', 'Due', 'Bottlenecks', 'Dimensions']) {
      expect(header).toContain(c);
    }
    // Decision 1 has two metrics, 2 one, 3 none: 4 records after the header (plus the final CRLF).
    const records = csv.split(/\r\n(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    expect(records.length).toBe(1 + 4 + 1);
    expect(records.at(-1)).toBe('');
  });

  it('neutralises cells a spreadsheet would run as a formula', () => {
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"") platform team"`);
    expect(csv).toContain(`'=1+1`);
    expect(csv).toContain(`'-5% conversion`);
    expect(csv).toContain(`'+10% conversion`);
    expect(csv).toContain(`'@partners`);
    expect(csv).not.toMatch(/(^|,)[=+\-@]/m);
  });

  it('quotes fields with line breaks, commas and quotes (RFC 4180)', () => {
    expect(csv).toContain('"Tracing is how we run the platform;\n| we own the SLOs |"');
  });
});

describe('Jira CSV (SPEC 8)', () => {
  const csv = toJiraCsv(fixtureLog());
  const records = csv.slice(1).split(/\r\n(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  // Cells of a record, split at commas outside quotes; a quoted cell's value starts after its quote.
  const cells = (record: string) => record.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((c) => (c.startsWith('"') ? c.slice(1) : c));

  it('has the SPEC columns, an Epic per decision then a Task per metric whose Parent is the Epic', () => {
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(records[0]!.split(',')).toEqual([...JIRA_COLUMNS]);
    // Decision 1 has two metrics, 2 one, 3 none: 3 Epics + 3 Tasks, then the final CRLF.
    expect(records.length).toBe(1 + 6 + 1);
    const rows = records.slice(1, -1).map((r) => [cells(r)[0], cells(r)[1], cells(r)[7], cells(r)[8]]);
    expect(rows).toEqual([
      ['1', 'Epic', 'Highest', ''],
      ['2', 'Task', 'Highest', '1'],
      ['3', 'Task', 'Highest', '1'],
      ['4', 'Epic', 'High', ''],
      ['5', 'Task', 'High', '4'],
      ['6', 'Epic', 'Medium', ''],
    ]);
  });

  it('labels by approach, phase and observability, assigns the DRI and dates each Task', () => {
    expect(records[1]).toMatch(/,Grace Hopper,2025-09-30,scaleboard build phase-now,Highest,$/);
    expect(records[2]).toMatch(/^2,Task,Services with tracing,.*,2025-06-30,scaleboard build phase-now observability,Highest,1$/s);
    expect(records[6]).toMatch(/,,,scaleboard partner phase-later,Medium,$/);
    expect([1, 2, 3, 4, 5, 9].map(priorityOfRank)).toEqual(['Highest', 'High', 'Medium', 'Low', 'Lowest', 'Lowest']);
  });

  it('neutralises formula cells with the same rule as the log CSV', () => {
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"") platform team"`);
    expect(csv).toContain(`,Task,'=1+1,`);
    // No cell starts like a formula (a line inside a quoted multi-line cell is not a cell).
    for (const record of records) for (const cell of cells(record)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});

describe('download file names', () => {
  it('are <title-slug>-<date>.<ext>, ASCII plus a UTF-8 filename*', () => {
    const log = fixtureLog();
    expect(exportFileName(log.workshop, 'md')).toBe('platform-scaling-q3-acme-2025-03-14.md');
    expect(contentDisposition({ title: 'Überplan: Ελλάδα', createdAt: log.workshop.createdAt }, 'csv')).toBe(
      `attachment; filename="uberplan-2025-03-14.csv"; filename*=UTF-8''%C3%BCberplan-%CE%B5%CE%BB%CE%BB%CE%AC%CE%B4%CE%B1-2025-03-14.csv`,
    );
    expect(exportFileName({ title: 'שלום', createdAt: log.workshop.createdAt }, 'json')).toBe('decision-log-2025-03-14.json');
  });
});

describe('a board written by a misbehaving client', () => {
  it('still exports a log that follows the v1 contract', () => {
    const { board, control } = buildFixture();
    const maps = boardMaps(board);
    board.transact(() => {
      const decision = maps.decisions.get('i2')!;
      decision.set('dri', 42);
      decision.set('approach', 'steal');
      decision.set('phase', { now: true });
      const impact = maps.impacts.get('im1')!;
      impact.set('magnitude', 99);
      maps.impacts.get('im2')!.set('category', 'vibes');
      maps.notes.get('n-p1')!.set('threshold', { kind: 'gravity', value: 'high' });
      maps.notes.get('n-f3')!.set('threshold', 'not an object');
      maps.notes.get('n-o1')!.set('lane', 'marketing');
      maps.notes.get('n-o4')!.delete('id');
    });
    const log = buildDecisionLog({ board, control, workshopId: WORKSHOP_ID, now: NOW });
    const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.decisions[0]).toMatchObject({ dri: null, approach: null, phase: null });
    expect(log.bottlenecks[0]).toMatchObject({ threshold: null, impacts: [{ category: 'revenue', magnitude: 5 }] });
    expect(log.bottlenecks.map((b) => b.id)).toEqual(['n-p1', 'n-p2', 'n-p3', 'n-f1', 'n-f2', 'n-f3', 'n-o2']);
    for (const render of [toMarkdown, toCsv, toJson]) expect(render(log).length).toBeGreaterThan(100);
  });
});

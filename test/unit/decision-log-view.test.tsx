// @vitest-environment jsdom
// The decision log as the browser shows it (live panel and print page): the same sections as the
// exports, user text as text (never markup), right-to-left text given its own direction; and the
// download helper's reading of the server's Content-Disposition.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { DecisionLogDocument } from '../../client/features/decision-log/DecisionLogDocument';
import { fileNameFromDisposition, printPageUrl } from '../../client/features/decision-log/downloads';
import { buildDecisionLog } from '../../shared/log/build';
import { contentDisposition } from '../../shared/log/filename';
import { buildFixture, HOSTILE, NOW, WORKSHOP_ID } from './decision-log.fixture';

afterEach(cleanup);

const fixtureLog = () => {
  const { board, control } = buildFixture();
  return buildDecisionLog({ board, control, workshopId: WORKSHOP_ID, now: NOW });
};

describe('DecisionLogDocument', () => {
  it('renders every section of the log, decisions as a table and as sections', () => {
    render(<DecisionLogDocument log={fixtureLog()} level={2} showTitle />);
    screen.getByRole('heading', { level: 1, name: 'Decision log: Platform scaling Q3 — Acme 🚀' });
    const sections = screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent);
    expect(sections).toEqual(['Participants', 'Stage timings', 'Growth scenarios', 'Decisions', 'Roadmap', 'Deferred', 'Parking lot', 'Ship-It checklist']);
    expect(screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual([
      '1. Observability: tracing & SLOs',
      '2. Checkout performance program',
      '3. =HYPERLINK("http://evil.example") platform team',
      'Now',
      'Next',
      'Later',
      'Growth milestones',
      'Warnings',
    ]);
    const timings = screen.getAllByRole('table')[0]!;
    const decisions = within(screen.getByRole('region', { name: 'Decisions table' })).getByRole('table');
    expect(within(timings!).getAllByRole('row')).toHaveLength(1 + 5 + 1);
    expect(within(decisions!).getAllByRole('row')[2]!.textContent).toContain('Checkout performance program4.334.67BuyNextLinus');
  });

  it('gives planned and added minutes per stage and in the total, and actual minutes beside them', () => {
    render(<DecisionLogDocument log={fixtureLog()} level={2} />);
    const timings = screen.getByRole('heading', { name: 'Stage timings' }).parentElement!;
    const rows = within(timings).getAllByRole('row').map((row) => [...row.querySelectorAll('th, td')].map((c) => c.textContent));
    expect(rows[0]).toEqual(['#', 'Stage', 'Planned + added (min)', 'Actual (min)']);
    // The facilitator added 5 minutes to stage 3 (see the fixture): the total says so too.
    expect(rows[3]).toEqual(['3', 'Prioritization', '20 + 5', '26']);
    expect(rows[1]).toEqual(['1', 'Bottleneck mapping', '20', '22']);
    expect(rows.at(-1)).toEqual(['', 'Total', '90 + 5', '90.5']);
  });

  it('marks a metric tagged observability, in the decisions table and in its decision', () => {
    render(<DecisionLogDocument log={fixtureLog()} level={2} />);
    const decisions = within(screen.getByRole('region', { name: 'Decisions table' })).getByRole('table');
    const first = within(decisions).getAllByRole('row')[1]!;
    expect([...first.querySelectorAll('td div')].map((line) => line.textContent)).toEqual([
      'Services with tracing: 20% → 100%, due 2025-06-30 (observability); checked in 30 on 2025-04-15, Off plan',
      'MTTR: 4 h → 30 min, due 2025-09-30',
    ]);
    const section = screen.getByRole('heading', { name: '1. Observability: tracing & SLOs' }).parentElement!;
    expect(within(section).getByText(/^Services with tracing/).textContent).toContain('due 2025-06-30 (observability)');
    expect(within(section).getByText(/^MTTR:/).textContent).toBe('MTTR: 4 h → 30 min, due 2025-09-30');
  });

  it('draws the Growth and thresholds chart: a curve per scenario with growth, a line per threshold, a break point per scenario that breaks', () => {
    const log = fixtureLog();
    const { container } = render(<DecisionLogDocument log={log} level={2} />);
    const figure = screen.getByRole('figure', { name: 'Growth and thresholds' });
    const charted = log.scenarios!.filter((m) => m.current !== null && m.current > 0 && Object.values(m.growth).some((g) => g !== null));
    expect(charted.length).toBeGreaterThan(0);
    const plots = figure.querySelectorAll('.growth-plot');
    expect(plots).toHaveLength(charted.length);
    let breaks = 0;
    charted.forEach((m, i) => {
      const plot = plots[i]!;
      expect(plot.querySelectorAll('path.curve')).toHaveLength(Object.values(m.growth).filter((g) => g !== null).length);
      const thresholds = log.bottlenecks.filter((b) => b.threshold?.kind === m.kind);
      expect(plot.querySelectorAll('g.threshold')).toHaveLength(thresholds.length);
      for (const b of thresholds) {
        const expected = (['conservative', 'realistic', 'optimistic'] as const).filter((k) => b.forecast && b.forecast[k] !== null);
        const drawn = [...plot.querySelectorAll(`g[data-threshold="${b.id}"] circle.break`)].map((c) => c.getAttribute('class'));
        expect(drawn).toEqual(expected.map((k) => `break break-${k}`));
        breaks += drawn.length;
      }
    });
    // The fixture has thresholds that break under more than one scenario.
    expect(breaks).toBeGreaterThan(1);
    expect(container.querySelector('.growth-table')).not.toBeNull();
  });

  it('shows hostile text as text, and right-to-left text with its own direction', () => {
    const { container } = render(<DecisionLogDocument log={fixtureLog()} level={2} />);
    expect(container.querySelector('script, b, i')).toBeNull();
    expect(screen.getByText(HOSTILE.script).tagName).toBe('SPAN');
    expect(screen.getAllByText(HOSTILE.rtl)[0]!.getAttribute('dir')).toBe('auto');
    // Line breaks are kept as typed (CSS pre-line), not lost.
    expect(screen.getByText(/Monolith deploys/).textContent).toBe(HOSTILE.newline);
  });

  it('flags what is missing and states each checklist item for screen readers', () => {
    render(<DecisionLogDocument log={fixtureLog()} level={2} />);
    const checklist = screen.getByRole('heading', { name: 'Ship-It checklist' }).parentElement!;
    expect(within(checklist).getByText(/Metrics and owners assigned/).textContent).toContain('(not done)');
    expect(within(checklist).getByText(/Platform observability addressed/).textContent).toContain('(done)');
    const third = screen.getByRole('heading', { name: /^3\./ }).parentElement!;
    within(third).getByText('not assigned');
    within(third).getByText('none yet');
  });
});

describe('downloads', () => {
  it('takes the UTF-8 file name from Content-Disposition, else the ASCII one', () => {
    const header = contentDisposition({ title: 'Zürich plan', createdAt: '2025-03-14T09:00:00.000Z' }, 'md');
    expect(fileNameFromDisposition(header)).toBe('zürich-plan-2025-03-14.md');
    expect(fileNameFromDisposition('attachment; filename="plan-2025-03-14.csv"')).toBe('plan-2025-03-14.csv');
    expect(fileNameFromDisposition(null)).toBeNull();
  });

  it('puts the token of the print page in the fragment, never the path or query', () => {
    const url = printPageUrl('abc_123', 'tok-en', true);
    expect(url).toBe('/w/abc_123/print#token=tok-en&print=1');
  });
});

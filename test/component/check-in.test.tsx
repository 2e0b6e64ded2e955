// @vitest-environment jsdom
// `Check in` on a metric in the stage 5 card (SPEC 8): `Value` and `Date` are posted to the API
// with the session's token; once the server's write reaches the board, the check-in is listed,
// charted, and the metric says `Off plan` when it is more than the tolerance off the plan.
// The API is a stub here that does what the server does: the addCheckIn command on the board.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { controlMaps, readBoard } from '../../shared/schema.js';
import { createInitiative } from '../../shared/commands/initiatives.js';
import { revealScores } from '../../shared/commands/ranking.js';
import { addMetric } from '../../shared/commands/metrics.js';
import { addCheckIn } from '../../shared/commands/checkIns.js';
import { SessionContext } from '../../client/sync/SessionContext.js';
import { StageThreeToFive } from '../../client/features/prioritization/StageThreeToFive.js';
import { destroyAll, makeSession, type Harness } from './boardHarness.js';
import type { Role } from '../../shared/constants.js';

afterEach(() => {
  cleanup();
  destroyAll();
  vi.unstubAllGlobals();
});

/** A decided initiative with one metric: 100 on 2025-01-01 (the workshop) to 200 on 2025-01-11. */
function decidedWithMetric(role: Role, locked = false): Harness {
  const h = makeSession({ role, locked });
  controlMaps(h.control).settings.set('createdAt', Date.UTC(2025, 0, 1, 9));
  const id = createInitiative(h.board, { title: 'Checkout rewrite', bottleneckIds: [], now: 1 });
  revealScores(h.control);
  addMetric(h.board, { initiativeId: id, name: 'Orders per minute', baseline: '100', target: '200', due: '2025-01-11' });
  return h;
}

/** The API as the server answers it: validate and write the board (the server's write reaches every screen). */
function stubApi(h: Harness) {
  const calls: { url: string; headers: Record<string, string>; body: unknown }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as { metricId: string; value: number; at: string };
    calls.push({ url, headers: init.headers as Record<string, string>, body });
    const result = addCheckIn(h.board, { ...body, by: 'ada', now: Date.now() });
    return new Response(JSON.stringify(result.ok ? { id: result.id } : { error: result.error, field: result.field }), {
      status: result.ok ? 201 : 400,
      headers: { 'content-type': 'application/json' },
    });
  });
  return calls;
}

const renderStage5 = (h: Harness) =>
  render(
    <SessionContext.Provider value={h.session}>
      <StageThreeToFive stage="metrics-owners" />
    </SessionContext.Provider>,
  );

describe('Check in on a metric (stage 5)', () => {
  it('records a value at a date through the API, lists and charts it, and flags Off plan beyond 15%', async () => {
    // Locked: the workshop is over; check-ins still go through (the server writes them).
    const h = decidedWithMetric('participant', true);
    const calls = stubApi(h);
    const user = userEvent.setup();
    renderStage5(h);
    const checkIns = screen.getByRole('region', { name: 'Check-ins of Orders per minute' });
    expect(within(checkIns).queryByText('Off plan')).toBeNull();

    // On 2025-01-06 the plan is 150: 160 is on plan.
    await user.type(within(checkIns).getByLabelText('Value'), '160');
    const date = within(checkIns).getByLabelText('Date');
    await user.clear(date);
    await user.type(date, '2025-01-06');
    await user.click(within(checkIns).getByRole('button', { name: 'Check in' }));
    await within(checkIns).findByText(/2025-01-06: 160/);
    expect(calls[0]).toMatchObject({ url: `/api/workshops/${h.session.workshopId}/check-ins`, body: { value: 160, at: '2025-01-06' } });
    expect(calls[0]!.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer test-token' });
    expect(within(checkIns).queryByText('Off plan')).toBeNull();

    // On 2025-01-08 the plan is 170: 120 is 29% under it.
    await user.type(within(checkIns).getByLabelText('Value'), '120');
    await user.clear(date);
    await user.type(date, '2025-01-08');
    await user.click(within(checkIns).getByRole('button', { name: 'Check in' }));
    await waitFor(() => expect(readBoard(h.board).checkIns).toHaveLength(2));
    expect(await within(checkIns).findAllByText(/Off plan/)).not.toHaveLength(0);
    expect(within(checkIns).getByRole('heading', { name: 'Check-ins' }).parentElement!.textContent).toContain('Off plan');
    const chart = within(checkIns).getByRole('img');
    expect(chart.getAttribute('aria-label')).toBe('Orders per minute: plan from 100 on 2025-01-01 to 200 on 2025-01-11; 2 check-ins, 1 off plan');
    expect(chart.querySelectorAll('circle')).toHaveLength(2);
    expect(chart.querySelectorAll('circle.off')).toHaveLength(1);
  });

  it('says what is wrong with a value that is not a number, without calling the API', async () => {
    const h = decidedWithMetric('facilitator');
    const calls = stubApi(h);
    const user = userEvent.setup();
    renderStage5(h);
    const checkIns = screen.getByRole('region', { name: 'Check-ins of Orders per minute' });
    await user.type(within(checkIns).getByLabelText('Value'), 'lots');
    await user.click(within(checkIns).getByRole('button', { name: 'Check in' }));
    expect(within(checkIns).getByRole('status').textContent).toBe('Value must be a number');
    expect(calls).toHaveLength(0);
  });

  it('shows observers the check-ins and the flag but no Check in', () => {
    const h = decidedWithMetric('observer');
    const metricId = readBoard(h.board).metrics[0]!.id;
    addCheckIn(h.board, { metricId, value: 500, at: '2025-01-05', by: 'bob', now: 1 });
    renderStage5(h);
    const checkIns = screen.getByRole('region', { name: 'Check-ins of Orders per minute' });
    expect(within(checkIns).getAllByText(/Off plan/).length).toBeGreaterThan(0);
    expect(within(checkIns).queryByRole('button', { name: 'Check in' })).toBeNull();
  });
});

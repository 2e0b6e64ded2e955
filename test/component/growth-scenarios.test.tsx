// @vitest-environment jsdom
// The Growth scenarios region: a field commits on Enter like the rest of the board, and a value
// that is not a number writes nothing and says what the field takes; observers read only, and
// participants too while the facilitator has locked the board.
import { afterEach, expect, it } from 'vitest';
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import * as Y from 'yjs';
import { GrowthScenarios } from '../../client/features/plan/GrowthScenarios.js';
import { SessionContext } from '../../client/sync/SessionContext.js';
import type { WorkshopSession } from '../../client/sync/session.js';
import { initControl } from '../../shared/schema.js';
import { readScenarios, seedScenarios } from '../../shared/scenarios.js';
import { setLocked } from '../../shared/commands/control.js';

afterEach(cleanup);

function renderAs(role: 'participant' | 'observer', opts: { locked?: boolean } = {}) {
  const board = new Y.Doc();
  const control = new Y.Doc();
  initControl(control, { title: 'T', template: 'scaleup', createdAt: 0 }, { current: 0 });
  if (opts.locked) setLocked(control, true);
  seedScenarios(board, 'scaleup', 'server');
  const session = { role, board, control } as unknown as WorkshopSession;
  render(
    <SessionContext.Provider value={session}>
      <GrowthScenarios />
    </SessionContext.Provider>,
  );
  const traffic = within(screen.getByRole('region', { name: 'Growth scenarios' })).getByRole('group', { name: 'Traffic' });
  return { board, control, traffic };
}

const FIELDS = ['Current', 'Unit', 'Conservative', 'Realistic', 'Optimistic'];
/** Which of the Traffic fields are read only, by label. */
const readOnlyFields = (traffic: ReturnType<typeof within>) =>
  FIELDS.filter((label) => traffic.getByLabelText(label).hasAttribute('readonly'));

it('writes a number on Enter, and refuses what is not one with a message, writing nothing', async () => {
  const user = userEvent.setup();
  const { board, traffic } = renderAs('participant');
  const realistic = within(traffic).getByLabelText('Realistic');
  await user.clear(realistic);
  await user.type(realistic, '9,5{Enter}');
  expect(readScenarios(board).find((m) => m.kind === 'traffic')!.growth.realistic).toBe(9.5);

  await user.clear(realistic);
  await user.type(realistic, 'fast{Enter}');
  expect(within(traffic).getByRole('alert').textContent).toMatch(/“fast” is not a number/);
  expect(realistic.getAttribute('aria-invalid')).toBe('true');
  expect(readScenarios(board).find((m) => m.kind === 'traffic')!.growth.realistic).toBe(9.5);
});

it('shows observers the models read only, locked or not', () => {
  const { control, traffic } = renderAs('observer');
  expect(readOnlyFields(within(traffic))).toEqual(FIELDS);
  act(() => setLocked(control, true));
  expect(readOnlyFields(within(traffic))).toEqual(FIELDS);
});

it('shows a participant the models read only while the board is locked, and writable again once unlocked', async () => {
  const user = userEvent.setup();
  const { board, control, traffic } = renderAs('participant', { locked: true });
  expect(readOnlyFields(within(traffic))).toEqual(FIELDS);
  expect(screen.getByText(/The board is locked\./)).toBeTruthy();
  const current = within(traffic).getByLabelText('Current');
  await user.type(current, '5{Enter}');
  expect(readScenarios(board).find((m) => m.kind === 'traffic')!.current).toBe(10_000);

  act(() => setLocked(control, false));
  expect(readOnlyFields(within(traffic))).toEqual([]);
  expect(screen.queryByText(/The board is locked\./)).toBeNull();
  await user.clear(current);
  await user.type(current, '12000{Enter}');
  expect(readScenarios(board).find((m) => m.kind === 'traffic')!.current).toBe(12_000);
});

// @vitest-environment jsdom
// `Tolerance (%)` (stage 5 and a follow-up's Review) over a real control document: it shows the
// workshop's tolerance (15 by default), writes a new one on Enter or when the field is left (never
// per keystroke), refuses a value that is not 0–100 with a message tied to the field, and follows
// a change another facilitator made. Participants do not get it.
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import type { Role } from '../../shared/constants.js';
import { initControl, readSettings } from '../../shared/schema.js';
import { initialEngineState } from '../../shared/stages.js';
import { setOffPlanTolerance } from '../../shared/commands/control.js';
import { SessionContext } from '../../client/sync/SessionContext.js';
import type { WorkshopSession } from '../../client/sync/session.js';
import { ToleranceInput } from '../../client/features/checkins/ToleranceInput.js';

const T0 = 1_700_000_000_000;

function setup(role: Role) {
  const control = new Y.Doc();
  initControl(control, { title: 'T', template: 'scaleup', createdAt: T0 }, initialEngineState());
  const board = new Y.Doc();
  const session = { board, control, role, workshopId: 'w1', token: 't', user: { id: 'u1', name: 'Ada', color: '#336699' }, awareness: new Awareness(board) } as unknown as WorkshopSession;
  render(
    <SessionContext.Provider value={session}>
      <ToleranceInput />
    </SessionContext.Provider>,
  );
  return control;
}

afterEach(cleanup);

describe('Tolerance (%)', () => {
  it('writes the workshop’s tolerance on Enter and on leaving the field, not per keystroke', async () => {
    const control = setup('facilitator');
    const user = userEvent.setup();
    const field = screen.getByLabelText('Tolerance (%)') as HTMLInputElement;
    expect(field.value).toBe('15');
    let writes = 0;
    control.on('afterTransaction', () => writes++);
    await user.clear(field);
    await user.type(field, '25');
    expect(writes).toBe(0);
    await user.keyboard('{Enter}');
    expect(readSettings(control).offPlanTolerance).toBe(25);
    expect(writes).toBe(1);
    await user.clear(field);
    await user.type(field, '7.5');
    await user.tab();
    expect(readSettings(control).offPlanTolerance).toBe(7.5);
  });

  it('refuses a value outside 0–100 or not a number, saying so on the field, and keeps the stored one', async () => {
    const control = setup('facilitator');
    const user = userEvent.setup();
    const field = screen.getByLabelText('Tolerance (%)');
    for (const bad of ['101', '-1', 'lots']) {
      await user.clear(field);
      await user.type(field, `${bad}{Enter}`);
      expect(field.getAttribute('aria-invalid')).toBe('true');
      expect(document.getElementById(field.getAttribute('aria-describedby')!)!.textContent).toBe('Tolerance must be a number from 0 to 100');
      expect(readSettings(control).offPlanTolerance).toBe(15);
    }
    await user.clear(field);
    await user.type(field, '0{Enter}');
    expect(field.getAttribute('aria-invalid')).toBeNull();
    expect(readSettings(control).offPlanTolerance).toBe(0);
  });

  it('follows a change made elsewhere, and is not offered to participants', async () => {
    const control = setup('facilitator');
    act(() => setOffPlanTolerance(control, 40));
    expect((screen.getByLabelText('Tolerance (%)') as HTMLInputElement).value).toBe('40');
    cleanup();
    setup('participant');
    expect(screen.queryByLabelText('Tolerance (%)')).toBeNull();
  });
});

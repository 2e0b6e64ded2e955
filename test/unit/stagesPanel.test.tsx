// @vitest-environment jsdom
// The Stages and Timer regions over a real control document: facilitator controls write it,
// participants see no controls, the countdown follows server time, announcements are made once,
// and drafts survive a stage change that unmounts their editor.
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { useState } from 'react';
import type { Role } from '../../shared/constants.js';
import { initControl, readSettings } from '../../shared/schema.js';
import { initialEngineState, readEngineState } from '../../shared/stages.js';
import { timerView } from '../../shared/timer.js';
import * as control from '../../shared/commands/control.js';
import { SessionContext } from '../../client/sync/SessionContext.js';
import type { WorkshopSession } from '../../client/sync/session.js';
import { ServerClock } from '../../client/sync/clock.js';
import { StagesPanel } from '../../client/features/stages/StagesPanel.js';
import { StageTimer } from '../../client/features/stages/TimerPanel.js';
import { announcementFor } from '../../client/features/stages/announcements.js';
import { formatClock } from '../../client/features/stages/format.js';
import { facilitationNotes } from '../../shared/facilitation.js';
import { useDraft } from '../../client/state/drafts.js';

const T0 = 1_700_000_000_000;

async function setup(role: Role, opts: { durations?: number[]; template?: 'scaleup' | 'regulated' } = {}) {
  const controlDoc = new Y.Doc();
  initControl(controlDoc, { title: 'T', template: opts.template ?? 'scaleup', createdAt: T0 }, initialEngineState(opts.durations ?? [20, 20, 20, 20, 10]));
  const board = new Y.Doc();
  const session = { board, control: controlDoc, role, user: { id: 'u1', name: 'Ada', color: '#336699' }, awareness: new Awareness(board) } as unknown as WorkshopSession;
  // Server time is a plain number the test moves; the clock's offset is "synced" to 0 at once.
  const time = { now: T0 };
  const clock = new ServerClock({ fetchServerNow: async () => time.now, now: () => time.now, rounds: 1 });
  await clock.sync();
  render(
    <SessionContext.Provider value={session}>
      <StageTimer clock={clock} />
      <StagesPanel clock={clock} />
    </SessionContext.Provider>,
  );
  return { doc: controlDoc, time, clock };
}

afterEach(cleanup);

const timerText = () => screen.getByRole('timer').textContent;
const announcer = () => screen.getByTestId('stage-announcer');

describe('StagesPanel', () => {
  it('shows the five stages, where we are, what is next and the template prompt', async () => {
    await setup('participant', { template: 'regulated', durations: [20, 20, 15, 20, 15] });
    const stages = screen.getByRole('region', { name: 'Stages' });
    const items = within(stages).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('.stage-title')!.textContent)).toEqual([
      '1. Bottleneck mapping',
      '2. Impact mapping',
      '3. Prioritization',
      '4. Build / Buy / Partner',
      '5. Metrics & owners',
    ]);
    expect(items[0]).toMatchObject({ ariaCurrent: 'step' });
    expect(items[2]!.textContent).toContain('15 min planned');
    expect(within(stages).getByText('Next: Impact mapping')).toBeTruthy();
    expect(within(stages).getByText(/data residency/)).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Timer' })).getByRole('timer').textContent).toBe('Time left 20:00');
  });

  it('shows participants no controls at all', async () => {
    await setup('participant');
    expect(screen.queryAllByRole('button')).toHaveLength(0);
    expect(screen.queryAllByRole('checkbox')).toHaveLength(0);
    expect(screen.queryAllByRole('spinbutton')).toHaveLength(0);
  });

  it('lets the facilitator run the timer and the stages, writing the control document', async () => {
    const user = userEvent.setup();
    const { doc, time } = await setup('facilitator');
    await user.click(screen.getByRole('button', { name: 'Start timer' }));
    expect(readEngineState(doc).stages[0]!.runningSince).toBe(T0);
    time.now = T0 + 61_000;
    await waitFor(() => expect(timerText()).toBe('Time left 18:59'));
    await user.click(screen.getByRole('button', { name: 'Pause timer' }));
    expect(timerView(readEngineState(doc), T0 + 999_999).status).toBe('paused');
    await user.click(screen.getByRole('button', { name: 'Add 5 minutes' }));
    await waitFor(() => expect(timerText()).toBe('Time left 23:59'));
    time.now = T0 + 120_000;
    await user.click(screen.getByRole('button', { name: 'Resume timer' }));
    expect(readEngineState(doc).stages[0]!.runningSince).toBe(T0 + 120_000);

    await user.click(screen.getByRole('button', { name: 'Next stage' }));
    const stages = screen.getByRole('region', { name: 'Stages' });
    expect(within(stages).getAllByRole('listitem')[1]).toMatchObject({ ariaCurrent: 'step' });
    expect(announcer().textContent).toBe('Stage 2 of 5: Impact mapping.');
    await user.click(screen.getByRole('button', { name: 'Previous stage' }));
    expect(readEngineState(doc).current).toBe(0);
    expect((screen.getByRole('button', { name: 'Previous stage' }) as HTMLButtonElement).disabled).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Lock board' }));
    expect(readSettings(doc).locked).toBe(true);
    expect(screen.getByText('Board locked: read-only for participants')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Unlock board' }));
    expect(readSettings(doc).locked).toBe(false);
  });

  it('edits planned minutes before the start, committed on Enter', async () => {
    const user = userEvent.setup();
    const { doc } = await setup('facilitator');
    const input = screen.getByRole('spinbutton', { name: 'Metrics & owners: planned minutes' });
    await user.clear(input);
    await user.type(input, '15{Enter}');
    expect(readEngineState(doc).stages[4]!.plannedMs).toBe(15 * 60_000);
    await user.click(screen.getByRole('button', { name: 'Start timer' }));
    expect(screen.queryAllByRole('spinbutton')).toHaveLength(0);
    expect(screen.getByRole('region', { name: 'Stages' }).textContent).toContain('15 min planned');
  });

  it('counts overtime visibly and announces the last minute and overtime once each', async () => {
    const { doc, time } = await setup('participant', { durations: [2, 20, 20, 20, 10] });
    const said: string[] = [];
    const observer = new MutationObserver(() => said.push(announcer().textContent ?? ''));
    observer.observe(announcer(), { childList: true, characterData: true, subtree: true });
    act(() => control.startTimer(doc, T0));
    time.now = T0 + 30_000;
    await waitFor(() => expect(timerText()).toBe('Time left 01:30'));
    time.now = T0 + 65_000;
    await waitFor(() => expect(timerText()).toBe('Time left 00:55'));
    time.now = T0 + 70_000; // still the last minute: nothing new to say
    await waitFor(() => expect(timerText()).toBe('Time left 00:50'));
    time.now = T0 + 125_000;
    await waitFor(() => expect(timerText()).toBe('Overtime +00:05'));
    expect(screen.getByRole('region', { name: 'Timer' }).className).toContain('timer-overtime');
    time.now = T0 + 190_000;
    await waitFor(() => expect(timerText()).toBe('Overtime +01:10'));
    // Still in stage 1: no auto-advance unless the facilitator chose it.
    expect(readEngineState(doc).current).toBe(0);
    observer.disconnect();
    expect(said).toEqual(['One minute left for Bottleneck mapping.', 'Time is up for Bottleneck mapping. Overtime is counting.']);
  });

  it('turns auto-advance on for the server to do; the facilitator tab itself never advances', async () => {
    const user = userEvent.setup();
    const { doc, time } = await setup('facilitator', { durations: [1, 20, 20, 20, 10] });
    await user.click(screen.getByRole('checkbox', { name: 'Auto-advance when time is up' }));
    expect(readSettings(doc).autoAdvance).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Start timer' }));
    time.now = T0 + 61_000;
    await waitFor(() => expect(timerText()).toBe('Overtime +00:01'));
    // Moving on is the server's (test/server/server-rules.test.ts): a sleeping laptop must not matter.
    expect(readEngineState(doc).current).toBe(0);
  });
});

describe('facilitation notes', () => {
  const notesIn = () => within(screen.getByRole('region', { name: 'Stages' })).getByText('Facilitation notes').closest('details')!;
  const listUnder = (heading: string) => [...within(notesIn()).getByRole('heading', { name: heading }).parentElement!.querySelectorAll('li')].map((li) => li.textContent);

  it('shows the facilitator the notes of the current stage under the workshop template, and follows the stage', async () => {
    const user = userEvent.setup();
    await setup('facilitator', { template: 'regulated' });
    expect(listUnder('What to say')).toEqual(facilitationNotes('regulated', 0).say);
    expect(listUnder('Watch for')).toEqual(facilitationNotes('regulated', 0).watch);
    expect(within(notesIn()).getByText('At 10 min').nextElementSibling!.textContent).toBe(facilitationNotes('regulated', 0).time[1]!.text);
    await user.click(screen.getByRole('button', { name: 'Next stage' }));
    // Stage 2 under Regulated opens with the template's own line.
    expect(listUnder('What to say')).toEqual(facilitationNotes('regulated', 1).say);
    expect(listUnder('What to say')[0]).toMatch(/regulation/);
  });

  it.each(['participant', 'observer'] as const)('shows no facilitation notes to the %s', async (role) => {
    await setup(role, { template: 'regulated' });
    expect(screen.queryByText('Facilitation notes')).toBeNull();
    for (const line of facilitationNotes('regulated', 0).say) expect(screen.queryByText(line)).toBeNull();
  });
});

describe('announcements', () => {
  it('say nothing on joining, and speak on each transition only', () => {
    expect(announcementFor(null, { stage: 2, phase: 'overtime' })).toBeNull();
    expect(announcementFor({ stage: 0, phase: 'normal' }, { stage: 0, phase: 'normal' })).toBeNull();
    expect(announcementFor({ stage: 0, phase: 'overtime' }, { stage: 1, phase: 'normal' })).toBe('Stage 2 of 5: Impact mapping.');
    expect(announcementFor({ stage: 3, phase: 'normal' }, { stage: 3, phase: 'last-minute' })).toBe('One minute left for Build / Buy / Partner.');
    expect(announcementFor({ stage: 3, phase: 'last-minute' }, { stage: 3, phase: 'overtime' })).toMatch(/^Time is up/);
    expect(announcementFor({ stage: 3, phase: 'overtime' }, { stage: 3, phase: 'normal' })).toBeNull(); // minutes added
  });

  it('format the clock', () => {
    expect(formatClock(20 * 60_000)).toBe('20:00');
    expect(formatClock(1)).toBe('00:01');
    expect(formatClock(999, 'floor')).toBe('00:00');
    expect(formatClock(3_723_000)).toBe('1:02:03');
  });
});

describe('drafts', () => {
  function Editor({ id }: { id: string }) {
    const [draft, setDraft] = useDraft(`note:${id}`);
    return <textarea aria-label="Note" value={draft ?? ''} onChange={(e) => setDraft(e.target.value)} />;
  }
  function Stage() {
    const [stage, setStage] = useState(1);
    return (
      <>
        <button type="button" onClick={() => setStage((s) => (s === 1 ? 2 : 1))}>
          Switch
        </button>
        {stage === 1 ? <Editor id="n1" /> : <p>Another stage</p>}
      </>
    );
  }

  it('keep what someone was typing when a stage change unmounts their editor', async () => {
    const user = userEvent.setup();
    render(<Stage />);
    await user.type(screen.getByRole('textbox', { name: 'Note' }), 'checkout p99 > 2 s');
    await user.click(screen.getByRole('button', { name: 'Switch' }));
    expect(screen.queryByRole('textbox')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Switch' }));
    expect((screen.getByRole('textbox', { name: 'Note' }) as HTMLTextAreaElement).value).toBe('checkout p99 > 2 s');
  });
});

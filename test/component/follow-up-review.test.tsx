// @vitest-environment jsdom
// The `Review` region of a follow-up (SPEC 8) over a real board: `Carry over` makes the decision an
// initiative of this workshop, and the keyboard is not lost to the page body when the button gives
// way to "Carried over …"; a Done decision offers no carry-over.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SessionContext } from '../../client/sync/SessionContext.js';
import { ReviewPanel } from '../../client/features/review/ReviewPanel.js';
import { destroyAll, makeSession } from './boardHarness.js';
import { writePrevious, carriedInitiativeId } from '../../shared/followUp.js';
import { setReviewStatus } from '../../shared/commands/review.js';
import { readBoard } from '../../shared/schema.js';

afterEach(() => {
  cleanup();
  destroyAll();
});

const decision = (id: string, rank: number, initiative: string) => ({ id, rank, initiative, approach: null, rationale: '', phase: null, dri: 'Grace', metrics: [] });

describe('Review', () => {
  it('carries an open decision over and keeps the keyboard on its card; a Done one is not offered', async () => {
    const h = makeSession({ role: 'facilitator' });
    writePrevious(h.board, { id: 'old', title: 'Scaling Q3', createdAt: 0, decisions: [decision('i-a', 1, 'Deploy pipeline'), decision('i-b', 2, 'Search')], checkIns: [] }, 'test');
    setReviewStatus(h.board, { decisionId: 'i-b', status: 'done' });
    render(
      <SessionContext.Provider value={h.session}>
        <ReviewPanel />
      </SessionContext.Provider>,
    );
    const region = await screen.findByRole('region', { name: 'Review' });
    expect((within(region).getByRole('button', { name: 'Carry over Search' }) as HTMLButtonElement).disabled).toBe(true);

    const user = userEvent.setup();
    await user.click(within(region).getByRole('button', { name: 'Carry over Deploy pipeline' }));
    expect(readBoard(h.board).initiatives.map((i) => i.id)).toEqual([carriedInitiativeId('i-a')]);
    const card = within(region).getByRole('article', { name: '#1 Deploy pipeline' });
    const done = within(card).getByText('Carried over as an initiative of this workshop.');
    await waitFor(() => expect(document.activeElement).toBe(done));
  });
});

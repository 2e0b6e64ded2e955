// @vitest-environment jsdom
// The `History` region (SPEC 8): entries as the API answers them, filtered by person and stage
// (the filters go to the server), `Restore` on a deletion and `Roll back to here` with a
// confirmation for the facilitator only, and a refresh when the board changes. The API is a stub
// that answers like server/history/routes.ts over an in-memory list.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SessionContext } from '../../client/sync/SessionContext.js';
import { HistoryPanel } from '../../client/features/history/HistoryPanel.js';
import { destroyAll, makeSession, type Harness } from './boardHarness.js';
import { addNote } from '../../shared/commands/notes.js';
import type { HistoryAnswer, HistoryEntryView } from '../../shared/history.js';
import type { Role } from '../../shared/constants.js';

afterEach(() => {
  cleanup();
  destroyAll();
  vi.unstubAllGlobals();
});

const ALICE = { id: 'p-alice', name: 'Alice', role: 'participant' as const };
const FRAN = { id: 'p-fran', name: 'Fran', role: 'facilitator' as const };
const entry = (id: number, person: HistoryEntryView['person'], stage: string, text: string, restorable = false): HistoryEntryView => ({
  id,
  at: new Date(Date.UTC(2026, 11, 6, 10, 0, id)).toISOString(),
  person,
  stage,
  doc: 'board',
  kind: 'change',
  text,
  restorable,
});

function stubApi() {
  const entries: HistoryEntryView[] = [
    entry(1, ALICE, 'bottlenecks', 'Alice added a Platform note: “Deploys take hours”'),
    entry(2, FRAN, 'impact', 'Fran moved the workshop to stage 2: Impact mapping'),
    entry(3, ALICE, 'impact', 'Alice deleted a Platform note: “Deploys take hours”', true),
  ];
  const posts: { url: string; headers: Record<string, string>; body: unknown }[] = [];
  const gets: string[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    if (init.method === 'POST') {
      const body = JSON.parse(String(init.body)) as { entryId: number };
      posts.push({ url, headers: init.headers as Record<string, string>, body });
      const restore = url.endsWith('/restore');
      entries.push({ ...entry(entries.length + 1, FRAN, 'impact', restore ? `Fran restored a Platform note (deleted in #${body.entryId})` : `Fran rolled the board back to how it was after #${body.entryId}`), kind: restore ? 'restore' : 'rollback' });
      return new Response(JSON.stringify({ entry: entries.at(-1) }), { status: 201, headers: { 'content-type': 'application/json' } });
    }
    gets.push(url);
    const q = new URL(url, 'http://x').searchParams;
    const answer: HistoryAnswer = {
      entries: entries.filter((e) => (!q.get('person') || e.person.id === q.get('person')) && (!q.get('stage') || e.stage === q.get('stage'))).reverse(),
      people: [ALICE, FRAN],
      stages: ['bottlenecks', 'impact'],
      latest: entries.length,
    };
    return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
  });
  return { entries, posts, gets };
}

function renderPanel(role: Role): Harness {
  const h = makeSession({ role });
  Object.assign(h.session, { personToken: 'person-token-of-fran' });
  render(
    <SessionContext.Provider value={h.session}>
      <HistoryPanel />
    </SessionContext.Provider>,
  );
  return h;
}

const items = (region: HTMLElement) => within(within(region).getByRole('list', { name: 'Changes, newest first' })).queryAllByRole('listitem');

describe('History region', () => {
  it('lists the changes newest first and filters them by person and by stage', async () => {
    const api = stubApi();
    renderPanel('observer');
    const region = await screen.findByRole('region', { name: 'History' });
    await waitFor(() => expect(items(region)).toHaveLength(3));
    expect(items(region)[0]!.textContent).toContain('#3');
    expect(items(region)[0]!.textContent).toContain('Alice deleted a Platform note');
    expect(items(region)[0]!.textContent).toContain('Impact mapping');
    // Observers read only.
    expect(within(region).queryByRole('button', { name: 'Restore' })).toBeNull();
    expect(within(region).queryByRole('button', { name: 'Roll back to here' })).toBeNull();

    const user = userEvent.setup();
    await user.selectOptions(within(region).getByRole('combobox', { name: 'Person' }), 'Fran (facilitator)');
    await waitFor(() => expect(items(region)).toHaveLength(1));
    expect(items(region)[0]!.textContent).toContain('Fran moved the workshop to stage 2');
    expect(api.gets.at(-1)).toContain('person=p-fran');

    await user.selectOptions(within(region).getByRole('combobox', { name: 'Person' }), 'Everyone');
    await user.selectOptions(within(region).getByRole('combobox', { name: 'Stage' }), 'Bottleneck mapping');
    await waitFor(() => expect(items(region)).toHaveLength(1));
    expect(items(region)[0]!.textContent).toContain('Alice added a Platform note');
    expect(api.gets.at(-1)).toContain('stage=bottlenecks');
    expect(api.gets.at(-1)).not.toContain('person=');
  });

  it('lets the facilitator restore a deletion, and roll back only after confirming', async () => {
    const api = stubApi();
    renderPanel('facilitator');
    const region = await screen.findByRole('region', { name: 'History' });
    await waitFor(() => expect(items(region)).toHaveLength(3));
    // Restore only where something was deleted; no Roll back to here on the newest entry (the board is as it was after it).
    expect(within(region).getAllByRole('button', { name: 'Restore' })).toHaveLength(1);
    expect(within(items(region)[0]!).queryByRole('button', { name: 'Roll back to here' })).toBeNull();
    expect(within(region).getAllByRole('button', { name: 'Roll back to here' })).toHaveLength(2);
    const user = userEvent.setup();
    await user.click(within(items(region)[0]!).getByRole('button', { name: 'Restore' }));
    await waitFor(() => expect(api.posts).toHaveLength(1));
    expect(api.posts[0]).toMatchObject({ body: { entryId: 3 }, headers: { 'x-person-token': 'person-token-of-fran' } });
    expect(api.posts[0]!.url).toMatch(/\/history\/restore$/);
    await waitFor(() => expect(items(region)[0]!.textContent).toContain('Fran restored a Platform note (deleted in #3)'));
    expect(within(region).getByRole('status')!.textContent).toContain('Restored what #3 deleted.');
    // The keyboard stays on the entry (its button was disabled while the request ran), not the page body.
    const entryOf = (id: number) => items(region).find((li) => li.textContent!.startsWith(`#${id} `))!;
    await waitFor(() => expect(document.activeElement).toBe(within(entryOf(3)).getByRole('button', { name: 'Restore' })));
    // The restore is the newest entry now: #3 may be rolled back to.
    expect(within(entryOf(3)).getByRole('button', { name: 'Roll back to here' })).toBeTruthy();
    expect(within(entryOf(4)).queryByRole('button', { name: 'Roll back to here' })).toBeNull();

    // Roll back: nothing is sent until confirmed; Cancel sends nothing.
    const first = () => items(region).find((li) => li.textContent!.includes('#1 '))!;
    await user.click(within(first()).getByRole('button', { name: 'Roll back to here' }));
    const confirm = within(region).getByRole('group', { name: 'Confirm roll back to #1' });
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(within(region).queryByRole('group', { name: 'Confirm roll back to #1' })).toBeNull();
    expect(api.posts).toHaveLength(1);
    await user.click(within(first()).getByRole('button', { name: 'Roll back to here' }));
    await user.click(within(within(region).getByRole('group', { name: 'Confirm roll back to #1' })).getByRole('button', { name: 'Roll back' }));
    await waitFor(() => expect(api.posts).toHaveLength(2));
    expect(api.posts[1]).toMatchObject({ body: { entryId: 1 } });
    expect(api.posts[1]!.url).toMatch(/\/history\/rollback$/);
    await waitFor(() => expect(items(region)[0]!.textContent).toContain('Fran rolled the board back to how it was after #1'));
    // The confirmation went away with its focused button: focus is back on entry #1, not on the page body.
    await waitFor(() => expect(document.activeElement).toBe(within(first()).getByRole('button', { name: 'Roll back to here' })));
  });

  it('keeps the keyboard on a restored entry when a reload the restore set off redraws it after the action ended', async () => {
    // As on the server: a restored deletion is restorable no more. Answers to reads are held until
    // the test lets them go, so the panel's own reload (after the POST) can lose to a newer one.
    const entries: HistoryEntryView[] = [
      entry(1, ALICE, 'bottlenecks', 'Alice added a Platform note: “Deploys take hours”'),
      entry(2, ALICE, 'impact', 'Alice deleted a Platform note: “Deploys take hours”', true),
    ];
    let hold = false;
    const held: (() => void)[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
      if (init.method === 'POST') {
        entries[1] = { ...entries[1]!, restorable: false };
        entries.push({ ...entry(3, FRAN, 'impact', 'Fran restored a Platform note (deleted in #2)'), kind: 'restore' });
        return new Response(JSON.stringify({ entry: entries.at(-1) }), { status: 201, headers: { 'content-type': 'application/json' } });
      }
      const answer: HistoryAnswer = { entries: [...entries].reverse(), people: [ALICE, FRAN], stages: ['bottlenecks', 'impact'], latest: entries.length };
      if (hold) await new Promise<void>((r) => held.push(r));
      return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    const h = renderPanel('facilitator');
    const region = await screen.findByRole('region', { name: 'History' });
    await waitFor(() => expect(items(region)).toHaveLength(2));
    const deletion = () => items(region).find((li) => li.textContent!.startsWith('#2 '))!;
    const restore = within(deletion()).getByRole('button', { name: 'Restore' });
    restore.focus();
    hold = true;
    await userEvent.setup().keyboard('{Enter}');
    await waitFor(() => expect(held).toHaveLength(1)); // the panel's reload after the POST
    addNote(h.board, { lane: 'platform', text: 'Deploys take hours', author: { id: 'p-alice', name: 'Alice', color: '#336699' }, now: 1 });
    await waitFor(() => expect(held).toHaveLength(2), { timeout: 2_000 }); // the reload the board's change set off
    held[0]!(); // the panel's own reload answers first, and is stale: the action ends on the old list
    await waitFor(() => expect((within(deletion()).getByRole('button', { name: 'Restore' }) as HTMLButtonElement).disabled).toBe(false));
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))); // the action's own refocus has run
    expect(document.activeElement).toBe(within(deletion()).getByRole('button', { name: 'Restore' }));
    held[1]!(); // then the newer one redraws the entry without its Restore button
    await waitFor(() => expect(items(region)).toHaveLength(3));
    await waitFor(() => expect(document.activeElement).toBe(within(deletion()).getByRole('button', { name: 'Roll back to here' })));
  });

  it('asks again when the board changes', async () => {
    const api = stubApi();
    const h = renderPanel('facilitator');
    const region = await screen.findByRole('region', { name: 'History' });
    await waitFor(() => expect(items(region)).toHaveLength(3));
    // The server recorded a new change; the board update that carries it reaches this screen.
    api.entries.push(entry(4, ALICE, 'impact', 'Alice added a Product note: “Search is slow”'));
    addNote(h.board, { lane: 'product', text: 'Search is slow', author: { id: 'p-alice', name: 'Alice', color: '#123456' }, now: 1 });
    await waitFor(() => expect(items(region)[0]!.textContent).toContain('Alice added a Product note'));
  });
});

// @vitest-environment jsdom
// Every text field stops at its content limit (shared/limits.ts), and a full one says so: one
// notice for the whole page (client/LimitNotice.tsx), mounted by the app on the landing page and
// the workshop page, named after the field's label.
import { afterEach, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../client/App';
import { LimitNotice } from '../../client/LimitNotice';
import { MAX_RATIONALE_LENGTH } from '../../shared/limits';

afterEach(cleanup);

const notice = () => document.querySelector('.limit-notice')!;

it('says a field is full when typing reaches its limit, on the landing page the app renders', async () => {
  render(<App />);
  const user = userEvent.setup();
  await user.click(screen.getByRole('button', { name: 'New workshop' }));
  const title = screen.getByRole('textbox', { name: 'Workshop title' }) as HTMLInputElement;
  expect(title.maxLength).toBeGreaterThan(0);
  expect(notice().textContent).toBe('');
  fireEvent.input(title, { target: { value: 'x'.repeat(title.maxLength - 1) } });
  expect(notice().textContent).toBe(''); // not yet full
  await user.type(title, 'yz'); // the second key does nothing: the field is full
  expect(title.value).toHaveLength(title.maxLength);
  expect(notice().textContent).toBe(`Workshop title holds at most ${title.maxLength} characters.`);
  expect(notice().getAttribute('role')).toBe('status');
});

it("names the field by its label or accessible name, and says so again for a key a full field refuses", () => {
  render(
    <>
      <label>
        Rationale
        <textarea maxLength={MAX_RATIONALE_LENGTH} defaultValue={'r'.repeat(MAX_RATIONALE_LENGTH)} />
      </label>
      <input aria-label="DRI" maxLength={5} defaultValue="Grace" />
      <input aria-label="Unlimited" defaultValue="" />
      <input aria-label="Own hint" maxLength={3} defaultValue="abc" data-limit-hint="own" />
      <LimitNotice />
    </>,
  );
  fireEvent.keyDown(screen.getByRole('textbox', { name: 'Rationale' }), { key: 'a' });
  expect(notice().textContent).toBe(`Rationale holds at most ${MAX_RATIONALE_LENGTH.toLocaleString('en-US')} characters.`);
  fireEvent.keyDown(screen.getByRole('textbox', { name: 'DRI' }), { key: 'Backspace' }); // not a character: nothing new
  expect(notice().textContent).toMatch(/^Rationale/);
  fireEvent.keyDown(screen.getByRole('textbox', { name: 'DRI' }), { key: 'x' });
  expect(notice().textContent).toBe('DRI holds at most 5 characters.');
  fireEvent.input(screen.getByRole('textbox', { name: 'Unlimited' }), { target: { value: 'y'.repeat(10_000) } });
  fireEvent.keyDown(screen.getByRole('textbox', { name: 'Own hint' }), { key: 'd' }); // says it itself (the Note field)
  expect(notice().textContent).toBe('DRI holds at most 5 characters.');
});

// @vitest-environment jsdom
// A workshop link that cannot be loaded because of the network or the server says what to do
// next and offers a Reload button; link problems (4xx) keep their own messages.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { WorkshopPage } from '../../client/workshop/WorkshopPage.js';
import { ErrorScreen } from '../../client/workshop/ErrorScreen.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const openWorkshop = () => render(<WorkshopPage workshopId="w1" token="t1" />);

describe('workshop link errors', () => {
  it('says to check the connection and reload when the server cannot be reached', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    openWorkshop();
    expect((await screen.findByRole('alert')).textContent).toContain('Could not reach the server. Check your connection, then reload the page.');
    expect(screen.getByRole('button', { name: 'Reload' })).toBeTruthy();
  });

  it('says to wait and reload on a server error, not the status code', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response('{}', { status: 503 })));
    openWorkshop();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The server could not answer just now. Wait a moment, then reload the page.');
    expect(alert.textContent).not.toContain('503');
  });

  it('keeps the message of a link the server refuses', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response('{}', { status: 401 })));
    openWorkshop();
    expect((await screen.findByRole('alert')).textContent).toContain('This link is not valid for this workshop.');
  });

  it('reloads when Reload is pressed', async () => {
    const onReload = vi.fn();
    render(<ErrorScreen message="Could not reach the server." onReload={onReload} />);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Reload' }));
    expect(onReload).toHaveBeenCalledOnce();
  });
});

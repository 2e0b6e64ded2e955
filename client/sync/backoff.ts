// Jittered reconnect back-off for the stock y-websocket provider.
//
// The provider retries after min(2^n · 100 ms, maxBackoffTime) with no randomness, so when a
// server restarts every client of every room comes back in the same few milliseconds, and again
// at each doubling. "Full jitter" spreads each retry uniformly over [0, min(max, base · 2^n)],
// which keeps the expected wait short and turns a thundering herd into a trickle.
import type { WebsocketProvider } from 'y-websocket';

export interface BackoffOptions {
  /** Upper bound of the first retry's delay (ms). */
  baseMs?: number;
  /** Upper bound of any retry's delay (ms). */
  maxMs?: number;
  /** Source of randomness in [0, 1); tests pass a seeded one. */
  random?: () => number;
  /** Told each retry as it is scheduled: the delay drawn and the attempt number (0-based). */
  onRetry?: (delayMs: number, attempt: number) => void;
}

/** Delay (ms) before retry number `attempt` (0-based): uniform in [0, min(maxMs, baseMs · 2^attempt)]. */
export function jitteredDelay(attempt: number, { baseMs = 250, maxMs = 5_000, random = Math.random }: BackoffOptions = {}): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/**
 * Makes `provider` reconnect with jittered back-off instead of its own fixed schedule.
 * Closes the provider itself treats as final (4400–4499 by default) and `provider.disconnect()`
 * are left alone. Returns a function that restores the provider's own behaviour.
 */
export function withJitteredBackoff(provider: WebsocketProvider, options: BackoffOptions = {}): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  const cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };

  const onClose = (event: CloseEvent | null) => {
    // shouldConnect is false after disconnect(), or once the provider has given up.
    if (!provider.shouldConnect) return;
    if (event && !provider.shouldReconnect(event, provider)) return;
    // Take the retry over from the provider: its own timer finds shouldConnect false and does nothing.
    provider.shouldConnect = false;
    cancel();
    const delay = jitteredDelay(attempt, options);
    options.onRetry?.(delay, attempt++);
    timer = setTimeout(() => {
      timer = null;
      provider.connect();
    }, delay);
  };
  const onSync = (synced: boolean) => {
    if (synced) attempt = 0;
  };

  // An explicit disconnect (or destroy, which calls it) also cancels a pending retry.
  const ownDisconnect = Object.prototype.hasOwnProperty.call(provider, 'disconnect') ? provider.disconnect : null;
  const disconnect = provider.disconnect.bind(provider);
  provider.disconnect = () => {
    cancel();
    disconnect();
  };
  provider.on('connection-close', onClose);
  provider.on('sync', onSync);

  return () => {
    cancel();
    provider.off('connection-close', onClose);
    provider.off('sync', onSync);
    if (ownDisconnect) provider.disconnect = ownDisconnect;
    else delete (provider as { disconnect?: unknown }).disconnect;
  };
}

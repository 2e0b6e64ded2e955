// Real y-websocket clients (the stock WebsocketProvider) running in Node.
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import { waitFor } from './server.js';

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  closeEvents: { code: number; reason: string }[];
  destroy(): void;
}

/**
 * Connects a stock y-websocket client to `/ws/<workshopId>[/<docName>]`.
 * `token: null` connects without a token; `person` adds a person token (test/helpers/server.ts createPerson).
 */
export function connectClient(
  wsUrl: string,
  workshopId: string,
  token: string | null,
  opts: { docName?: string; doc?: Y.Doc; connect?: boolean; person?: string } = {},
): TestClient {
  const doc = opts.doc ?? new Y.Doc();
  const room = opts.docName ? `${workshopId}/${opts.docName}` : workshopId;
  const provider = new WebsocketProvider(wsUrl, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { ...(token === null ? {} : { token }), ...(opts.person === undefined ? {} : { person: opts.person }) },
    connect: opts.connect ?? true,
    disableBc: true,
    maxBackoffTime: 500,
  });
  const closeEvents: { code: number; reason: string }[] = [];
  provider.on('connection-close', (event: CloseEvent | null) => {
    if (event) closeEvents.push({ code: event.code, reason: String(event.reason) });
  });
  return {
    doc,
    provider,
    closeEvents,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

export const waitSynced = (c: TestClient, timeoutMs = 10_000): Promise<void> =>
  waitFor(() => c.provider.synced, timeoutMs, 'client synced');

/** JSON with object keys sorted, so equal states compare equal whatever their insertion order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Waits until every doc reads the same (compared canonically). */
export async function waitConverged(docs: Y.Doc[], read: (d: Y.Doc) => unknown, timeoutMs = 10_000): Promise<void> {
  await waitFor(
    () => {
      const first = canonical(read(docs[0]!));
      return docs.every((d) => canonical(read(d)) === first);
    },
    timeoutMs,
    'clients to converge',
  );
}

/** Waits until the first close event and returns it. */
export async function waitClosed(c: TestClient, timeoutMs = 5_000): Promise<{ code: number; reason: string }> {
  await waitFor(() => c.closeEvents.length > 0, timeoutMs, 'connection close');
  return c.closeEvents[0]!;
}

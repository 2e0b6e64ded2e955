// A bench worker process: hosts many stock y-websocket clients (WebsocketProvider over `ws`),
// makes some of them edit notes with a send timestamp, and measures edit-to-client latency on
// every receiver. Forked by bench/run.ts; talks to it over IPC (see lib/protocol.ts).
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import { Histogram } from './lib/histogram.js';
import { nowMs } from './lib/proc.js';
import type { ClientSpec, FromWorker, ToWorker, WorkerResult } from './lib/protocol.js';

// Every provider registers a process 'exit' listener.
process.setMaxListeners(0);

let messagesIn = 0;
let messagesOut = 0;

/** The stock `ws` client, counting frames both ways. */
class CountingWebSocket extends WebSocket {
  constructor(address: string, protocols?: string | string[]) {
    super(address, protocols);
    this.on('message', () => void messagesIn++);
    const send = this.send.bind(this);
    this.send = ((...args: Parameters<typeof send>) => {
      messagesOut++;
      send(...args);
    }) as typeof send;
  }
}

interface Client {
  spec: ClientSpec;
  doc: Y.Doc;
  provider: WebsocketProvider;
  notes: Y.Map<Y.Map<unknown>>;
  timer: NodeJS.Timeout | null;
  /** The note this client edits, and how many edits it has made. */
  note: { record: Y.Map<unknown>; text: Y.Text; seq: number } | null;
}

const clients: Client[] = [];
const hist = new Histogram();
let windowStart = Infinity;
let windowEnd = -Infinity;
let editsByRoom: Record<string, number> = {};
let receiptsByRoom: Record<string, number> = {};
let received = 0;
let lastMessageAt = nowMs();

const send = (m: FromWorker) => process.send!(m);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recordReceipt(room: string, ts: unknown, at: number): void {
  if (typeof ts !== 'number' || ts < windowStart || ts >= windowEnd) return;
  hist.record(at - ts);
  receiptsByRoom[room] = (receiptsByRoom[room] ?? 0) + 1;
  received++;
}

function createClient(spec: ClientSpec, index: number): Client {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(spec.url, spec.room, doc, {
    WebSocketPolyfill: CountingWebSocket as unknown as typeof globalThis.WebSocket,
    params: spec.params,
    connect: false,
    disableBc: true,
    maxBackoffTime: 2_000,
  });
  // Presence, as the app sets it; a viewer without presence announces nothing at all.
  if (spec.presence) {
    provider.awareness.setLocalStateField('user', {
      id: `bench-${process.pid}-${index}`,
      name: `Bench ${index}`,
      color: '#336699',
      role: 'participant',
    });
  } else {
    provider.awareness.setLocalState(null);
  }
  const notes = doc.getMap<Y.Map<unknown>>('notes');
  // Edit-to-client latency, measured where the remote edit lands.
  notes.observeDeep((events, tr) => {
    if (tr.origin !== provider) return;
    const at = nowMs();
    lastMessageAt = at;
    for (const ev of events) {
      if (ev.target === notes) {
        for (const key of (ev as Y.YMapEvent<unknown>).keysChanged) {
          const rec = notes.get(key);
          if (rec instanceof Y.Map) for (const [k, v] of rec) if (k.charCodeAt(0) === 115) recordReceipt(spec.room, v, at);
        }
        continue;
      }
      const rec = ev.target as Y.Map<unknown>;
      for (const k of (ev as Y.YMapEvent<unknown>).keysChanged) if (k.charCodeAt(0) === 115) recordReceipt(spec.room, rec.get(k), at);
    }
  });
  provider.on('status', () => void (lastMessageAt = nowMs()));
  doc.on('update', () => void (lastMessageAt = nowMs()));
  provider.awareness.on('update', () => void (lastMessageAt = nowMs()));
  return { spec, doc, provider, notes, timer: null, note: null };
}

async function connectAll(specs: ClientSpec[], perSec: number): Promise<void> {
  const t0 = nowMs();
  const interval = 1000 / Math.max(1, perSec);
  const groups: Record<string, { count: number; failed: number; ms: number }> = {};
  const synced: Promise<void>[] = [];
  for (let i = 0; i < specs.length; i++) {
    const c = createClient(specs[i]!, clients.length);
    clients.push(c);
    const g = (groups[c.spec.group] ??= { count: 0, failed: 0, ms: 0 });
    synced.push(
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          g.failed++;
          resolve();
        }, 60_000);
        c.provider.once('sync', () => {
          clearTimeout(timer);
          g.count++;
          g.ms = Math.max(g.ms, nowMs() - t0);
          resolve();
        });
      }),
    );
    c.provider.connect();
    const due = t0 + (i + 1) * interval;
    const wait = due - nowMs();
    if (wait > 1) await sleep(wait);
  }
  await Promise.all(synced);
  send({ type: 'connected', groups });
}

async function waitQuiet(quietMs: number, maxWaitMs: number): Promise<void> {
  const t0 = nowMs();
  lastMessageAt = Math.max(lastMessageAt, t0 - quietMs / 2);
  while (nowMs() - lastMessageAt < quietMs && nowMs() - t0 < maxWaitMs) await sleep(50);
  send({ type: 'quiet', ms: nowMs() - t0 });
}

async function edit(msg: Extract<ToWorker, { type: 'edit' }>): Promise<void> {
  windowStart = msg.windowStart;
  windowEnd = msg.windowEnd;
  editsByRoom = {};
  receiptsByRoom = {};
  received = 0;
  hist.counts.fill(0);
  hist.total = 0;
  hist.max = 0;
  const period = 1000 / msg.editHz;
  let inWindowIn = 0;
  let inWindowOut = 0;
  setTimeout(() => {
    inWindowIn = messagesIn;
    inWindowOut = messagesOut;
  }, Math.max(0, msg.windowStart - nowMs()));
  const editors = clients.filter((c) => c.spec.editor && c.spec.group === msg.group);
  for (const c of editors) {
    const once = () => {
      const ts = nowMs();
      if (ts >= msg.windowEnd) return;
      c.doc.transact(() => {
        if (!c.note) {
          c.note = { record: new Y.Map<unknown>(), text: new Y.Text(), seq: 0 };
          c.note.record.set('text', c.note.text);
          c.notes.set(`bench-${c.doc.clientID}`, c.note.record);
        }
        const n = c.note;
        n.seq++;
        n.record.set(`s${n.seq}`, ts);
        n.text.insert(n.text.length, ` w${n.seq}`);
      });
      if (ts >= msg.windowStart) editsByRoom[c.spec.room] = (editsByRoom[c.spec.room] ?? 0) + 1;
    };
    // Random phase so editors don't fire in lockstep.
    c.timer = setTimeout(() => {
      once();
      c.timer = setInterval(once, period);
    }, Math.max(0, msg.editStart - nowMs()) + Math.random() * period);
  }
  await sleep(Math.max(0, msg.windowEnd - nowMs()) + 5);
  for (const c of editors) {
    if (c.timer) clearInterval(c.timer);
    c.timer = null;
  }
  windowIn = messagesIn - inWindowIn;
  windowOut = messagesOut - inWindowOut;
  send({ type: 'edited', editsByRoom });
}

let windowIn = 0;
let windowOut = 0;

async function drain(totalEditsByRoom: Record<string, number>, maxWaitMs: number): Promise<void> {
  // A receiver gets every in-window edit of its room except its own.
  const perRoom = new Map<string, number>();
  for (const c of clients) perRoom.set(c.spec.room, (perRoom.get(c.spec.room) ?? 0) + 1);
  let expected = 0;
  for (const [room, n] of perRoom) expected += (totalEditsByRoom[room] ?? 0) * n - (editsByRoom[room] ?? 0);
  const t0 = nowMs();
  while (received < expected && nowMs() - t0 < maxWaitMs) await sleep(20);
  send({ type: 'drained', ms: nowMs() - t0 });
  const result: WorkerResult = {
    hist: hist.toSparse(),
    max: hist.max,
    editsByRoom,
    receiptsByRoom,
    expectedReceipts: expected,
    messagesIn: windowIn,
    messagesOut: windowOut,
  };
  send({ type: 'result', result });
}

async function closeAll(): Promise<void> {
  for (const c of clients.splice(0)) {
    if (c.timer) clearInterval(c.timer);
    c.provider.destroy();
    c.doc.destroy();
  }
  await sleep(100);
  send({ type: 'closed' });
}

process.on('message', (msg: ToWorker) => {
  const run = async () => {
    switch (msg.type) {
      case 'connect':
        return connectAll(msg.clients, msg.connectPerSec);
      case 'quiet':
        return waitQuiet(msg.quietMs, msg.maxWaitMs);
      case 'edit':
        return edit(msg);
      case 'drain':
        return drain(msg.totalEditsByRoom, msg.maxWaitMs);
      case 'close':
        return closeAll();
      case 'exit':
        process.exit(0);
    }
  };
  run().catch((err: unknown) => send({ type: 'error', message: String((err as Error)?.stack ?? err) }));
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });

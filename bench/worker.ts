// A bench worker process: hosts many stock y-websocket clients (WebsocketProvider over `ws`),
// makes some of them edit notes with a send timestamp, and measures edit-to-client latency on
// every receiver. Forked by bench/run.ts; talks to it over IPC (see lib/protocol.ts).
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import { Session } from 'node:inspector/promises';
import fs from 'node:fs';
import path from 'node:path';
import { Histogram } from './lib/histogram.js';
import { nowMs } from './lib/proc.js';
import { slotGroup, slotIndex, type ClientSpec, type FromWorker, type GroupResult, type Schedule, type ToWorker } from './lib/protocol.js';

// Every provider registers a process 'exit' listener.
process.setMaxListeners(0);

interface GroupStats {
  hist: Histogram;
  bySlot: Map<number, Histogram>;
  /** Latency to the first receiver of each edit in this process, and the edits seen so far. */
  first: Histogram;
  seen: Set<number>;
  received: number;
  messagesIn: number;
  messagesOut: number;
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
const stats = new Map<string, GroupStats>();
let schedule: Schedule = { start: Infinity, slotMs: 1, order: [] };
let editsByRoom: Record<string, number> = {};
let lastMessageAt = nowMs();

const send = (m: FromWorker) => process.send!(m);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const statsOf = (group: string): GroupStats => {
  let s = stats.get(group);
  if (!s) stats.set(group, (s = { hist: new Histogram(), bySlot: new Map(), first: new Histogram(), seen: new Set(), received: 0, messagesIn: 0, messagesOut: 0 }));
  return s;
};

/** The stock `ws` client, counting the frames of one group's clients. */
const socketClasses = new Map<string, unknown>();
function countingWebSocket(group: string): unknown {
  const known = socketClasses.get(group);
  if (known) return known;
  const s = statsOf(group);
  class CountingWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols);
      // Counted from the first slot on, whoever's slot it is: a server's fan-out may finish
      // after its slot ends. Divided by the group's own slot time in the report.
      this.on('message', () => {
        if (nowMs() >= schedule.start) s.messagesIn++;
      });
      const sendFrame = this.send.bind(this);
      this.send = ((...args: Parameters<typeof sendFrame>) => {
        if (nowMs() >= schedule.start) s.messagesOut++;
        sendFrame(...args);
      }) as typeof sendFrame;
    }
  }
  socketClasses.set(group, CountingWebSocket);
  return CountingWebSocket;
}

function recordReceipt(group: string, ts: unknown, at: number): void {
  if (typeof ts !== 'number' || slotGroup(schedule, ts) !== group) return;
  const s = statsOf(group);
  s.hist.record(at - ts);
  const k = slotIndex(schedule, ts);
  let h = s.bySlot.get(k);
  if (!h) s.bySlot.set(k, (h = new Histogram()));
  h.record(at - ts);
  s.received++;
  // An edit's send time identifies it (sub-millisecond clock; editors never share one).
  if (!s.seen.has(ts)) {
    s.seen.add(ts);
    s.first.record(at - ts);
  }
}

function createClient(spec: ClientSpec, index: number): Client {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(spec.url, spec.room, doc, {
    WebSocketPolyfill: countingWebSocket(spec.group) as unknown as typeof globalThis.WebSocket,
    params: spec.params,
    connect: false,
    disableBc: true,
    maxBackoffTime: 2_000,
  });
  // Presence, as the app sets it; a viewer without presence announces nothing at all.
  if (spec.presence) {
    provider.awareness.setLocalStateField('user', { id: `bench-${process.pid}-${index}`, name: `Bench ${index}`, color: '#336699', role: 'participant' });
  } else {
    provider.awareness.setLocalState(null);
  }
  const notes = doc.getMap<Y.Map<unknown>>('notes');
  // Edit-to-client latency, measured where the remote edit lands: every `s<n>` key holds the
  // time its edit was made.
  notes.observeDeep((events, tr) => {
    if (tr.origin !== provider) return;
    const at = nowMs();
    lastMessageAt = at;
    for (const ev of events) {
      if (ev.target === notes) {
        for (const key of (ev as Y.YMapEvent<unknown>).keysChanged) {
          const rec = notes.get(key);
          if (rec instanceof Y.Map) for (const [k, v] of rec) if (k.charCodeAt(0) === 115) recordReceipt(spec.group, v, at);
        }
        continue;
      }
      const rec = ev.target as Y.Map<unknown>;
      for (const k of (ev as Y.YMapEvent<unknown>).keysChanged) if (k.charCodeAt(0) === 115) recordReceipt(spec.group, rec.get(k), at);
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
    const wait = t0 + (i + 1) * interval - nowMs();
    if (wait > 1) await sleep(wait);
  }
  await Promise.all(synced);
  send({ type: 'connected', groups });
}

async function waitQuiet(quietMs: number, maxWaitMs: number): Promise<void> {
  const t0 = nowMs();
  lastMessageAt = Math.max(lastMessageAt, t0 - quietMs / 2);
  while (nowMs() - lastMessageAt < quietMs && nowMs() - t0 < maxWaitMs) await sleep(50);
  send({ type: 'quiet' });
}

function edit(c: Client): void {
  const ts = nowMs();
  if (slotGroup(schedule, ts) !== c.spec.group) return;
  c.doc.transact(() => {
    const n = c.note!;
    n.seq++;
    n.record.set(`s${n.seq}`, ts);
    n.text.insert(n.text.length, ` w${n.seq}`);
  });
  editsByRoom[c.spec.room] = (editsByRoom[c.spec.room] ?? 0) + 1;
}

/**
 * Before a run: every client with presence re-announces it, as a real change (both servers
 * relay that at once; ours would hold a bare renewal back for up to 5 s, into the run), and
 * every editor creates the note it will edit, so every measured edit is the same kind of
 * change and the burst of creations is over before the first slot.
 */
function prepare(): void {
  for (const c of clients) {
    if (c.provider.awareness.getLocalState()) c.provider.awareness.setLocalStateField('since', Date.now());
    if (!c.spec.editor || c.note) continue;
    c.note = { record: new Y.Map<unknown>(), text: new Y.Text(), seq: 0 };
    const { record, text } = c.note;
    c.doc.transact(() => {
      record.set('text', text);
      c.notes.set(`bench-${c.doc.clientID}`, record);
    });
  }
}

/**
 * BENCH_WORKER_PROFILE=<dir>: a CPU profile of this worker from the start of each run to the end
 * of its drain, i.e. the measured window only (node's --cpu-prof would include the connects).
 */
const PROFILE_DIR = process.env.BENCH_WORKER_PROFILE;
let profiler: Session | null = null;
async function startProfile(): Promise<void> {
  if (!PROFILE_DIR) return;
  profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
async function stopProfile(): Promise<void> {
  if (!profiler) return;
  const { profile } = await profiler.post('Profiler.stop');
  fs.mkdirSync(PROFILE_DIR!, { recursive: true });
  fs.writeFileSync(path.join(PROFILE_DIR!, `worker-${process.pid}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
  profiler.disconnect();
  profiler = null;
}

async function run(editHz: number, s: Schedule): Promise<void> {
  await startProfile();
  // Counters and histograms are fresh: closeAll() resets them, and nothing counts before a schedule.
  schedule = s;
  editsByRoom = {};
  const editors = clients.filter((c) => c.spec.editor && c.note);
  const end = s.start + s.slotMs * s.order.length;
  // Each editor edits at random (a Poisson process at editHz), so edits neither march in step
  // nor alias with the slot pattern; it only edits while its own server's slot runs.
  const nextDelay = () => (-Math.log(1 - Math.random()) * 1000) / editHz;
  for (const c of editors) {
    const tick = () => {
      edit(c);
      c.timer = nowMs() < end ? setTimeout(tick, nextDelay()) : null;
    };
    c.timer = setTimeout(tick, Math.max(0, s.start - nowMs()) + nextDelay());
  }
  await sleep(Math.max(0, end - nowMs()) + 5);
  for (const c of editors) {
    if (c.timer) clearTimeout(c.timer);
    c.timer = null;
  }
  send({ type: 'ran', editsByRoom });
}

async function drain(totalEditsByRoom: Record<string, number>, maxWaitMs: number): Promise<void> {
  // A receiver gets every in-slot edit of its room except its own.
  const expected = new Map<string, number>();
  const perRoom = new Map<string, { group: string; n: number }>();
  for (const c of clients) {
    const r = perRoom.get(c.spec.room) ?? { group: c.spec.group, n: 0 };
    r.n++;
    perRoom.set(c.spec.room, r);
  }
  for (const [room, { group, n }] of perRoom) {
    expected.set(group, (expected.get(group) ?? 0) + (totalEditsByRoom[room] ?? 0) * n - (editsByRoom[room] ?? 0));
  }
  const t0 = nowMs();
  const missing = () => [...expected].some(([g, e]) => statsOf(g).received < e);
  while (missing() && nowMs() - t0 < maxWaitMs) await sleep(20);
  const results: Record<string, GroupResult> = {};
  for (const [group, e] of expected) {
    const s = statsOf(group);
    const bySlot = Object.fromEntries([...s.bySlot].map(([k, h]) => [k, h.toSparse()]));
    results[group] = { hist: s.hist.toSparse(), max: s.hist.max, bySlot, first: s.first.toSparse(), expected: e, messagesIn: s.messagesIn, messagesOut: s.messagesOut };
  }
  await stopProfile();
  send({ type: 'drained', results });
}

async function closeAll(): Promise<void> {
  for (const c of clients.splice(0)) {
    if (c.timer) clearInterval(c.timer);
    c.provider.destroy();
    c.doc.destroy();
  }
  stats.clear();
  socketClasses.clear();
  schedule = { start: Infinity, slotMs: 1, order: [] };
  await sleep(100);
  send({ type: 'closed' });
}

process.on('message', (msg: ToWorker) => {
  const handle = async () => {
    switch (msg.type) {
      case 'connect':
        return connectAll(msg.clients, msg.connectPerSec);
      case 'quiet':
        return waitQuiet(msg.quietMs, msg.maxWaitMs);
      case 'prepare':
        prepare();
        return send({ type: 'prepared' });
      case 'run':
        return run(msg.editHz, msg.schedule);
      case 'drain':
        return drain(msg.totalEditsByRoom, msg.maxWaitMs);
      case 'close':
        return closeAll();
      case 'exit':
        process.exit(0);
    }
  };
  handle().catch((err: unknown) => send({ type: 'error', message: String((err as Error)?.stack ?? err) }));
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });

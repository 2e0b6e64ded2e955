// A bench worker process: hosts many stock y-websocket clients (WebsocketProvider over `ws`),
// makes some of them edit notes with a send timestamp, and measures edit-to-client latency on
// every receiver. Forked by bench/run.ts; talks to it over IPC (see lib/protocol.ts).
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import { Session } from 'node:inspector/promises';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { Histogram } from './lib/histogram.js';
import { createNote, makeEdit, observeReceipts, type BenchNote } from './lib/edits.js';
import { ThinReceiver, roomUrl } from './lib/thin.js';
import { canonical } from '../test/helpers/clients.js';
import { nowMs } from './lib/proc.js';
import { slotGroup, slotIndex, type ClientSpec, type FromWorker, type GroupResult, type Schedule, type ToWorker } from './lib/protocol.js';

// Every provider registers a process 'exit' listener.
process.setMaxListeners(0);

interface GroupStats {
  hist: Histogram;
  /** Full clients' receipts only (edit to the client's Y.Doc, decoded and applied). */
  fullHist: Histogram;
  bySlot: Map<number, Histogram>;
  /** Latency to the first receiver of each edit in this process, and the edits seen so far. */
  first: Histogram;
  seen: Set<number>;
  received: number;
  receivedFull: number;
  receivedThin: number;
  messagesIn: number;
  messagesOut: number;
  messagesInBySlot: Map<number, number>;
}

interface Client {
  spec: ClientSpec;
  doc: Y.Doc;
  provider: WebsocketProvider;
  notes: Y.Map<Y.Map<unknown>>;
  timer: NodeJS.Timeout | null;
  /** The note this client edits, and how many edits it has made. */
  note: BenchNote | null;
}

interface Thin {
  spec: ClientSpec;
  receiver: ThinReceiver;
}

const clients: Client[] = [];
const thins: Thin[] = [];
const stats = new Map<string, GroupStats>();
let schedule: Schedule = { start: Infinity, slotMs: 1, order: [] };
let editsByRoom: Record<string, number> = {};
let lastMessageAt = nowMs();

const send = (m: FromWorker) => process.send!(m);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const statsOf = (group: string): GroupStats => {
  let s = stats.get(group);
  if (!s) stats.set(group, (s = { hist: new Histogram(), fullHist: new Histogram(), bySlot: new Map(), first: new Histogram(), seen: new Set(), received: 0, receivedFull: 0, receivedThin: 0, messagesIn: 0, messagesOut: 0, messagesInBySlot: new Map() }));
  return s;
};

/** A message received by one of `group`'s clients: counted from the first slot on, and by slot. */
function countIn(group: string, at: number): void {
  if (at < schedule.start) return;
  const s = statsOf(group);
  s.messagesIn++;
  const k = slotIndex(schedule, at);
  s.messagesInBySlot.set(k, (s.messagesInBySlot.get(k) ?? 0) + 1);
}

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
      this.on('message', () => countIn(group, nowMs()));
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

function recordReceipt(group: string, ts: unknown, at: number, thin: boolean): void {
  if (typeof ts !== 'number' || slotGroup(schedule, ts) !== group) return;
  const s = statsOf(group);
  if (thin) s.receivedThin++;
  else {
    s.receivedFull++;
    s.fullHist.record(at - ts);
  }
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
  observeReceipts(notes, provider, (ts, at) => {
    lastMessageAt = at;
    recordReceipt(spec.group, ts, at, false);
  }, nowMs);
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
    const spec = specs[i]!;
    const g = (groups[spec.group] ??= { count: 0, failed: 0, ms: 0 });
    if (spec.thin) {
      const receiver = new ThinReceiver(roomUrl(spec.url, spec.room, spec.params), {
        onFrame: (at, marks) => {
          lastMessageAt = at;
          countIn(spec.group, at);
          for (const ts of marks) recordReceipt(spec.group, ts, at, true);
        },
      });
      thins.push({ spec, receiver });
      synced.push(
        Promise.race([receiver.joined.then(() => true), sleep(60_000).then(() => false)]).then(
          (ok) => {
            if (ok) {
              g.count++;
              g.ms = Math.max(g.ms, nowMs() - t0);
            } else g.failed++;
          },
          () => void g.failed++,
        ),
      );
      const wait = t0 + (i + 1) * interval - nowMs();
      if (wait > 1) await sleep(wait);
      continue;
    }
    const c = createClient(spec, clients.length);
    clients.push(c);
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
  makeEdit(c.doc, c.note!, ts);
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
    c.note = createNote(c.doc, c.notes);
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
  // Counters and histograms are fresh for each run (the orchestrator adds the runs up).
  stats.clear();
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
  for (const c of [...clients, ...thins]) {
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
    results[group] = {
      hist: s.hist.toSparse(),
      max: s.hist.max,
      fullHist: s.fullHist.toSparse(),
      bySlot,
      first: s.first.toSparse(),
      expected: e,
      messagesIn: s.messagesIn,
      messagesOut: s.messagesOut,
      messagesInBySlot: Object.fromEntries(s.messagesInBySlot),
      receivedFull: s.receivedFull,
      receivedThin: s.receivedThin,
      boards: boards(group),
    };
  }
  await stopProfile();
  send({ type: 'drained', results });
}

/** A fingerprint of each full client's board in `group`, by room. */
function boards(group: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of clients) {
    if (c.spec.group !== group) continue;
    const hash = createHash('sha1').update(canonical(c.notes.toJSON())).digest('hex').slice(0, 12);
    (out[c.spec.room] ??= []).push(hash);
  }
  return out;
}

async function closeAll(): Promise<void> {
  for (const t of thins.splice(0)) t.receiver.close();
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

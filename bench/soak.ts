// `npm run soak`: our server (the compiled one `npm start` runs) under churn for SOAK_MIN minutes
// (default 10; SOAK_MIN=60 for an hour, SOAK_MIN=1 for a smoke run). 100 workshops open, edit and
// close over and over (stock y-websocket clients), some clients drop and reconnect, and one slow
// consumer in a busy room stops reading until the server closes it. A workshop has a lifetime
// (SOAK_LIFETIME_MIN, like a real one it ends): then it is left for good and a new one is created
// in its place, so the run keeps creating workshops and what the server keeps per workshop ever
// made would show as growth. The server's own /metrics
// (prom-client) are sampled throughout: resident memory, V8 heap, event-loop delay, loaded
// workshops and connections. A warm-up round of the same churn comes first, and its idle heap is
// the leak check's baseline. At the end every client leaves and the loaded workshops must return
// to 0 (rooms unloaded, nothing holding them); the report gives each figure's slope per hour
// over the run after a warm-up, and a verdict on whether memory stayed flat.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import { ensureServerBuild } from '../scripts/builds.js';
import { createWorkshop } from '../test/helpers/server.js';
import { ROOT, startServer, watchWal, type BenchServer } from './lib/servers.js';
import { cpuSeconds, memory } from './lib/proc.js';

// Every provider registers a process 'exit' listener (hundreds of clients live in this process).
process.setMaxListeners(0);

const MINUTES = Number(process.env.SOAK_MIN ?? 10);
const ROOMS = Number(process.env.SOAK_ROOMS ?? 100);
/** The server's bound on its SQLite WAL (server/config.ts default), passed to it so the report can compare. */
const WAL_MAX_BYTES = Number(process.env.WAL_MAX_BYTES ?? 32 * 2 ** 20);
const SAMPLE_MS = Number(process.env.SOAK_SAMPLE_MS ?? (MINUTES <= 2 ? 2_000 : 5_000));
/** Grace before an empty workshop unloads (the server's ROOM_IDLE_MS): short, so churn unloads rooms. */
const ROOM_IDLE_MS = 2_000;
/** A slow consumer is closed once this much waits unsent to it (the server's MAX_BUFFERED_BYTES). */
const MAX_BUFFERED_BYTES = 512 * 1024;
/**
 * How long one workshop is used before it is left for good and a new one takes its place (each
 * slot's first lifetime is drawn between half and one and a half of it, so the replacements are
 * spread). A Yjs document keeps a struct per write it took (tombstones), so a workshop that stayed
 * busy forever would grow in memory for as long as it is loaded; real workshops end.
 */
const LIFETIME_MS = Number(process.env.SOAK_LIFETIME_MIN ?? Math.min(8, Math.max(1, MINUTES / 4))) * 60_000;
/** The first part of the run is warm-up (JIT, pools, the first rooms): slopes are fitted after it. */
const WARMUP_SHARE = 0.25;
/**
 * The V8 heap between collections is mostly garbage waiting (it swings by 100 MB under churn), so
 * what the server retains is read after a full garbage collection: the server writes a heap
 * snapshot on SIGUSR2 (node's --heapsnapshot-signal), which collects first, into a temporary
 * directory (SOAK_HEAPSNAPSHOT=DIR keeps them there), and /metrics is read right after. Taken
 * about eight times in a run and once after everyone left; each pauses the server for a moment.
 */
const SNAPSHOT_DIR = process.env.SOAK_HEAPSNAPSHOT ?? fs.mkdtempSync(path.join(os.tmpdir(), 'scaleboard-soak-heap-'));
const KEEP_SNAPSHOTS = Boolean(process.env.SOAK_HEAPSNAPSHOT);
/** The warm-up round before the measured run (SOAK_WARM_S seconds), whose idle heap is the leak check's baseline. */
const WARM_UP_MS = Number(process.env.SOAK_WARM_S ?? Math.min(90, Math.max(20, MINUTES * 6))) * 1000;
const RETAINED_EVERY_MS = Math.max(30_000, (MINUTES * 60_000) / 8);

/**
 * The busy room's writes: twenty notes typed into in turn, 1,500 characters at a time (a note holds
 * at most 2,000). Makes the notes in `doc` and returns the k-th write.
 */
function busyNotes(doc: Y.Doc): (k: number) => void {
  const texts = Array.from({ length: 20 }, () => new Y.Text());
  doc.transact(() => {
    texts.forEach((text, i) => {
      const note = new Y.Map<unknown>();
      note.set('text', text);
      doc.getMap<Y.Map<unknown>>('notes').set(`busy-${i}`, note);
    });
  });
  return (k) => {
    const text = texts[k % texts.length]!;
    doc.transact(() => {
      if (text.length) text.delete(0, text.length);
      text.insert(0, 'x'.repeat(1_500));
    });
  };
}

/**
 * What one write leaves in a loaded Yjs document's memory, measured here in-process (the server's
 * document holds the same structs): a fresh document takes `writes` of the busy writer's writes (a
 * note's text replaced) and the heap is read after a full GC before and after.
 */
function memoryPerWrite(writes = 20_000): { bytesPerWrite: number; encodedBytesPerWrite: number } {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const doc = new Y.Doc();
  const write = busyNotes(doc);
  for (let k = 0; k < 1_000; k++) write(k);
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const enc0 = Y.encodeStateAsUpdate(doc).byteLength;
  for (let k = 0; k < writes; k++) write(k);
  gc();
  const heap1 = process.memoryUsage().heapUsed;
  const enc1 = Y.encodeStateAsUpdate(doc).byteLength;
  doc.destroy();
  return { bytesPerWrite: (heap1 - heap0) / writes, encodedBytesPerWrite: (enc1 - enc0) / writes };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rand = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

/** The heap the server retains: a full GC (by a heap snapshot), then its /metrics. */
async function retainedHeapMB(server: BenchServer): Promise<number> {
  fs.mkdirSync(SNAPSHOT_DIR, { recursive: true });
  const before = new Set(fs.readdirSync(SNAPSHOT_DIR));
  process.kill(server.pid, 'SIGUSR2');
  // The snapshot is written on the server's main thread: /metrics answers once it is done.
  await sleep(200);
  const m = await scrape(server);
  if (!KEEP_SNAPSHOTS) for (const f of fs.readdirSync(SNAPSHOT_DIR)) if (!before.has(f)) fs.rmSync(path.join(SNAPSHOT_DIR, f), { force: true });
  return metric(m, 'nodejs_heap_size_used_bytes') / 2 ** 20;
}

interface Retained {
  t: number;
  mb: number;
}

interface Sample {
  t: number;
  rssMB: number;
  heapMB: number;
  lagP99Ms: number;
  lagMaxMs: number;
  rooms: number;
  connections: number;
  clients: number;
  /** The largest the SQLite WAL file has been so far (bounded by WAL_MAX_BYTES). */
  walPeakMB: number;
}

interface Metrics {
  values: Map<string, number>;
}

async function scrape(server: BenchServer): Promise<Metrics> {
  let text = '';
  // A kept-alive connection the server closes just as it is reused (after a snapshot's pause, its
  // keep-alive timer fires at once) fails once: ask again on a new one.
  for (let attempt = 0; ; attempt++) {
    try {
      text = await (await fetch(`${server.httpUrl}/metrics`)).text();
      break;
    } catch (err) {
      if (attempt >= 3) throw err;
      await sleep(200);
    }
  }
  const values = new Map<string, number>();
  for (const m of text.matchAll(/^([a-zA-Z0-9_:]+(?:\{[^}]*\})?) (\S+)$/gm)) values.set(m[1]!, Number(m[2]));
  return { values };
}
const metric = (m: Metrics, name: string): number => m.values.get(name) ?? NaN;

/** Waits (up to the idle grace and 15 s) until the server has no workshop loaded and no connection. */
async function untilIdle(server: BenchServer): Promise<{ m: Metrics; afterMs: number }> {
  const leftAt = Date.now();
  let m = await scrape(server);
  while (Date.now() - leftAt < ROOM_IDLE_MS + 15_000 && (metric(m, 'scaleboard_rooms') > 0 || metric(m, 'scaleboard_ws_connections') > 0)) {
    await sleep(250);
    m = await scrape(server);
  }
  return { m, afterMs: Date.now() - leftAt };
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return sxx ? sxy / sxx : NaN;
}

interface Client {
  doc: Y.Doc;
  provider: WebsocketProvider;
  timer: NodeJS.Timeout | null;
}

/** One workshop's life over and over: 2–8 people join, edit for a while, leave; quiet; again. */
class RoomChurn {
  clients: Client[] = [];
  cycles = 0;
  reconnects = 0;
  edits = 0;
  /** Workshops this slot created after its first (each when the one before reached its lifetime). */
  replaced = 0;
  /** Workshops this slot could not create (when and why). */
  createFailures: string[] = [];
  private stopped = false;
  private retireAt = Date.now() + rand(0.5, 1.5) * LIFETIME_MS;

  constructor(
    private readonly server: BenchServer,
    private id: string,
    private token: string,
    private readonly title: string,
  ) {}

  async run(until: number): Promise<void> {
    // Rooms start at different moments, so opening and closing is spread over the run.
    await sleep(rand(0, 10_000));
    while (!this.stopped && Date.now() < until) {
      if (Date.now() >= this.retireAt) {
        // This workshop is over: it is never opened again, and a new one takes its place. A request
        // that fails (counted and reported) is tried again at the next cycle; the old one goes on.
        try {
          const w = await createWorkshop({ url: this.server.httpUrl }, { title: `${this.title} (${this.replaced + 1})` });
          this.replaced++;
          this.id = w.id;
          this.token = w.tokens.participant;
          this.retireAt = Date.now() + LIFETIME_MS;
        } catch (err) {
          this.createFailures.push(`${new Date().toISOString()} ${(err as Error).message}${(err as { cause?: Error }).cause ? ` (${(err as { cause: Error }).cause.message})` : ''}`);
        }
      }
      const people = Math.floor(rand(2, 9));
      for (let i = 0; i < people; i++) this.join(i);
      const busyUntil = Math.min(until, Date.now() + rand(5_000, 30_000));
      while (!this.stopped && Date.now() < busyUntil) {
        await sleep(rand(1_000, 4_000));
        // Now and then someone's connection drops and comes back (a flaky network).
        const c = this.clients[Math.floor(Math.random() * this.clients.length)];
        if (c && Math.random() < 0.3) {
          c.provider.disconnect();
          this.reconnects++;
          // Back unless it left meanwhile (a destroyed provider must not connect again).
          setTimeout(() => this.clients.includes(c) && c.provider.connect(), rand(200, 1_500));
        }
      }
      this.leaveAll();
      this.cycles++;
      // Quiet for longer than the idle grace, so the workshop unloads before the next cycle.
      await sleep(rand(ROOM_IDLE_MS + 500, ROOM_IDLE_MS + 8_000));
    }
  }

  private join(i: number): void {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(`${this.server.wsBase}`, this.id, doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      params: { token: this.token },
      disableBc: true,
      maxBackoffTime: 1_000,
    });
    provider.awareness.setLocalStateField('user', { id: `soak-${i}`, name: `Soak ${i}`, color: '#336699', role: 'participant' });
    const client: Client = { doc, provider, timer: null };
    const notes = doc.getMap<Y.Map<unknown>>('notes');
    const tick = () => {
      if (provider.wsconnected) {
        doc.transact(() => {
          // The same few notes per seat in every cycle, so the board stays a board's size: a key per
          // client id would add notes every cycle and the board itself would grow without end.
          const key = `soak-${i}-${Math.floor(Math.random() * 5)}`;
          let note = notes.get(key);
          if (!note) {
            note = new Y.Map<unknown>();
            note.set('text', new Y.Text());
            notes.set(key, note);
          }
          const text = note.get('text') as Y.Text;
          // Typing, and clearing past 200 characters: the document grows only by Yjs's record of deletions.
          if (text.length > 200) text.delete(0, text.length);
          else text.insert(text.length, 'soak ');
        });
        this.edits++;
      }
      client.timer = setTimeout(tick, rand(500, 2_500));
    };
    client.timer = setTimeout(tick, rand(200, 1_000));
    this.clients.push(client);
  }

  leaveAll(): void {
    for (const c of this.clients.splice(0)) {
      if (c.timer) clearTimeout(c.timer);
      c.provider.destroy();
      c.doc.destroy();
    }
  }

  stop(): void {
    this.stopped = true;
    this.leaveAll();
  }
}

/**
 * A reader that stops reading: a raw socket in a busy room whose TCP stream is paused. The server
 * must close it once MAX_BUFFERED_BYTES wait for it, instead of holding the room's memory; then it
 * comes back, as a real client would, and does it again.
 */
class SlowConsumer {
  private ws: WebSocket | null = null;
  private stopped = false;

  constructor(
    private readonly server: BenchServer,
    private readonly id: string,
    private readonly token: string,
  ) {}

  start(): void {
    if (this.stopped) return;
    const ws = new WebSocket(`${this.server.wsBase}/${this.id}?token=${this.token}`, { perMessageDeflate: false });
    this.ws = ws;
    // Never reads: the kernel's buffers fill (a few MB on loopback), then the server's queue; past
    // MAX_BUFFERED_BYTES the server closes it (counted in its /metrics, which the sampler watches:
    // a socket that reads nothing never sees the close frame, so the sampler calls closed()).
    ws.on('open', () => (ws as unknown as { _socket: import('node:net').Socket })._socket.pause());
    ws.on('error', () => undefined);
  }

  /** The server closed it: drop the socket and come back, as a real client would. */
  closed(): void {
    this.ws?.terminate();
    if (!this.stopped) setTimeout(() => this.start(), 2_000);
  }

  stop(): void {
    this.stopped = true;
    this.ws?.terminate();
  }
}

/**
 * The slow consumer's busy room, made anew every lifetime like the others (a room written 100 times
 * a second keeps ~100 Yjs structs a second in memory while it stays loaded).
 */
class BusyRoom {
  private writer: { stop(): void } | null = null;
  private slow: SlowConsumer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  made = 0;

  constructor(private readonly server: BenchServer) {}

  /** Workshops it could not create (when and why); it tries again 5 s later. */
  createFailures: string[] = [];

  async start(): Promise<void> {
    let w: Awaited<ReturnType<typeof createWorkshop>>;
    try {
      w = await createWorkshop({ url: this.server.httpUrl }, { title: `Soak slow consumer ${this.made + 1}` });
    } catch (err) {
      this.createFailures.push(`${new Date().toISOString()} ${(err as Error).message}`);
      if (!this.stopped) this.timer = setTimeout(() => void this.start(), 5_000);
      return;
    }
    this.made++;
    if (this.stopped) return;
    this.writer = busyWriter(this.server, w.id, w.tokens.participant);
    this.slow = new SlowConsumer(this.server, w.id, w.tokens.participant);
    this.slow.start();
    this.timer = setTimeout(() => {
      this.leave();
      void this.start();
    }, LIFETIME_MS);
  }

  /** The server closed the slow consumer (seen in its /metrics). */
  slowClosed(): void {
    this.slow?.closed();
  }

  private leave(): void {
    this.writer?.stop();
    this.slow?.stop();
    this.writer = null;
    this.slow = null;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.leave();
  }
}

/** A busy room for the slow consumer: a writer that keeps adding sizeable text. */
function busyWriter(server: BenchServer, id: string, token: string): { stop(): void } {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(server.wsBase, id, doc, { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, params: { token }, disableBc: true });
  const write = busyNotes(doc);
  let k = 0;
  const timer = setInterval(() => provider.wsconnected && write(k++), 10);
  return {
    stop() {
      clearInterval(timer);
      provider.destroy();
      doc.destroy();
    },
  };
}

async function main(): Promise<void> {
  ensureServerBuild();
  const perWrite = memoryPerWrite();
  const started = Date.now();
  const log = (s: string) => console.log(`[soak ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${s}`);
  const loadAvgAtStart = os.loadavg()[0]!;
  // Node prints MaxListenersExceededWarning when listeners pile up on one emitter: watched for the whole run.
  const server = await startServer('ours', { env: { ROOM_IDLE_MS: String(ROOM_IDLE_MS), MAX_BUFFERED_BYTES: String(MAX_BUFFERED_BYTES), WAL_MAX_BYTES: String(WAL_MAX_BYTES), LOG_LEVEL: 'warn' },
    watch: /MaxListenersExceededWarning/,
    nodeArgs: ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${SNAPSHOT_DIR}`],
  });
  log(`server pid ${server.pid}; ${ROOMS} workshops churning for ${MINUTES} min, sampled every ${SAMPLE_MS / 1000} s`);
  // Watched every 20 ms through the warm-up and the whole run (the sample rows show the peak so far).
  const wal = watchWal(server);
  const samples: Sample[] = [];
  const churn: RoomChurn[] = [];
  let busy: BusyRoom | null = null;
  let ended: { rooms: number; connections: number; afterMs: number; rssMB: number; heapMB: number } | null = null;
  let cpu0 = 0;
  let coldMB = 0;
  try {
    // Warm-up: a short round of the same churn on workshops of its own, then everyone leaves and
    // they unload. The leak check's baseline is the retained heap in that idle state: what the
    // server makes once (compiled code, prepared statements, metric series, pools) is made by then,
    // and the heap before any workshop (reported too) would count it as a leak.
    coldMB = await retainedHeapMB(server);
    {
      const warmUntil = Date.now() + WARM_UP_MS;
      const warm: RoomChurn[] = [];
      for (let i = 0; i < ROOMS; i++) {
        const w = await createWorkshop({ url: server.httpUrl }, { title: `Warm-up ${i}` });
        warm.push(new RoomChurn(server, w.id, w.tokens.participant, `Warm-up ${i}`));
      }
      const warmBusy = new BusyRoom(server);
      await warmBusy.start();
      log(`warm-up: ${ROOMS} workshops churning for ${WARM_UP_MS / 1000} s`);
      await Promise.all(warm.map((r) => r.run(warmUntil)));
      warm.forEach((r) => r.stop());
      warmBusy.stop();
      const idle = await untilIdle(server);
      log(`warm-up over: ${metric(idle.m, 'scaleboard_rooms')} workshops loaded, ${metric(idle.m, 'scaleboard_ws_connections')} connections`);
    }
    const idleMB = await retainedHeapMB(server);
    for (let i = 0; i < ROOMS; i++) {
      const w = await createWorkshop({ url: server.httpUrl }, { title: `Soak ${i}` });
      churn.push(new RoomChurn(server, w.id, w.tokens.participant, `Soak ${i}`));
    }
    busy = new BusyRoom(server);
    await busy.start();
    cpu0 = cpuSeconds(server.pid);
    const t0 = Date.now();
    const until = t0 + MINUTES * 60_000;
    const running = churn.map((r) => r.run(until));
    const retained: Retained[] = [{ t: 0, mb: idleMB }];
    const sampler = (async () => {
      let nextLog = 0;
      let nextRetained = RETAINED_EVERY_MS / 1000;
      let slowClosed = 0;
      while (Date.now() < until) {
        await sleep(SAMPLE_MS);
        const m = await scrape(server);
        const closedNow = metric(m, 'scaleboard_ws_rejected_total{reason="slow_consumer"}') || 0;
        if (closedNow > slowClosed) busy!.slowClosed();
        slowClosed = closedNow;
        const s: Sample = {
          t: (Date.now() - t0) / 1000,
          rssMB: metric(m, 'process_resident_memory_bytes') / 2 ** 20,
          heapMB: metric(m, 'nodejs_heap_size_used_bytes') / 2 ** 20,
          lagP99Ms: metric(m, 'nodejs_eventloop_lag_p99_seconds') * 1000,
          lagMaxMs: metric(m, 'nodejs_eventloop_lag_max_seconds') * 1000,
          rooms: metric(m, 'scaleboard_rooms'),
          connections: metric(m, 'scaleboard_ws_connections'),
          clients: churn.reduce((a, r) => a + r.clients.length, 0),
          walPeakMB: wal.peakBytes() / 2 ** 20,
        };
        samples.push(s);
        if (s.t >= nextRetained && Date.now() < until - 5_000) {
          nextRetained = s.t + RETAINED_EVERY_MS / 1000;
          retained.push({ t: (Date.now() - t0) / 1000, mb: await retainedHeapMB(server) });
          log(`retained heap (after a full GC): ${retained.at(-1)!.mb.toFixed(1)} MB`);
        }
        if (s.t >= nextLog) {
          nextLog = s.t + Math.max(30, MINUTES * 6);
          log(`RSS ${s.rssMB.toFixed(0)} MB, heap ${s.heapMB.toFixed(0)} MB, event-loop delay p99 ${s.lagP99Ms.toFixed(1)} ms (max ${s.lagMaxMs.toFixed(0)}), ${s.rooms} workshops loaded, ${s.connections} connections`);
        }
      }
    })();
    await Promise.all([...running, sampler]);
    // Everyone leaves: the workshops must all unload (nothing left holding one).
    churn.forEach((r) => r.stop());
    busy.stop();
    const { m, afterMs } = await untilIdle(server);
    ended = {
      rooms: metric(m, 'scaleboard_rooms'),
      connections: metric(m, 'scaleboard_ws_connections'),
      afterMs,
      rssMB: metric(m, 'process_resident_memory_bytes') / 2 ** 20,
      heapMB: metric(m, 'nodejs_heap_size_used_bytes') / 2 ** 20,
    };
    const afterGcMB = await retainedHeapMB(server);
    log(`retained heap after everyone left: ${afterGcMB.toFixed(1)} MB (idle after the warm-up ${retained[0]!.mb.toFixed(1)} MB, cold ${coldMB.toFixed(1)} MB)`);
    const final = m;
    const walPeakMB = wal.peakBytes() / 2 ** 20;
    wal.stop();
    const cpu = cpuSeconds(server.pid) - cpu0;

    // The report.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const steady = samples.filter((s) => s.t >= MINUTES * 60 * WARMUP_SHARE);
    const perHour = (pick: (s: Sample) => number) => slope(steady.map((s) => s.t / 3600), steady.map(pick));
    const rssSlope = perHour((s) => s.rssMB);
    const heapSlope = perHour((s) => s.heapMB);
    const lagSlope = perHour((s) => s.lagP99Ms);
    const rssMean = mean(steady.map((s) => s.rssMB));
    const heapMean = mean(steady.map((s) => s.heapMB));
    const cycles = churn.reduce((a, r) => a + r.cycles, 0);
    const workshopsMade = ROOMS + churn.reduce((a, r) => a + r.replaced, 0) + busy.made;
    const createFailures = [...churn.flatMap((r) => r.createFailures), ...busy.createFailures].sort();
    const reconnects = churn.reduce((a, r) => a + r.reconnects, 0);
    const edits = churn.reduce((a, r) => a + r.edits, 0);
    const slowClosed = metric(final, 'scaleboard_ws_rejected_total{reason="slow_consumer"}') || 0;
    const listenerWarnings = server.watched().length > 0;
    // Flat: the retained heap (after a full GC) during churn grows by less than 10 % of its mean per
    // hour, and after everyone left it is back within 5 MB of where it started.
    const during = retained.filter((r) => r.t >= MINUTES * 60 * WARMUP_SHARE);
    const retainedSlope = slope(during.map((r) => r.t / 3600), during.map((r) => r.mb));
    const retainedMean = mean(during.map((r) => r.mb));
    const backToStart = afterGcMB - retained[0]!.mb < 5;
    const heapFlat = during.length >= 2 && Number.isFinite(retainedSlope) && retainedSlope < 0.1 * retainedMean;
    const unloaded = ended.rooms === 0 && ended.connections === 0;
    // Under 5 minutes there are too few retained-heap readings for a slope: no verdict on it.
    const judged = MINUTES >= 5;
    // Two questions: does anything outlive its workshop (the leak check), and does the retained
    // heap stay level while the workshops are loaded (it grows with the loaded documents: every
    // write leaves a Yjs struct in memory until the workshop unloads)?
    const leakFree = unloaded && backToStart && !listenerWarnings;
    const verdict = !leakFree || (judged && !heapFlat) ? 'NOT FLAT' : judged ? 'FLAT' : 'not judged (run too short for a slope)';
    const stride = Math.max(1, Math.round(samples.length / 12));
    const rowsShown = samples.filter((_, i) => i % stride === stride - 1 || i === samples.length - 1);
    const head = `${new Date().toISOString()} · ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}) · Node ${process.version} · load average ${loadAvgAtStart.toFixed(1)} at start, ${os.loadavg()[0]!.toFixed(1)} at end · SOAK_MIN=${MINUTES} after a ${WARM_UP_MS / 1000} s warm-up, ${ROOMS} workshops at a time, each used for ${(LIFETIME_MS / 60_000).toFixed(1)} min (SOAK_LIFETIME_MIN), ROOM_IDLE_MS=${ROOM_IDLE_MS}, MAX_BUFFERED_BYTES=${MAX_BUFFERED_BYTES}`;
    const md = [
      `_${head}_`,
      '',
      `${cycles} open–edit–close cycles of ${ROOMS} workshops at a time (2–8 stock y-websocket clients each), ${workshopsMade} workshops made in all (each left for good after its lifetime and replaced by a new one), ${edits} edits, ${reconnects} dropped-and-reconnected clients, ` +
        `the slow consumer closed by the server ${slowClosed} times; server CPU ${(cpu / (MINUTES * 60)) * 100 < 0 ? 0 : ((cpu / (MINUTES * 60)) * 100).toFixed(0)} % of a core.`,
      '',
      createFailures.length
        ? `**${createFailures.length} workshop creations failed** (tried again at the next cycle): ${createFailures.slice(0, 5).join('; ')}${createFailures.length > 5 ? '; …' : ''}\n`
        : 'Every workshop creation succeeded.\n',
      '| minute | RSS MB | V8 heap MB | event-loop delay p99 ms | max ms | workshops loaded | connections | WAL peak so far MB |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...rowsShown.map((s) => `| ${(s.t / 60).toFixed(1)} | ${s.rssMB.toFixed(0)} | ${s.heapMB.toFixed(1)} | ${s.lagP99Ms.toFixed(1)} | ${s.lagMaxMs.toFixed(0)} | ${s.rooms} | ${s.connections} | ${s.walPeakMB.toFixed(1)} |`),
      '',
      `**SQLite WAL: peak ${walPeakMB.toFixed(1)} MB** through the warm-up and the run, against WAL_MAX_BYTES ${(WAL_MAX_BYTES / 2 ** 20).toFixed(0)} MB (${walPeakMB <= WAL_MAX_BYTES / 2 ** 20 ? 'within the bound' : 'PAST the bound'}); ${edits} edits written meanwhile.`,
      '',
      `Retained heap (after a full GC): ${retained.map((r) => `${r.mb.toFixed(1)} MB at ${(r.t / 60).toFixed(1)} min`).join(', ')}; ${afterGcMB.toFixed(1)} MB after everyone left.`,
      '',
      `Slope per hour after the first ${WARMUP_SHARE * 100} % (warm-up), least squares: **retained heap ${retainedSlope >= 0 ? '+' : ''}${retainedSlope.toFixed(1)} MB/h** (mean ${retainedMean.toFixed(1)} MB, ${during.length} readings); ` +
        `over ${steady.length} samples RSS ${rssSlope >= 0 ? '+' : ''}${rssSlope.toFixed(1)} MB/h (mean ${rssMean.toFixed(0)} MB), ` +
        `V8 heap between collections ${heapSlope >= 0 ? '+' : ''}${heapSlope.toFixed(1)} MB/h (mean ${heapMean.toFixed(1)} MB; mostly garbage not yet collected), event-loop delay p99 ${lagSlope >= 0 ? '+' : ''}${lagSlope.toFixed(2)} ms/h. ` +
        `RSS keeps the high-water mark of the heap (freed pages stay with the process), so it follows the swings, not the retained heap.`,
      '',
      `After everyone left: ${ended.rooms} workshops loaded and ${ended.connections} connections ${(ended.afterMs / 1000).toFixed(1)} s later (idle grace ${ROOM_IDLE_MS / 1000} s); RSS ${ended.rssMB.toFixed(0)} MB, heap ${ended.heapMB.toFixed(1)} MB (${afterGcMB.toFixed(1)} MB after a full GC, against ${retained[0]!.mb.toFixed(1)} MB idle after the warm-up and ${coldMB.toFixed(1)} MB cold, before any workshop); ` +
        `${listenerWarnings ? 'a MaxListenersExceededWarning was printed (a listener leak)' : 'no MaxListenersExceededWarning printed'}.`,
      '',
      `**Leak check ${leakFree ? 'PASSED' : 'FAILED'}**: ${unloaded ? 'every workshop unloaded and every connection closed' : 'workshops or connections LEFT OVER'}; ` +
        `retained heap ${backToStart ? 'back within 5 MB of the idle heap after the warm-up' : 'NOT back within 5 MB of the idle heap after the warm-up'} (${afterGcMB.toFixed(1)} against ${retained[0]!.mb.toFixed(1)} MB); ${listenerWarnings ? 'a listener warning' : 'no listener warning'}.`,
      '',
      `**Retained heap while loaded: ${heapFlat ? 'level' : 'GROWING'}** (${retainedSlope >= 0 ? '+' : ''}${retainedSlope.toFixed(1)} MB/h, ${heapFlat ? 'under' : 'not under'} 10 % of its mean per hour${judged ? '' : '; not judged under 5 minutes'}).`,
      '',
      `A loaded document keeps what each write leaves (Yjs tombstones) until the workshop unloads: measured in this process, one of the busy room's writes (a note's 1,500 characters replaced) leaves ${perWrite.bytesPerWrite.toFixed(0)} bytes of heap (${perWrite.encodedBytesPerWrite.toFixed(1)} bytes in the stored, encoded document), so a room written 100 times a second grows by about ${((perWrite.bytesPerWrite * 100 * 3600) / 2 ** 20).toFixed(0)} MB an hour for as long as it stays loaded.`,
      '',
      `**Verdict: memory ${verdict}**.${MINUTES < 30 ? ` A ${MINUTES}-minute run is short for a slope; SOAK_MIN=60 runs an hour.` : ''}`,
      '',
    ].join('\n');
    console.log(`\n<!-- soak: markdown block, ready to paste -->\n${md}<!-- end of soak block -->`);
    const dir = path.join(ROOT, 'bench/results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'soak-latest.md'), md);
    fs.writeFileSync(path.join(dir, 'soak-latest.json'), JSON.stringify({ head, coldMB, walPeakMB, perWrite, workshopsMade, createFailures, samples, retained, afterGcMB, retainedSlope, ended, rssSlope, heapSlope, lagSlope, cycles, edits, reconnects, slowClosed, verdict }, null, 2));
    log(`wrote bench/results/soak-latest.md; peak RSS ${(memory(server.pid).peak / 2 ** 20).toFixed(0)} MB`);
    if (verdict === 'NOT FLAT') process.exitCode = 1;
  } finally {
    wal.stop();
    churn.forEach((r) => r.stop());
    busy?.stop();
    await server.stop();
    if (!KEEP_SNAPSHOTS) fs.rmSync(SNAPSHOT_DIR, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

// One load scenario, run against both servers at once so that whatever else the machine is
// doing weighs on both alike: every client of both servers connects first, then short time
// slots alternate between the servers (ours, stock, stock, ours, …) and only the editors of the
// slot's server edit. Latency, throughput and CPU are summed over each server's own slots;
// memory is read per server process.
import { Histogram, type SparseHistogram } from './histogram.js';
import { pooledQuantile, quantileRatio, sumRatio, type Interval } from './bootstrap.js';
import fs from 'node:fs';
import path from 'node:path';
import { cpuSeconds, memory, nowMs } from './proc.js';
import { createWorkshop } from '../../test/helpers/server.js';
import { startServer, type BenchServer, type ServerKind, watchWal } from './servers.js';
import type { ClientSpec, GroupResult, Schedule } from './protocol.js';
import type { WorkerPool } from './workers.js';

export interface Scenario {
  name: string;
  rooms: number;
  clientsPerRoom: number;
  editorsPerRoom: number;
  /** Edits per second per editor. */
  editHz: number;
  /** Time slots per server, and the length of each. */
  slots: number;
  slotMs: number;
  /** Connection attempts per second (all workers together, both servers). */
  connectPerSec: number;
  /** Who announces presence: everyone (as in the app), or only the editors. */
  presence: 'all' | 'editors';
  /**
   * edits: the editors take turns with the other server's (latency, fan-out). presence: nobody
   * edits; the room is watched for `slots × slotMs` per server at once, long enough for every
   * client to renew its presence (every 15 s), which is then all the traffic there is.
   */
  measure: 'edits' | 'presence';
  /**
   * Edit runs per scenario. One run (both servers' slots) stays under 14 s, before the next
   * presence renewal; presence is re-announced between runs. More runs, more edits per server.
   */
  rounds: number;
  /**
   * Full y-websocket clients per room (editors first); the rest of the room are thin receivers
   * (lib/thin.ts). Undefined: every client is a full one.
   */
  fullPerRoom?: number;
  /**
   * Capacity ladder: clients per room at each step (ascending; fullPerRoom of them full, the rest
   * thin). The room grows step by step (more thin receivers join), each step measured on its own.
   */
  ladder?: number[];
}

export interface ScenarioResult {
  server: ServerKind;
  scenario: string;
  clients: number;
  rooms: number;
  editors: number;
  connectMs: number;
  connectFailed: number;
  editsPerSec: number;
  samples: number;
  /** Share of expected in-window receipts that arrived (1 = every edit reached every client). */
  delivered: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number;
  /**
   * Latency to the first receiver of each edit in each worker process: what the server and the
   * network add, before the simulated clients queue behind one another on two shared cores.
   */
  firstP50: number | null;
  firstP99: number | null;
  /** WebSocket messages per second received by all clients (the server's fan-out) and sent by them. */
  msgsInPerSec: number;
  msgsOutPerSec: number;
  /** Server CPU over its slots, % of one core. */
  cpuPercent: number;
  /** CPU of all client worker processes over the same slots, % of one core (the machine has 2). */
  clientCpuPercent: number;
  peakRssMB: number;
  /** Resident memory added per loaded room (with its clients connected), KB. */
  memPerRoomKB: number;
  /**
   * Adjacent slots compared pairwise (one of each server, half a second apart): a hiccup of the
   * machine hits one slot, so counting per pair is steadier than one pooled percentile.
   */
  paired: PairedComparison | null;
  /** Ours only: from its /metrics after the run. */
  diagnostics: ServerDiagnostics | null;
  /** Ours only: the largest the SQLite WAL file (scaleboard.db-wal) grew through the scenario, MB. */
  walPeakMB: number | null;
  /** Edits made in this server's slots (all runs), and the runs. */
  edits: number;
  rounds: number;
  /** Thin receivers and full clients in the scenario (all rooms). */
  thin: number;
  full: number;
  /** p99 over the full clients' receipts only (edit decoded and applied to their Y.Doc). */
  fullP99: number | null;
  receivedFull: number;
  receivedThin: number;
  /** Every full client of each room ended with the same board (null: nothing to compare). */
  boardsAgree: boolean | null;
  /** Server CPU per message delivered to its clients, µs (over the runs' slot pairs). */
  cpuUsPerMsg: number | null;
  /** Server CPU per delivered edit (an edit reaching one receiver), µs. */
  cpuUsPerDelivery: number | null;
  /** ours/stock with bootstrap 95 % intervals over slot pairs (on both rows of a scenario). */
  ratios: Ratios | null;
}

/** ours/stock with bootstrap 95 % intervals over slot pairs, and ours' own p99 with its interval. */
export interface Ratios {
  p50: Interval;
  p99: Interval;
  cpuPerMsg: Interval;
  /** CPU per delivered edit (one edit reaching one receiver): ours merges a turn's edits into one message, so per message alone would flatter the stock server. */
  cpuPerDelivery: Interval;
  oursP99: Interval;
  stockP99: Interval;
}

/** What our server's own /metrics say about the run: storage writes and event-loop stalls. */
export interface ServerDiagnostics {
  /** Upper bound (ms) of the histogram bucket holding the median / 99th percentile / slowest commit. */
  persistP50Ms: number | null;
  persistP99Ms: number | null;
  persistMaxMs: number | null;
  persistCommits: number;
  eventLoopLagMaxMs: number | null;
  /** Update logs compacted into snapshots during the run (each encodes a whole document on the event loop). */
  compactions: number;
}

type Buckets = [le: number, count: number][];

/** Reads ours' /metrics: the cumulative commit-latency buckets; scraping also restarts the lag window. */
async function scrape(server: BenchServer): Promise<{ buckets: Buckets; lagMaxMs: number | null; compactions: number } | null> {
  try {
    const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
    const buckets: Buckets = [];
    for (const m of text.matchAll(/^scaleboard_persistence_write_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm)) {
      buckets.push([m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2])]);
    }
    const lag = /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text);
    const compactions = Number(/^scaleboard_compactions_total (\S+)$/m.exec(text)?.[1] ?? 0);
    return { buckets, lagMaxMs: lag ? Number(lag[1]) * 1000 : null, compactions };
  } catch {
    return null;
  }
}

/** The run's share: bucket counts after minus before; the lag maximum since the scrape before. */
async function serverDiagnostics(server: BenchServer, before: Awaited<ReturnType<typeof scrape>>): Promise<ServerDiagnostics | null> {
  const after = await scrape(server);
  if (!after) return null;
  const buckets: Buckets = after.buckets.map(([le, n], i) => [le, n - (before?.buckets[i]?.[1] ?? 0)]);
  const count = buckets.at(-1)?.[1] ?? 0;
  const bound = (q: number) => {
    const hit = buckets.find(([, n]) => n >= q * count);
    return hit ? hit[0] * 1000 : null;
  };
  return {
    persistP50Ms: count ? bound(0.5) : null,
    persistP99Ms: count ? bound(0.99) : null,
    persistMaxMs: count ? bound(1) : null,
    persistCommits: count,
    eventLoopLagMaxMs: after.lagMaxMs,
    compactions: after.compactions - (before?.compactions ?? 0),
  };
}

export interface PairedComparison {
  pairs: number;
  /** Pairs in which ours' p99 was at most stock's. */
  oursP99AtMost: number;
  medianP50Ratio: number | null;
  medianP99Ratio: number | null;
}

const median = (xs: number[]): number | null => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Slots 2j and 2j+1 of each run belong to different servers (ABBA); compare them pair by pair, and
 * bootstrap the pooled ratios over the pairs. CPU per message of a pair: each server's CPU in both
 * slots (its fan-out may run past its own slot) over the messages its clients received in them.
 */
function pairSlots(sides: Side[], orders: string[][]): { paired: PairedComparison; ratios: Ratios } | null {
  const ours = sides.find((s) => s.kind === 'ours');
  const stock = sides.find((s) => s.kind === 'stock');
  if (!ours || !stock) return null;
  const p50: number[] = [];
  const p99: number[] = [];
  const hists: { ours: SparseHistogram; stock: SparseHistogram }[] = [];
  const cpu: { oursNum: number; oursDen: number; stockNum: number; stockDen: number }[] = [];
  const perDelivery: { oursNum: number; oursDen: number; stockNum: number; stockDen: number }[] = [];
  let atMost = 0;
  orders.forEach((order, run) => {
    for (let j = 0; j + 1 < order.length; j += 2) {
      const [a, b] = (order[j] === 'ours' ? [j, j + 1] : [j + 1, j]).map((k) => run * SLOT_KEY + k) as [number, number];
      const o = ours.bySlot.get(a);
      const t = stock.bySlot.get(b);
      if (!o?.total || !t?.total) continue;
      hists.push({ ours: o.toSparse(), stock: t.toSparse() });
      const both = (m: Map<number, number>) => (m.get(a) ?? 0) + (m.get(b) ?? 0);
      cpu.push({ oursNum: both(ours.slotCpu), oursDen: both(ours.slotMsgs), stockNum: both(stock.slotCpu), stockDen: both(stock.slotMsgs) });
      perDelivery.push({ oursNum: both(ours.slotCpu), oursDen: o.total, stockNum: both(stock.slotCpu), stockDen: t.total });
      p50.push(o.quantile(0.5)! / t.quantile(0.5)!);
      const r = o.quantile(0.99)! / t.quantile(0.99)!;
      p99.push(r);
      if (r <= 1) atMost++;
    }
  });
  return {
    paired: { pairs: p99.length, oursP99AtMost: atMost, medianP50Ratio: median(p50), medianP99Ratio: median(p99) },
    ratios: {
      p50: quantileRatio(hists, 0.5),
      p99: quantileRatio(hists, 0.99),
      cpuPerMsg: sumRatio(cpu),
      cpuPerDelivery: sumRatio(perDelivery),
      oursP99: pooledQuantile(hists.map((h) => h.ours), 0.99),
      stockP99: pooledQuantile(hists.map((h) => h.stock), 0.99),
    },
  };
}

/** Server CPU µs per message its clients received, over the measured slots (both of each pair). */
function cpuUsPerMsg(side: Side): number | null {
  let cpu = 0;
  let msgs = 0;
  for (const [k, c] of side.slotCpu) {
    cpu += c;
    msgs += side.slotMsgs.get(k) ?? 0;
  }
  return msgs ? (cpu / msgs) * 1e6 : null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const KINDS = ['ours', 'stock'] as const;

interface Side {
  kind: ServerKind;
  server: BenchServer;
  rooms: { room: string; params: Record<string, string> }[];
  baselineRss: number;
  loadedRss: number;
  connectMs: number;
  connectFailed: number;
  hist: Histogram;
  bySlot: Map<number, Histogram>;
  first: Histogram;
  fullHist: Histogram;
  expected: number;
  edits: number;
  msgsIn: number;
  msgsOut: number;
  cpu: number;
  clientCpu: number;
  seconds: number;
  /** By global slot key (run × 1000 + slot): this server's CPU seconds in that slot, and messages its clients received then. */
  slotCpu: Map<number, number>;
  slotMsgs: Map<number, number>;
  receivedFull: number;
  receivedThin: number;
  boards: Map<string, Set<string>>;
  /** Runs whose full clients' boards were compared, and those in which a room's boards differed. */
  boardRuns: number;
  boardMismatches: number;
  rounds: number;
}

async function prepare(kind: ServerKind, sc: Scenario): Promise<Side> {
  const server = await startServer(kind);
  const rooms: Side['rooms'] = [];
  for (let r = 0; r < sc.rooms; r++) {
    if (kind === 'ours') {
      // Real workshops; clients join with the participant token, as the app does.
      const w = await createWorkshop({ url: server.httpUrl }, { title: `Bench ${r}` });
      rooms.push({ room: w.id, params: { token: w.tokens.participant } });
    } else {
      rooms.push({ room: `bench-room-${r}`, params: {} });
    }
  }
  return {
    kind,
    server,
    rooms,
    baselineRss: 0,
    loadedRss: 0,
    connectMs: 0,
    connectFailed: 0,
    ...emptyMeasures(),
  };
}

/** The accumulators a measurement fills (reset between the steps of a capacity ladder). */
function emptyMeasures() {
  return {
    hist: new Histogram(),
    bySlot: new Map<number, Histogram>(),
    first: new Histogram(),
    fullHist: new Histogram(),
    expected: 0,
    edits: 0,
    msgsIn: 0,
    msgsOut: 0,
    cpu: 0,
    clientCpu: 0,
    seconds: 0,
    slotCpu: new Map<number, number>(),
    slotMsgs: new Map<number, number>(),
    receivedFull: 0,
    receivedThin: 0,
    boards: new Map<string, Set<string>>(),
    boardRuns: 0,
    boardMismatches: 0,
    rounds: 0,
  };
}

/** Adds one worker's results of one run; its slots are keyed `offset + slot`. */
function merge(side: Side, r: GroupResult, offset: number): void {
  side.hist.merge(r.hist, r.max);
  side.first.merge(r.first, 0);
  side.fullHist.merge(r.fullHist, 0);
  for (const [k, sparse] of Object.entries(r.bySlot)) {
    let h = side.bySlot.get(offset + Number(k));
    if (!h) side.bySlot.set(offset + Number(k), (h = new Histogram()));
    h.merge(sparse, 0);
  }
  for (const [k, n] of Object.entries(r.messagesInBySlot)) side.slotMsgs.set(offset + Number(k), (side.slotMsgs.get(offset + Number(k)) ?? 0) + n);
  side.expected += r.expected;
  side.msgsIn += r.messagesIn;
  side.msgsOut += r.messagesOut;
  side.receivedFull += r.receivedFull;
  side.receivedThin += r.receivedThin;
  for (const [room, hashes] of Object.entries(r.boards)) {
    let set = side.boards.get(room);
    if (!set) side.boards.set(room, (set = new Set()));
    hashes.forEach((h) => set.add(h));
  }
}

/** Global slot keys: run r's slot k is r × SLOT_KEY + k. */
const SLOT_KEY = 1000;

let runsSoFar = 0;

/** ABBA order (each server goes first as often as second), `slots` slots per server. */
function abba(kinds: readonly ServerKind[], slots: number): string[] {
  const order: string[] = [];
  for (let i = 0; i < slots; i++) order.push(...(i % 2 === 0 ? kinds : [...kinds].reverse()));
  return order;
}

async function editRun(sides: Side[], sc: Scenario, pool: WorkerPool, run: number): Promise<string[]> {
  // Which server opens the run alternates from one scenario to the next, so neither always gets
  // the first slot (the one with cold code paths in the clients).
  const kinds = sides.map((s) => s.kind);
  const schedule: Schedule = { start: nowMs() + 400, slotMs: sc.slotMs, order: abba(runsSoFar++ % 2 ? kinds.reverse() : kinds, sc.slots) };
  const byKind = new Map(sides.map((s) => [s.kind as string, s]));
  const clientCpu = () => pool.pids().reduce((a, p) => a + cpuSeconds(p), 0);
  // At each slot boundary, charge the CPU used since the last one to the server whose slot ended.
  let last: { server: number[]; clients: number } | null = null;
  const timers = schedule.order.map((_, k) =>
    setTimeout(() => {
      const now = { server: sides.map((s) => cpuSeconds(s.server.pid)), clients: clientCpu() };
      if (last && k > 0) {
        sides.forEach((s, i) => s.slotCpu.set(run * SLOT_KEY + k - 1, now.server[i]! - last!.server[i]!));
        const owner = byKind.get(schedule.order[k - 1]!)!;
        const i = sides.indexOf(owner);
        owner.cpu += now.server[i]! - last.server[i]!;
        owner.clientCpu += now.clients - last.clients;
      }
      last = now;
    }, schedule.start + k * sc.slotMs - nowMs()),
  );
  const end = schedule.start + schedule.order.length * sc.slotMs;
  const endTimer = setTimeout(() => {
    if (!last) return;
    const owner = byKind.get(schedule.order[schedule.order.length - 1]!)!;
    const i = sides.indexOf(owner);
    const k = schedule.order.length - 1;
    sides.forEach((s, j) => s.slotCpu.set(run * SLOT_KEY + k, cpuSeconds(s.server.pid) - last!.server[j]!));
    owner.cpu += cpuSeconds(owner.server.pid) - last.server[i]!;
    owner.clientCpu += clientCpu() - last.clients;
    for (const s of sides) s.loadedRss = Math.max(s.loadedRss, memory(s.server.pid).rss);
  }, end - nowMs());
  try {
    const ran = await pool.all({ type: 'run', editHz: sc.editHz, schedule }, 'ran', end - nowMs() + 30_000);
    const totals: Record<string, number> = {};
    for (const r of ran) for (const [room, n] of Object.entries(r.editsByRoom)) totals[room] = (totals[room] ?? 0) + n;
    await sleep(Math.max(0, end - nowMs() + 20));
    const drained = await pool.all({ type: 'drain', totalEditsByRoom: totals, maxWaitMs: 5_000 }, 'drained', 20_000);
    for (const s of sides) s.boards.clear();
    for (const d of drained) for (const [group, r] of Object.entries(d.results)) merge(byKind.get(group)!, r, run * SLOT_KEY);
    for (const s of sides) {
      s.edits += s.rooms.reduce((a, r) => a + (totals[r.room] ?? 0), 0);
      s.seconds += (sc.slots * sc.slotMs) / 1000;
      s.rounds++;
      if (s.boards.size) {
        s.boardRuns++;
        if ([...s.boards.values()].some((h) => h.size > 1)) s.boardMismatches++;
      }
    }
  } finally {
    timers.forEach(clearTimeout);
    clearTimeout(endTimer);
  }
  return schedule.order;
}

/** Both servers watched at once with nobody editing: what presence alone costs each. */
async function presenceRun(sides: Side[], sc: Scenario, pool: WorkerPool): Promise<void> {
  const ms = sc.slots * sc.slotMs;
  const schedule: Schedule = { start: nowMs() + 200, slotMs: ms, order: ['nobody'] };
  await sleep(200);
  const cpu0 = sides.map((s) => cpuSeconds(s.server.pid));
  const client0 = pool.pids().reduce((a, p) => a + cpuSeconds(p), 0);
  await pool.all({ type: 'run', editHz: 1, schedule }, 'ran', ms + 30_000);
  const clientCpu = pool.pids().reduce((a, p) => a + cpuSeconds(p), 0) - client0;
  sides.forEach((s, i) => {
    s.cpu = cpuSeconds(s.server.pid) - cpu0[i]!;
    // Client CPU cannot be split between the two servers' clients here: shown once, for both.
    s.clientCpu = clientCpu;
    s.seconds = ms / 1000;
    s.loadedRss = Math.max(s.loadedRss, memory(s.server.pid).rss);
  });
  const drained = await pool.all({ type: 'drain', totalEditsByRoom: {}, maxWaitMs: 0 }, 'drained', 20_000);
  const byKind = new Map(sides.map((s) => [s.kind as string, s]));
  for (const d of drained) for (const [group, r] of Object.entries(d.results)) merge(byKind.get(group)!, r, 0);
}

/**
 * Connects clients `from` (inclusive) to `to` (exclusive) of every room, of both servers. Client
 * i of each server goes to worker i % W; the two servers' clients are interleaved so both connect
 * at the same pace, and each room's editors are spread over the workers.
 */
async function connectClients(sides: Side[], sc: Scenario, pool: WorkerPool, from: number, to: number, perSec: number): Promise<void> {
  const W = pool.procs.length;
  const perWorker: ClientSpec[][] = Array.from({ length: W }, () => []);
  let i = 0;
  for (let c = from; c < to; c++) {
    for (let r = 0; r < sc.rooms; r++) {
      for (const s of sides) {
        const room = s.rooms[r]!;
        const editor = c < sc.editorsPerRoom;
        const thin = sc.fullPerRoom !== undefined && c >= sc.fullPerRoom;
        perWorker[i % W]!.push({ url: s.server.wsBase, room: room.room, params: room.params, editor, group: s.kind, presence: !thin && (editor || sc.presence === 'all'), thin });
      }
      i++;
    }
  }
  const total = (to - from) * sc.rooms * 2;
  const connected = await pool.all(
    perWorker.map((clients) => ({ type: 'connect' as const, clients, connectPerSec: perSec / W })),
    'connected',
    (total * 1000) / perSec + 90_000,
  );
  for (const s of sides) {
    s.connectMs = Math.max(s.connectMs, ...connected.map((c) => c.groups[s.kind]?.ms ?? 0));
    s.connectFailed += connected.reduce((a, c) => a + (c.groups[s.kind]?.failed ?? 0), 0);
  }
}

/** A scenario's results, one per server, from what the sides measured. */
function results(sides: Side[], sc: Scenario, clientsPerRoom: number, orders: string[][], diagnostics: ServerDiagnostics | null, walPeak: number): ScenarioResult[] {
  const pairing = orders.length ? pairSlots(sides, orders) : null;
  const full = Math.min(clientsPerRoom, sc.fullPerRoom ?? clientsPerRoom);
  return sides.map((s) => ({
    server: s.kind,
    scenario: sc.ladder ? `${sc.name}: ${clientsPerRoom}` : sc.name,
    clients: sc.rooms * clientsPerRoom,
    rooms: sc.rooms,
    editors: sc.rooms * Math.min(sc.editorsPerRoom, clientsPerRoom),
    connectMs: s.connectMs,
    connectFailed: s.connectFailed,
    editsPerSec: s.seconds ? s.edits / s.seconds : 0,
    samples: s.hist.total,
    delivered: s.expected ? s.hist.total / s.expected : null,
    p50: s.hist.quantile(0.5),
    p95: s.hist.quantile(0.95),
    p99: s.hist.quantile(0.99),
    max: s.hist.max,
    firstP50: s.first.quantile(0.5),
    firstP99: s.first.quantile(0.99),
    msgsInPerSec: s.seconds ? s.msgsIn / s.seconds : 0,
    msgsOutPerSec: s.seconds ? s.msgsOut / s.seconds : 0,
    cpuPercent: s.seconds ? (s.cpu / s.seconds) * 100 : 0,
    clientCpuPercent: s.seconds ? (s.clientCpu / s.seconds) * 100 : 0,
    peakRssMB: memory(s.server.pid).peak / 2 ** 20,
    memPerRoomKB: Math.max(0, s.loadedRss - s.baselineRss) / 1024 / sc.rooms,
    paired: pairing?.paired ?? null,
    diagnostics: s.kind === 'ours' ? diagnostics : null,
    walPeakMB: s.kind === 'ours' ? walPeak / 2 ** 20 : null,
    edits: s.edits,
    rounds: s.rounds,
    thin: sc.rooms * (clientsPerRoom - full),
    full: sc.rooms * full,
    fullP99: s.fullHist.quantile(0.99),
    receivedFull: s.receivedFull,
    receivedThin: s.receivedThin,
    boardsAgree: s.boardRuns ? s.boardMismatches === 0 : null,
    cpuUsPerMsg: cpuUsPerMsg(s),
    cpuUsPerDelivery: s.hist.total ? ([...s.slotCpu.values()].reduce((a, b) => a + b, 0) / s.hist.total) * 1e6 : null,
    ratios: pairing?.ratios ?? null,
  }));
}

/**
 * Runs one scenario against both servers at once. With a ladder, the room grows step by step
 * (thin receivers join) and each step is measured and reported as a scenario of its own.
 */
export async function runScenario(sc: Scenario, pool: WorkerPool, progress: (line: string) => void = () => undefined): Promise<ScenarioResult[]> {
  const sides: Side[] = [];
  let wal: ReturnType<typeof watchWal> | null = null;
  const out: ScenarioResult[] = [];
  try {
    for (const kind of KINDS) sides.push(await prepare(kind, sc));
    // Ours' WAL, watched from the first connection to the last edit (WAL_MAX_BYTES bounds it).
    wal = watchWal({ dataDir: sides.find((x) => x.kind === 'ours')?.server.dataDir ?? null });
    await sleep(300);
    for (const s of sides) s.baselineRss = memory(s.server.pid).rss;

    const steps = sc.ladder ?? [sc.clientsPerRoom];
    let connectedSoFar = 0;
    for (const size of steps) {
      // Full clients sync a whole Y.Doc each; thin receivers only open a socket: they join faster.
      const thinOnly = sc.fullPerRoom !== undefined && connectedSoFar >= sc.fullPerRoom;
      await connectClients(sides, sc, pool, connectedSoFar, size, thinOnly ? sc.connectPerSec * 4 : sc.connectPerSec);
      connectedSoFar = size;
      await pool.all({ type: 'quiet', quietMs: 750, maxWaitMs: 20_000 }, 'quiet', 25_000);
      for (const s of sides) {
        Object.assign(s, emptyMeasures());
        s.loadedRss = memory(s.server.pid).rss;
      }

      // Ours' own counters, for the runs only (joining is not part of them).
      const oursSide = sides.find((x) => x.kind === 'ours');
      let before: Awaited<ReturnType<typeof scrape>> = null;
      const orders: string[][] = [];
      if (sc.measure === 'presence') {
        before = oursSide ? await scrape(oursSide.server) : null;
        await presenceRun(sides, sc, pool);
      } else {
        // Presence renewals come every 15 s per client and cost the two servers very differently;
        // the presence scenario measures them. Here they are moved out of the way: before each run
        // everyone renews (and editors create their notes), and the run (both servers' slots) ends
        // within 15 s.
        if (sc.slots * sc.slotMs * 2 > 14_000) throw new Error('edit run longer than 14 s would overlap presence renewals');
        for (let run = 0; run < sc.rounds; run++) {
          await pool.all({ type: 'prepare' }, 'prepared', 10_000);
          await pool.all({ type: 'quiet', quietMs: 500, maxWaitMs: 10_000 }, 'quiet', 15_000);
          if (run === 0) before = oursSide ? await scrape(oursSide.server) : null;
          orders.push(await editRun(sides, sc, pool, run));
        }
      }
      const diagnostics = oursSide ? await serverDiagnostics(oursSide.server, before) : null;
      const step = results(sides, sc, size, orders, diagnostics, wal.peakBytes());
      out.push(...step);
      if (sc.ladder) progress(step.map((r) => `${r.scenario} ${r.server}: p99 ${r.p99} ms, ${r.cpuUsPerMsg?.toFixed(1)} µs/msg, delivered ${((r.delivered ?? 0) * 100).toFixed(1)}%`).join('; '));
    }
    wal.stop();
    await pool.all({ type: 'close' }, 'closed', 30_000);
    return out;
  } catch (err) {
    // Leave the workers clean for the next scenario.
    await pool.all({ type: 'close' }, 'closed', 30_000).catch(() => undefined);
    throw Object.assign(err as Error, { serverTail: sides.map((s) => `--- ${s.kind}\n${s.server.tail()}`).join('\n'), partial: out });
  } finally {
    wal?.stop();
    await Promise.all(sides.map((s) => s.server.stop()));
  }
}

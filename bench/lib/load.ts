// One load scenario, run against both servers at once so that whatever else the machine is
// doing weighs on both alike: every client of both servers connects first, then short time
// slots alternate between the servers (ours, stock, stock, ours, …) and only the editors of the
// slot's server edit. Latency, throughput and CPU are summed over each server's own slots;
// memory is read per server process.
import { Histogram } from './histogram.js';
import fs from 'node:fs';
import path from 'node:path';
import { cpuSeconds, memory, nowMs } from './proc.js';
import { createWorkshop } from '../../test/helpers/server.js';
import { startServer, type BenchServer, type ServerKind } from './servers.js';
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

/** Slots 2j and 2j+1 belong to different servers (ABBA); compare them pair by pair. */
function pairSlots(sides: Side[], order: string[]): PairedComparison | null {
  const ours = sides.find((s) => s.kind === 'ours');
  const stock = sides.find((s) => s.kind === 'stock');
  if (!ours || !stock) return null;
  const p50: number[] = [];
  const p99: number[] = [];
  let atMost = 0;
  for (let j = 0; j + 1 < order.length; j += 2) {
    const [a, b] = order[j] === 'ours' ? [j, j + 1] : [j + 1, j];
    const o = ours.bySlot.get(a);
    const t = stock.bySlot.get(b);
    if (!o?.total || !t?.total) continue;
    p50.push(o.quantile(0.5)! / t.quantile(0.5)!);
    const r = o.quantile(0.99)! / t.quantile(0.99)!;
    p99.push(r);
    if (r <= 1) atMost++;
  }
  return { pairs: p99.length, oursP99AtMost: atMost, medianP50Ratio: median(p50), medianP99Ratio: median(p99) };
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
  expected: number;
  edits: number;
  msgsIn: number;
  msgsOut: number;
  cpu: number;
  clientCpu: number;
  seconds: number;
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
    hist: new Histogram(),
    bySlot: new Map(),
    first: new Histogram(),
    expected: 0,
    edits: 0,
    msgsIn: 0,
    msgsOut: 0,
    cpu: 0,
    clientCpu: 0,
    seconds: 0,
  };
}

function merge(side: Side, r: GroupResult): void {
  side.hist.merge(r.hist, r.max);
  side.first.merge(r.first, 0);
  for (const [k, sparse] of Object.entries(r.bySlot)) {
    let h = side.bySlot.get(Number(k));
    if (!h) side.bySlot.set(Number(k), (h = new Histogram()));
    h.merge(sparse, 0);
  }
  side.expected += r.expected;
  side.msgsIn += r.messagesIn;
  side.msgsOut += r.messagesOut;
}

let runsSoFar = 0;

/** ABBA order (each server goes first as often as second), `slots` slots per server. */
function abba(kinds: readonly ServerKind[], slots: number): string[] {
  const order: string[] = [];
  for (let i = 0; i < slots; i++) order.push(...(i % 2 === 0 ? kinds : [...kinds].reverse()));
  return order;
}

async function editRun(sides: Side[], sc: Scenario, pool: WorkerPool): Promise<string[]> {
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
    for (const d of drained) for (const [group, r] of Object.entries(d.results)) merge(byKind.get(group)!, r);
    for (const s of sides) {
      s.edits = s.rooms.reduce((a, r) => a + (totals[r.room] ?? 0), 0);
      s.seconds = (sc.slots * sc.slotMs) / 1000;
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
  for (const d of drained) for (const [group, r] of Object.entries(d.results)) merge(byKind.get(group)!, r);
}

export async function runScenario(sc: Scenario, pool: WorkerPool): Promise<ScenarioResult[]> {
  const sides: Side[] = [];
  let paired: PairedComparison | null = null;
  let diagnostics: ServerDiagnostics | null = null;
  let walPeak = 0;
  let walTimer: NodeJS.Timeout | null = null;
  try {
    for (const kind of KINDS) sides.push(await prepare(kind, sc));
    // Ours' WAL, watched from the first connection to the last edit (WAL_MAX_BYTES bounds it).
    const oursDir = sides.find((x) => x.kind === 'ours')?.server.dataDir;
    const walFile = oursDir ? path.join(oursDir, 'scaleboard.db-wal') : null;
    const sampleWal = () => {
      try {
        if (walFile) walPeak = Math.max(walPeak, fs.statSync(walFile).size);
      } catch {
        // no WAL yet
      }
    };
    walTimer = setInterval(sampleWal, 20);
    await sleep(300);
    for (const s of sides) s.baselineRss = memory(s.server.pid).rss;

    // Client i of each server goes to worker i % W; the two servers' clients are interleaved
    // so both connect at the same pace, and each room's editors are spread over the workers.
    const W = pool.procs.length;
    const perWorker: ClientSpec[][] = Array.from({ length: W }, () => []);
    let i = 0;
    for (let c = 0; c < sc.clientsPerRoom; c++) {
      for (let r = 0; r < sc.rooms; r++) {
        for (const s of sides) {
          const room = s.rooms[r]!;
          const editor = c < sc.editorsPerRoom;
          perWorker[i % W]!.push({ url: s.server.wsBase, room: room.room, params: room.params, editor, group: s.kind, presence: editor || sc.presence === 'all' });
        }
        i++;
      }
    }
    const total = sc.rooms * sc.clientsPerRoom * 2;
    const connected = await pool.all(
      perWorker.map((clients) => ({ type: 'connect' as const, clients, connectPerSec: sc.connectPerSec / W })),
      'connected',
      (total * 1000) / sc.connectPerSec + 90_000,
    );
    for (const s of sides) {
      s.connectMs = Math.max(...connected.map((c) => c.groups[s.kind]?.ms ?? 0));
      s.connectFailed = connected.reduce((a, c) => a + (c.groups[s.kind]?.failed ?? 0), 0);
    }
    await pool.all({ type: 'quiet', quietMs: 750, maxWaitMs: 20_000 }, 'quiet', 25_000);
    for (const s of sides) s.loadedRss = memory(s.server.pid).rss;

    // Ours' own counters, for the run only (joining is not part of it).
    const oursSide = sides.find((x) => x.kind === 'ours');
    let before: Awaited<ReturnType<typeof scrape>> = null;
    if (sc.measure === 'presence') {
      before = oursSide ? await scrape(oursSide.server) : null;
      await presenceRun(sides, sc, pool);
    } else {
      // Presence renewals come every 15 s per client and cost the two servers very differently;
      // the presence scenario measures them. Here they are moved out of the way: everyone renews
      // now (and editors create their notes), and the run (both servers' slots) ends within 15 s.
      if (sc.slots * sc.slotMs * 2 > 14_000) throw new Error('edit run longer than 14 s would overlap presence renewals');
      await pool.all({ type: 'prepare' }, 'prepared', 10_000);
      await pool.all({ type: 'quiet', quietMs: 500, maxWaitMs: 10_000 }, 'quiet', 15_000);
      before = oursSide ? await scrape(oursSide.server) : null;
      paired = pairSlots(sides, await editRun(sides, sc, pool));
    }
    if (oursSide) diagnostics = await serverDiagnostics(oursSide.server, before);
    clearInterval(walTimer);
    sampleWal();
    await pool.all({ type: 'close' }, 'closed', 30_000);
    return sides.map((s) => ({
      server: s.kind,
      scenario: sc.name,
      clients: sc.rooms * sc.clientsPerRoom,
      rooms: sc.rooms,
      editors: sc.rooms * Math.min(sc.editorsPerRoom, sc.clientsPerRoom),
      connectMs: s.connectMs,
      connectFailed: s.connectFailed,
      editsPerSec: s.edits / s.seconds,
      samples: s.hist.total,
      delivered: s.expected ? s.hist.total / s.expected : null,
      p50: s.hist.quantile(0.5),
      p95: s.hist.quantile(0.95),
      p99: s.hist.quantile(0.99),
      max: s.hist.max,
      firstP50: s.first.quantile(0.5),
      firstP99: s.first.quantile(0.99),
      msgsInPerSec: s.msgsIn / s.seconds,
      msgsOutPerSec: s.msgsOut / s.seconds,
      cpuPercent: (s.cpu / s.seconds) * 100,
      clientCpuPercent: (s.clientCpu / s.seconds) * 100,
      peakRssMB: memory(s.server.pid).peak / 2 ** 20,
      memPerRoomKB: Math.max(0, s.loadedRss - s.baselineRss) / 1024 / sc.rooms,
      paired,
      diagnostics: s.kind === 'ours' ? diagnostics : null,
      walPeakMB: s.kind === 'ours' ? walPeak / 2 ** 20 : null,
    }));
  } catch (err) {
    // Leave the workers clean for the next scenario.
    await pool.all({ type: 'close' }, 'closed', 30_000).catch(() => undefined);
    throw Object.assign(err as Error, { serverTail: sides.map((s) => `--- ${s.kind}\n${s.server.tail()}`).join('\n') });
  } finally {
    if (walTimer) clearInterval(walTimer);
    await Promise.all(sides.map((s) => s.server.stop()));
  }
}

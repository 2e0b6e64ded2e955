// One load scenario, run against both servers at once so that whatever else the machine is
// doing weighs on both alike: every client of both servers connects first, then short edit
// windows alternate between the servers (ours, stock, stock, ours, …). Latency, throughput and
// CPU are summed over each server's own windows; memory is read per server process.
import { Histogram } from './histogram.js';
import { cpuSeconds, memory, nowMs } from './proc.js';
import { createWorkshop, startServer, type BenchServer, type ServerKind } from './servers.js';
import type { ClientSpec, WorkerResult } from './protocol.js';
import type { WorkerPool } from './workers.js';

export interface Scenario {
  name: string;
  rooms: number;
  clientsPerRoom: number;
  editorsPerRoom: number;
  /** Edits per second per editor. */
  editHz: number;
  /** Edit windows per server, and the length of each. */
  windows: number;
  windowMs: number;
  /** Connection attempts per second (all workers together, both servers). */
  connectPerSec: number;
  /** Who announces presence: everyone (as in the app), or only the editors. */
  presence: 'all' | 'editors';
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
  delivered: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number;
  /** WebSocket messages per second received by all clients (the server's fan-out) and sent by them. */
  msgsInPerSec: number;
  msgsOutPerSec: number;
  /** Server CPU over its windows, % of one core. */
  cpuPercent: number;
  /** CPU of all client worker processes over the same windows, % of one core (the machine has 2). */
  clientCpuPercent: number;
  peakRssMB: number;
  /** Resident memory added per loaded room (with its clients connected), KB. */
  memPerRoomKB: number;
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
      const w = await createWorkshop(server, `Bench ${r}`);
      rooms.push({ room: w.id, params: { token: w.token } });
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
    expected: 0,
    edits: 0,
    msgsIn: 0,
    msgsOut: 0,
    cpu: 0,
    clientCpu: 0,
    seconds: 0,
  };
}

async function editWindow(side: Side, sc: Scenario, pool: WorkerPool): Promise<void> {
  const pid = side.server.pid;
  const clientCpu = () => pool.pids().reduce((a, p) => a + cpuSeconds(p), 0);
  const editStart = nowMs() + 100;
  const windowStart = editStart + 500;
  const windowEnd = windowStart + sc.windowMs;
  let cpu0 = 0;
  let client0 = 0;
  let cpu1 = -1;
  let client1 = 0;
  const t0 = setTimeout(() => {
    cpu0 = cpuSeconds(pid);
    client0 = clientCpu();
  }, windowStart - nowMs());
  const t1 = setTimeout(() => {
    cpu1 = cpuSeconds(pid);
    client1 = clientCpu();
    side.loadedRss = Math.max(side.loadedRss, memory(pid).rss);
  }, windowEnd - nowMs());
  const edited = await pool.all({ type: 'edit', group: side.kind, editHz: sc.editHz, editStart, windowStart, windowEnd }, 'edited', sc.windowMs + 30_000);
  clearTimeout(t0);
  clearTimeout(t1);
  if (cpu1 < 0) {
    cpu1 = cpuSeconds(pid);
    client1 = clientCpu();
  }
  const totals: Record<string, number> = {};
  for (const e of edited) for (const [room, n] of Object.entries(e.editsByRoom)) totals[room] = (totals[room] ?? 0) + n;
  const results = pool.procs.map((p) => pool.next(p, 'result', 20_000));
  await pool.all({ type: 'drain', totalEditsByRoom: totals, maxWaitMs: 5_000 }, 'drained', 15_000);
  for (const { result } of await Promise.all(results)) merge(side, result);
  side.edits += Object.values(totals).reduce((a, b) => a + b, 0);
  side.cpu += cpu1 - cpu0;
  side.clientCpu += client1 - client0;
  side.seconds += sc.windowMs / 1000;
}

function merge(side: Side, r: WorkerResult): void {
  side.hist.merge(r.hist, r.max);
  side.expected += r.expectedReceipts;
  side.msgsIn += r.messagesIn;
  side.msgsOut += r.messagesOut;
}

export async function runScenario(sc: Scenario, pool: WorkerPool): Promise<ScenarioResult[]> {
  const sides: Side[] = [];
  try {
    for (const kind of KINDS) sides.push(await prepare(kind, sc));
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

    // ABBA order: each server goes first as often as second.
    for (let w = 0; w < sc.windows; w++) {
      const order = w % 2 === 0 ? sides : [...sides].reverse();
      for (const s of order) await editWindow(s, sc, pool);
    }
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
      delivered: s.expected ? s.hist.total / s.expected : 1,
      p50: s.hist.quantile(0.5),
      p95: s.hist.quantile(0.95),
      p99: s.hist.quantile(0.99),
      max: s.hist.max,
      msgsInPerSec: s.msgsIn / s.seconds,
      msgsOutPerSec: s.msgsOut / s.seconds,
      cpuPercent: (s.cpu / s.seconds) * 100,
      clientCpuPercent: (s.clientCpu / s.seconds) * 100,
      peakRssMB: memory(s.server.pid).peak / 2 ** 20,
      memPerRoomKB: Math.max(0, s.loadedRss - s.baselineRss) / 1024 / sc.rooms,
    }));
  } catch (err) {
    // Leave the workers clean for the next scenario.
    await pool.all({ type: 'close' }, 'closed', 30_000).catch(() => undefined);
    throw Object.assign(err as Error, { serverTail: sides.map((s) => `--- ${s.kind}\n${s.server.tail()}`).join('\n') });
  } finally {
    await Promise.all(sides.map((s) => s.server.stop()));
  }
}

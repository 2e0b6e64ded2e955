// `npm run bench`: our server against the stock y-websocket server, under the same load from
// real y-websocket clients in worker processes, plus cold load, bundle size and board render.
// Loopback only, every wait bounded, the whole run under 10 minutes. BENCH_QUICK=1 for a smoke run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runScenario, type Scenario, type ScenarioResult } from './lib/load.js';
import { WorkerPool } from './lib/workers.js';
import { ROOT } from './lib/servers.js';
import { ensureServerBuild } from '../scripts/builds.js';
import { coldLoad, type ColdLoadResult } from './lib/coldLoad.js';
import { servedBundleSize, productionBuild, type BundleResult } from './lib/bundle.js';
import { boardRender, type BoardRenderOutcome } from './lib/boardRender.js';
import { renderReport, type BenchReport } from './lib/report.js';

const QUICK = process.env.BENCH_QUICK === '1';
const ONLY = process.env.BENCH_ONLY?.split(',').filter(Boolean);
// 40 edits a second in a room (20 editors at 2 a second): 1,000 edits per server take 25 s of
// its slots, five runs, so every scenario's p99 rests on at least 1,000 edits.
const ROOM_RATE = Number(process.env.BENCH_ROOM_RATE ?? 40);
/** Edits per server per scenario the runs are sized for (each run gives ~slots × slotMs × rate). */
const TARGET_EDITS = Number(process.env.BENCH_EDITS ?? (QUICK ? 150 : 1_100));
/** Full y-websocket clients in a big room (editors included); the others are thin receivers. */
const FULL_PER_ROOM = Number(process.env.BENCH_FULL ?? 40);
const ROOMS_EDIT_HZ = Number(process.env.BENCH_ROOMS_EDIT_HZ ?? 0.2);
// Both servers take turns in short slots; more, shorter slots spread the machine's hiccups evenly.
const SLOT_MS = Number(process.env.BENCH_SLOT_MS ?? 500);
// Slots of both servers together stay under 14 s: presence renewals (every 15 s) are moved out of
// the way just before, and measured on their own in the presence scenario.
const SLOTS = Number(process.env.BENCH_SLOTS ?? 13);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const BUDGET_MS = Number(process.env.BENCH_BUDGET_S ?? 580) * 1000;
/** Capacity ladder: clients in one room, step by step: FULL_PER_ROOM full clients, the rest thin receivers. */
const LADDER = (process.env.BENCH_LADDER ?? (QUICK ? '500,1000' : '1000,2000,3000,5000')).split(',').map(Number);
const CAPACITY_RATE = Number(process.env.BENCH_CAPACITY_RATE ?? 20);

/** A generous guess of how long a scenario takes, so the run can stop before the budget. */
const expectedMs = (sc: Scenario): number => {
  const clients = sc.rooms * (sc.ladder ? sc.ladder.at(-1)! : sc.clientsPerRoom);
  const runs = sc.measure === 'edits' ? sc.rounds * (sc.ladder?.length ?? 1) : 1;
  return 8_000 + (clients * 2 * 1000) / sc.connectPerSec + runs * (sc.slots * sc.slotMs * (sc.measure === 'edits' ? 2 : 1) + 1_500) + sc.rooms * 8;
};
/** Runs enough for TARGET_EDITS per server. */
const roundsFor = (editsPerSec: number): number => Math.max(1, Math.ceil(TARGET_EDITS / ((editsPerSec * SLOTS * SLOT_MS) / 1000)));

// One room: ROOM_RATE edits a second in all, from up to 20 editors (each editing its note at
// random moments), with presence; the other clients watch. The same edit rate at every size, so
// what grows is the fan-out. Presence for every viewer too makes joining O(n²) in messages on
// both servers, more than two cores can simulate for 1,000 clients, so it has a scenario of its
// own at 200.
// Rooms bigger than FULL_PER_ROOM are FULL_PER_ROOM full clients (the editors among them) and thin
// receivers for the rest: the servers do the same work per receiver, and two cores can then
// simulate the room without the clients' own queueing setting the tail.
const oneRoom = (clients: number): Scenario => {
  const editors = Math.min(20, clients);
  return {
    name: `1 room × ${clients}`,
    rooms: 1,
    clientsPerRoom: clients,
    editorsPerRoom: editors,
    editHz: ROOM_RATE / editors,
    slots: SLOTS,
    slotMs: SLOT_MS,
    connectPerSec: 250,
    presence: 'editors',
    measure: 'edits',
    rounds: roundsFor(ROOM_RATE),
    ...(clients > FULL_PER_ROOM ? { fullPerRoom: FULL_PER_ROOM } : {}),
  };
};

// In order of what matters most, so that a slow machine drops the last ones (the budget) first.
const ALL: Scenario[] = [
  oneRoom(10),
  oneRoom(200),
  oneRoom(1000),
  // Many small rooms: 2 edits a second in each (200 a second on the server), all ten with presence.
  // BENCH_ROOMS_EDIT_HZ raises each editor's rate (5: 5,000 edits a second, the load under which
  // the WAL once grew by 16 MB a second; the report shows its peak).
  { ...oneRoom(10), name: '100 rooms × 10', rooms: 100, editHz: ROOMS_EDIT_HZ, presence: 'all', rounds: roundsFor(100 * 10 * ROOMS_EDIT_HZ) },
  // Everyone present (as in the app), nobody editing, for one full presence renewal cycle.
  { ...oneRoom(200), name: 'presence: 1 room × 200, idle', editorsPerRoom: 0, presence: 'all', connectPerSec: 100, measure: 'presence', slots: 1, slotMs: 16_000, rounds: 1, fullPerRoom: undefined },
  // Server capacity: one room that grows by thin receivers, CAPACITY_RATE edits a second from 20
  // editors; the largest room each server keeps under 100 ms p99, and its CPU per message.
  {
    ...oneRoom(FULL_PER_ROOM),
    name: 'capacity',
    editHz: CAPACITY_RATE / 20,
    fullPerRoom: FULL_PER_ROOM,
    ladder: LADDER,
    connectPerSec: 250,
    rounds: Number(process.env.BENCH_CAPACITY_ROUNDS ?? 1),
  },
  oneRoom(50),
];
const QUICK_SET: Scenario[] = [oneRoom(10), oneRoom(200), { ...ALL.find((sc) => sc.name === '100 rooms × 10')!, name: '10 rooms × 10', rooms: 10, rounds: roundsFor(10 * 10 * ROOMS_EDIT_HZ) }, ALL.find((sc) => sc.name === 'capacity')!];
// BENCH_ONLY=200,1000,rooms,cold,bundle,render picks parts of the full run.
const SCENARIOS = ONLY ? ALL.filter((sc) => ONLY.some((o) => sc.name.includes(o))) : QUICK ? QUICK_SET : ALL;

async function main(): Promise<void> {
  const started = Date.now();
  // Other work on the machine shows up in latency (not in the per-process CPU figures): record it.
  const loadAvgAtStart = os.loadavg()[0]!;
  const log = (s: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${s}`);
  // Once, before anything is timed (cold load times server starts).
  ensureServerBuild();
  log(`${QUICK ? 'quick' : 'full'} run: ${WORKERS} client workers, ${ROOM_RATE} edits/s per room, ${SLOTS} × ${SLOT_MS} ms slots per server`);

  const skipped: string[] = [];
  // The quick parts first, then the load scenarios with whatever time is left.
  const wantBundle = !ONLY || ONLY.includes('bundle');
  const wantRender = !ONLY || ONLY.includes('render');
  // One production build of the client: its size is the bundle figure, and the board render serves it.
  let build: string | null = null;
  let buildError = '';
  if (wantBundle || wantRender) {
    log('production build of the client…');
    try {
      build = await productionBuild();
    } catch (err) {
      buildError = `client build failed: ${(err as Error).message.split('\n')[0]}`;
    }
  }
  let bundle: BundleResult | null = null;
  let cold: ColdLoadResult | null = null;
  let render: BoardRenderOutcome = { status: 'skipped', reason: 'not requested' };
  try {
    if (wantBundle) {
      if (build) bundle = await servedBundleSize(build);
      else skipped.push(`bundle: ${buildError}`);
    }
    if (!ONLY || ONLY.includes('cold')) {
      log(`cold load of ${QUICK ? '2,000' : '10,000'} updates…`);
      try {
        cold = await coldLoad(QUICK ? 2_000 : 10_000);
      } catch (err) {
        skipped.push(`cold load: ${(err as Error).message}`);
      }
    }
    if (wantRender) {
      if (build) {
        log('board render in headless Chromium…');
        render = await boardRender(QUICK, build);
      } else {
        render = { status: 'failed', reason: buildError };
      }
      if (render.status !== 'ok') skipped.push(`board render: ${render.status}: ${render.reason.split('\n')[0]}`);
    }
  } finally {
    if (build) fs.rmSync(build, { recursive: true, force: true });
  }

  const load: ScenarioResult[] = [];
  const pool = await WorkerPool.start(WORKERS);
  try {
    for (const sc of SCENARIOS) {
      if (Date.now() - started + expectedMs(sc) > BUDGET_MS) {
        skipped.push(`${sc.name}: would not finish within the time budget`);
        continue;
      }
      log(`${sc.name}…`);
      try {
        for (const r of await runScenario(sc, pool, (line) => log(`  ${line}`))) {
          load.push(r);
          log(
            `  ${r.server.padEnd(5)} p50 ${r.p50} p95 ${r.p95} p99 ${r.p99} ms, msgs/s ${r.msgsInPerSec.toFixed(0)}, delivered ${r.delivered === null ? '–' : (r.delivered * 100).toFixed(1) + '%'}, ` +
              `cpu ${r.cpuPercent.toFixed(0)}% (clients ${r.clientCpuPercent.toFixed(0)}%), ${r.cpuUsPerMsg?.toFixed(1)} µs/msg, ${r.edits} edits in ${r.rounds} runs (${r.editsPerSec.toFixed(0)}/s), peak ${r.peakRssMB.toFixed(0)} MB, connect ${r.connectMs.toFixed(0)} ms` +
              (r.boardsAgree === false ? ', full clients’ boards DIFFER' : '') +
              (r.connectFailed > 0 ? `, ${r.connectFailed} of ${r.clients} clients FAILED to connect` : ''),
          );
        }
      } catch (err) {
        log(`  failed: ${(err as Error).message}\n${(err as { serverTail?: string }).serverTail ?? ''}`);
        // A capacity ladder keeps the steps it finished (the failure is the end of the ladder).
        load.push(...((err as { partial?: ScenarioResult[] }).partial ?? []));
        skipped.push(`${sc.name}: ${(err as Error).message}`);
      }
    }
  } finally {
    await pool.stop();
  }

  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memGB: os.totalmem() / 2 ** 30, node: process.version, loadAvgAtStart, loadAvgAtEnd: os.loadavg()[0]! },
    quick: QUICK,
    settings: { workers: WORKERS, roomRate: ROOM_RATE, slotMs: SLOT_MS, slots: SLOTS, targetEdits: TARGET_EDITS, fullPerRoom: FULL_PER_ROOM, capacityRate: CAPACITY_RATE, ladder: LADDER },
    load,
    cold,
    bundle,
    render,
    skipped,
    durationSec: (Date.now() - started) / 1000,
  };
  const { text, markdown } = renderReport(report);
  console.log('\n' + text);
  const dir = path.join(ROOT, 'bench/results');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = report.date.replace(/[:.]/g, '-');
  fs.writeFileSync(path.join(dir, `bench-${stamp}.json`), JSON.stringify(report, null, 2));
  fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(report, null, 2));
  fs.writeFileSync(path.join(dir, 'latest.md'), markdown);
  console.log(`\n<!-- bench ${report.date}: markdown block, ready to paste into bench/RESULTS.md -->\n${markdown}<!-- end of bench block -->\n`);
  log(`wrote bench/results/bench-${stamp}.json and bench/results/latest.md`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

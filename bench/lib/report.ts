// The bench report: a plain-text table for the console and the same figures as Markdown.
import type { ScenarioResult } from './load.js';
import { formatInterval, verdict, type Interval } from './bootstrap.js';
import type { ColdLoadResult } from './coldLoad.js';
import type { BundleResult } from './bundle.js';
import type { BoardRenderOutcome } from './boardRender.js';
import type { BoardRenderResult } from '../board-render.js';

export interface BenchReport {
  date: string;
  machine: { cpus: number; cpuModel: string; memGB: number; node: string; loadAvgAtStart: number; loadAvgAtEnd: number };
  quick: boolean;
  settings: { workers: number; roomRate: number; slotMs: number; slots: number; targetEdits: number; fullPerRoom: number; capacityRate: number; ladder: number[] };
  load: ScenarioResult[];
  cold: ColdLoadResult | null;
  bundle: BundleResult | null;
  render: BoardRenderOutcome;
  skipped: string[];
  durationSec: number;
}

const f = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const ratio = (a: number | null | undefined, b: number | null | undefined): string =>
  a === null || a === undefined || b === null || b === undefined || !b ? '–' : (a / b).toFixed(2);

const COLUMNS = ['scenario', 'server', 'clients (thin)', 'edits (runs)', 'edits/s', 'p50 ms', 'p95 ms', 'p99 ms', 'full clients p99 ms', 'delivered', 'msgs/s to clients', 'server CPU %', 'CPU µs/msg', 'CPU µs/delivered edit', 'peak RSS MB', 'mem/room KB'];

const isCapacity = (r: ScenarioResult) => r.scenario.startsWith('capacity');

function rows(load: ScenarioResult[]): string[][] {
  const out: string[][] = [];
  const names = [...new Set(load.filter((r) => !isCapacity(r)).map((r) => r.scenario))];
  for (const name of names) {
    const ours = load.find((r) => r.scenario === name && r.server === 'ours');
    const stock = load.find((r) => r.scenario === name && r.server === 'stock');
    for (const r of [ours, stock]) {
      if (!r) continue;
      out.push([
        name,
        r.server,
        `${r.clients}${r.thin ? ` (${r.thin})` : ''}`,
        r.edits ? `${r.edits} (${r.rounds})` : '–',
        f(r.editsPerSec, 0),
        f(r.p50, 2),
        f(r.p95, 2),
        f(r.p99, 2),
        r.thin ? f(r.fullP99, 2) : '',
        r.delivered === null ? '–' : `${f(r.delivered * 100, 1)}%${r.boardsAgree === false ? ' boards DIFFER' : ''}`,
        f(r.msgsInPerSec, 0),
        f(r.cpuPercent, 0),
        f(r.cpuUsPerMsg, 1),
        f(r.cpuUsPerDelivery, 2),
        f(r.peakRssMB, 0),
        f(r.memPerRoomKB, 0),
      ]);
    }
    if (ours && stock) {
      const iv = ours.ratios;
      out.push([
        name,
        'ours/stock',
        '',
        '',
        '',
        iv ? formatInterval(iv.p50) : ratio(ours.p50, stock.p50),
        ratio(ours.p95, stock.p95),
        iv ? formatInterval(iv.p99) : ratio(ours.p99, stock.p99),
        ratio(ours.fullP99, stock.fullP99),
        '',
        ratio(ours.msgsInPerSec, stock.msgsInPerSec),
        ratio(ours.cpuPercent, stock.cpuPercent),
        iv ? formatInterval(iv.cpuPerMsg) : ratio(ours.cpuUsPerMsg, stock.cpuUsPerMsg),
        iv ? formatInterval(iv.cpuPerDelivery) : ratio(ours.cpuUsPerDelivery, stock.cpuUsPerDelivery),
        ratio(ours.peakRssMB, stock.peakRssMB),
        ratio(ours.memPerRoomKB, stock.memPerRoomKB),
      ]);
    }
  }
  return out;
}

const RATIO_COLUMNS = ['scenario', 'slot pairs', 'edits ours / stock', 'p50 ours/stock [95% CI]', '', 'p99 ours/stock [95% CI]', '', 'CPU/msg ours/stock [95% CI]', '', 'CPU/delivered edit ours/stock [95% CI]', ''];

function ratioRows(load: ScenarioResult[]): string[][] {
  return load
    .filter((r) => r.server === 'ours' && r.ratios)
    .map((r) => {
      const stock = load.find((x) => x.server === 'stock' && x.scenario === r.scenario);
      const iv = r.ratios!;
      return [r.scenario, String(iv.p99.pairs), `${r.edits} / ${stock?.edits ?? '–'}`, formatInterval(iv.p50), verdict(iv.p50), formatInterval(iv.p99), verdict(iv.p99), formatInterval(iv.cpuPerMsg), verdict(iv.cpuPerMsg), formatInterval(iv.cpuPerDelivery), verdict(iv.cpuPerDelivery)];
    });
}

const CAPACITY_COLUMNS = ['receivers (full)', 'ours p50 / p99 ms [p99 95% CI]', 'stock p50 / p99 ms [p99 95% CI]', 'p99 ours/stock [95% CI]', 'delivered ours / stock', 'CPU µs/msg ours / stock', 'CPU/msg ours/stock [95% CI]', 'CPU µs/delivered edit ours / stock', 'CPU/delivered edit ours/stock [95% CI]', 'msgs/s ours / stock', 'edits ours / stock'];

function capacityRows(load: ScenarioResult[]): string[][] {
  return load
    .filter((r) => isCapacity(r) && r.server === 'ours')
    .map((r) => {
      const st = load.find((x) => x.server === 'stock' && x.scenario === r.scenario);
      const iv = r.ratios;
      const pct = (x: ScenarioResult | undefined) => (x?.delivered == null ? '–' : `${f(x.delivered * 100, 1)}%${x.boardsAgree === false ? ' (boards DIFFER)' : ''}`);
      return [
        `${r.clients} (${r.full})`,
        `${f(r.p50, 2)} / ${f(r.p99, 1)}${iv ? ` [${f(iv.oursP99.lo, 1)}–${f(iv.oursP99.hi, 1)}]` : ''}`,
        st ? `${f(st.p50, 2)} / ${f(st.p99, 1)}${iv ? ` [${f(iv.stockP99.lo, 1)}–${f(iv.stockP99.hi, 1)}]` : ''}` : '–',
        iv ? formatInterval(iv.p99) : '–',
        `${pct(r)} / ${pct(st)}`,
        `${f(r.cpuUsPerMsg, 1)} / ${f(st?.cpuUsPerMsg, 1)}`,
        iv ? `${formatInterval(iv.cpuPerMsg)} ${verdict(iv.cpuPerMsg)}` : '–',
        `${f(r.cpuUsPerDelivery, 2)} / ${f(st?.cpuUsPerDelivery, 2)}`,
        iv ? `${formatInterval(iv.cpuPerDelivery)} ${verdict(iv.cpuPerDelivery)}` : '–',
        `${f(r.msgsInPerSec, 0)} / ${f(st?.msgsInPerSec, 0)}`,
        `${r.edits} / ${st?.edits ?? '–'}`,
      ];
    });
}

/**
 * The largest room of the ladder whose p99 stays under `limit` ms at that step and every smaller
 * one; "surely" when the upper end of its 95 % interval is under it too.
 */
export function largestUnder(load: ScenarioResult[], server: 'ours' | 'stock', limit: number): { clients: number | null; surely: number | null; tried: number } {
  const steps = load.filter((r) => isCapacity(r) && r.server === server).sort((a, b) => a.clients - b.clients);
  let clients: number | null = null;
  let surely: number | null = null;
  let sure = true;
  for (const r of steps) {
    if (r.p99 === null || r.p99 >= limit || (r.delivered ?? 0) < 0.999) break;
    clients = r.clients;
    // Both rows of a step carry the step's intervals.
    const hi = (server === 'ours' ? r.ratios?.oursP99.hi : r.ratios?.stockP99.hi) ?? null;
    sure = sure && hi !== null && hi < limit;
    if (sure) surely = r.clients;
  }
  return { clients, surely, tried: steps.at(-1)?.clients ?? 0 };
}

function textTable(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function mdTable(header: string[], body: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** SPEC section 5 targets, checked against the run. 'unclear': the 95 % interval straddles the limit. */
type Met = boolean | 'unclear' | null;

const byInterval = (iv: Interval | undefined, limit = 1): Met => {
  const v = iv ? verdict(iv, limit) : '?';
  return v === 'met' ? true : v === 'MISSED' ? false : v === 'unclear' ? 'unclear' : null;
};

export function targets(report: BenchReport): { target: string; measured: string; met: Met }[] {
  const out: { target: string; measured: string; met: Met }[] = [];
  // Every ratio target is met only when its whole 95 % interval is at or under 1.
  for (const r of report.load.filter((x) => x.server === 'ours' && x.ratios && !isCapacity(x))) {
    const iv = r.ratios!;
    out.push({ target: `ours/stock p50 ≤ 1.0 (${r.scenario})`, measured: formatInterval(iv.p50), met: byInterval(iv.p50) });
    out.push({ target: `ours/stock p99 ≤ 1.0 (${r.scenario})`, measured: formatInterval(iv.p99), met: byInterval(iv.p99) });
    out.push({ target: `ours/stock CPU per message ≤ 1.0 (${r.scenario})`, measured: formatInterval(iv.cpuPerMsg), met: byInterval(iv.cpuPerMsg) });
    out.push({ target: `ours/stock CPU per delivered edit ≤ 1.0 (${r.scenario})`, measured: formatInterval(iv.cpuPerDelivery), met: byInterval(iv.cpuPerDelivery) });
  }
  for (const r of report.load.filter((x) => x.server === 'ours' && x.ratios && isCapacity(x))) {
    out.push({ target: `ours/stock CPU per message ≤ 1.0 (${r.scenario} receivers)`, measured: formatInterval(r.ratios!.cpuPerMsg), met: byInterval(r.ratios!.cpuPerMsg) });
    out.push({ target: `ours/stock CPU per delivered edit ≤ 1.0 (${r.scenario} receivers)`, measured: formatInterval(r.ratios!.cpuPerDelivery), met: byInterval(r.ratios!.cpuPerDelivery) });
    out.push({ target: `ours/stock p99 ≤ 1.0 (${r.scenario} receivers)`, measured: formatInterval(r.ratios!.p99), met: byInterval(r.ratios!.p99) });
  }
  const main = (clients: number) => report.load.find((r) => r.rooms === 1 && r.clients === clients && r.server === 'ours' && !isCapacity(r));
  const cap = (clients: number) => report.load.find((r) => r.clients === clients && r.server === 'ours' && isCapacity(r));
  for (const [clients, limit, r] of [
    [200, 50, main(200)],
    [1000, 100, main(1000)],
    [1000, 100, cap(1000)],
  ] as const) {
    const iv = r?.ratios?.oursP99;
    out.push({
      target: `p99 < ${limit} ms at ${clients} clients${r && isCapacity(r) ? ' (capacity, thin receivers)' : ''}`,
      measured: r ? `${f(r.p99, 1)} ms${iv?.lo != null ? ` [${f(iv.lo, 1)}–${f(iv.hi, 1)}]` : ''}` : 'not run',
      met: byInterval(iv, limit),
    });
  }
  if (report.load.some(isCapacity)) {
    for (const server of ['ours', 'stock'] as const) {
      const l = largestUnder(report.load, server, 100);
      out.push({
        target: `largest room under 100 ms p99, ${server} (ladder up to ${l.tried})`,
        measured: l.clients === null ? 'none' : `${l.clients} receivers${l.surely !== l.clients ? ` (interval under 100 ms up to ${l.surely ?? 'none'})` : ''}`,
        met: null,
      });
    }
  }
  // As downloaded from our server by a browser that accepts gzip only (brotli is smaller still).
  if (report.bundle) out.push({ target: 'client bundle < 200 KB gzipped (initial JS+CSS, as served)', measured: `${f(report.bundle.initialGzipKB, 1)} KB (br ${f(report.bundle.initialBrotliKB, 1)} KB)`, met: report.bundle.initialGzipKB < 200 });
  if (report.render.status === 'ok') {
    const r = report.render.result;
    // The SPEC's "renders": Join pressed once the board has synced behind the name form (a second
    // after it appeared) to every note painted; Join pressed at once (connect + sync + render) beside it.
    out.push({ target: '300-note board renders < 200 ms (Join 1 s after the form, to all notes painted)', measured: `${f(r.settledJoinMs, 0)} ms`, met: r.settledJoinMs < 200 });
    out.push({ target: '300-note board < 200 ms from Join pressed at once (connect + sync + render)', measured: `${f(r.renderMs, 0)} ms`, met: r.renderMs < 200 });
    // 60 fps: frames of 16.7 ms; requestAnimationFrame deltas jitter by a fraction of a ms. No frames: no drag (an observer run).
    if (r.dragFrames) out.push({ target: 'drag at 60 fps (p95 frame ≤ 17 ms)', measured: `p50 ${f(r.dragFrameMsP50, 1)} ms, p95 ${f(r.dragFrameMsP95, 1)} ms`, met: r.dragFrameMsP95 <= 17 });
  }
  return out;
}

const PAIRED_COLUMNS = ['scenario', 'slot pairs', 'ours p99 ≤ stock p99', 'median ratio p50', 'median ratio p99', 'first receiver p50/p99 ours', 'stock'];

function pairedRows(load: ScenarioResult[]): string[][] {
  return load
    .filter((r) => r.server === 'ours' && r.paired && r.paired.pairs > 0 && !isCapacity(r))
    .map((r) => {
      const stock = load.find((x) => x.server === 'stock' && x.scenario === r.scenario);
      return [
        r.scenario,
        String(r.paired!.pairs),
        `${r.paired!.oursP99AtMost}/${r.paired!.pairs}`,
        f(r.paired!.medianP50Ratio, 2),
        f(r.paired!.medianP99Ratio, 2),
        `${f(r.firstP50, 2)} / ${f(r.firstP99, 2)} ms`,
        stock ? `${f(stock.firstP50, 2)} / ${f(stock.firstP99, 2)} ms` : '–',
      ];
    });
}

const DIAG_COLUMNS = ['scenario', 'storage commits', 'commit p50 ≤ ms', 'p99 ≤ ms', 'slowest ≤ ms', 'longest event-loop stall ms', 'compactions', 'WAL peak MB'];

function diagRows(load: ScenarioResult[]): string[][] {
  return load
    .filter((r) => r.server === 'ours' && r.diagnostics && !isCapacity(r))
    .map((r) => {
      const d = r.diagnostics!;
      return [
        r.scenario,
        String(d.persistCommits),
        f(d.persistP50Ms, 1),
        f(d.persistP99Ms, 1),
        f(d.persistMaxMs, 1),
        f(d.eventLoopLagMaxMs, 0),
        String(d.compactions ?? '–'),
        f(r.walPeakMB, 1),
      ];
    });
}

/** The board render bench (bench/board-render.ts) in words: the phases from Join, then drag frames. */
function boardRenderLines(r: BoardRenderResult): string[] {
  const p = r.phases;
  const at = (v: number | null) => `${f(v, 0)} ms`;
  const requests = Object.entries(r.requestsDuringLoad)
    .map(([path, n]) => `${path} ×${n}`)
    .join(', ');
  return [
    `board render (headless Chromium, ${r.notes} notes): ${at(r.settledJoinMs)} from Join to every note painted when Join is pressed ` +
      `a second after the name form appeared (longest task ${at(r.settledLongestTaskMs)}); ` +
      `${at(r.renderMs)} from Join pressed the moment the name is typed ` +
      `(${at(r.fromOpenMs)} from opening the link, the name typed at once); relative to Join (negative: behind the name form): ` +
      `socket open at ${at(p.connectedMs)}, the board's state arrived at ${at(p.syncArrivedMs)}, document synced at ${at(p.syncedMs)}, ` +
      `first notes at ${at(p.firstNotesMs)}; render from synced (or Join) to all painted ${at(r.renderAfterSyncMs)}; longest task ${at(r.longestTaskMs)}` +
      (requests ? `; requests during the load: ${requests}` : ''),
    ...(r.dragFrames ? [`board drag (mouse, across lanes): frames p50 ${f(r.dragFrameMsP50, 1)} ms, p95 ${f(r.dragFrameMsP95, 1)} ms over ${r.dragFrames} frames`] : []),
  ];
}

export function renderReport(report: BenchReport): { text: string; markdown: string } {
  const body = rows(report.load);
  const ratiosBody = ratioRows(report.load);
  const capacity = capacityRows(report.load);
  const paired = pairedRows(report.load);
  const diag = diagRows(report.load);
  const t = targets(report);
  const mark = (m: Met) => (m === null ? '–' : m === 'unclear' ? 'unclear' : m ? 'met' : 'MISSED');
  const cold = report.cold;
  const coldLines = cold
    ? [
        `cold load, ${cold.updates} updates (${cold.notes} notes, ${f(cold.historyBytes / 1024, 0)} KB of history), each load in a fresh server process, ` +
          `to a fresh client holding the whole board: ` +
          `first load (the full history in storage) ours ${f(cold.ours.first.ms, 0)} ms, stock (y-leveldb) ${f(cold.stock.first.ms, 0)} ms, ours/stock ${ratio(cold.ours.first.ms, cold.stock.first.ms)}; ` +
          `second load (what the first left: ours ${cold.ours.second.storedUpdates} stored update(s), compacted when the room unloaded at shutdown; ` +
          `stock ${cold.stock.second.storedUpdates} stored update(s), y-leveldb having merged the history while loading it the first time) ` +
          `ours ${f(cold.ours.second.ms, 0)} ms, stock ${f(cold.stock.second.ms, 0)} ms, ours/stock ${ratio(cold.ours.second.ms, cold.stock.second.ms)}; ` +
          `ours runs ws ${cold.ours.ws}, the stock server ws ${cold.stock.ws}`,
      ]
    : ['cold load: not run'];
  const bundleLines = report.bundle
    ? [
        `client bundle as our server sends it: ${f(report.bundle.initialBrotliKB, 1)} KB with brotli, ${f(report.bundle.initialGzipKB, 1)} KB with gzip loaded up front; ` +
          `${f(report.bundle.totalBrotliKB, 1)} / ${f(report.bundle.totalGzipKB, 1)} KB in all ` +
          `(${report.bundle.files.map((x) => `${x.file}: ${x.bytes} B, ${x.brEncoding} ${x.brBytes} B, ${x.gzipEncoding} ${x.gzipBytes} B`).join('; ')})`,
      ]
    : ['client bundle: not measured'];
  // Clients that did not sync within the worker's 60 s are otherwise only in the JSON: say so.
  const failedLines = report.load
    .filter((r) => r.connectFailed > 0)
    .map((r) => `${r.scenario}, ${r.server}: ${r.connectFailed} of ${r.clients} clients FAILED to connect and sync within 60 s`);
  const boardLines = report.load.filter((r) => r.boardsAgree === false).map((r) => `${r.scenario}, ${r.server}: full clients' boards DIFFER after a run`);
  const renderLines = report.render.status === 'ok' ? boardRenderLines(report.render.result) : [`board render: ${report.render.status} (${report.render.reason})`];
  const st = report.settings;
  const head =
    `${report.date} · ${report.machine.cpus} cores (${report.machine.cpuModel}) · ${f(report.machine.memGB, 0)} GB · Node ${report.machine.node} · load average ${f(report.machine.loadAvgAtStart, 1)} at start, ${f(report.machine.loadAvgAtEnd, 1)} at end` +
    ` · ${st.workers} client worker processes · ${st.roomRate} edits/s per room (1-room scenarios) in runs of ${st.slots} × ${st.slotMs} ms slots per server, alternating, sized for ${st.targetEdits} edits per server` +
    ` · rooms over ${st.fullPerRoom} clients: ${st.fullPerRoom} full clients, the rest thin receivers · capacity ladder ${st.ladder.join(', ')} at ${st.capacityRate} edits/s${report.quick ? ' · QUICK' : ''}`;
  const capacityIntro = `Capacity: one room growing by thin receivers (${st.fullPerRoom} full clients check correctness: every edit delivered, boards equal), ${st.capacityRate} edits a second; server CPU (utime+stime from /proc) per message its clients received:`;
  const largest = (['ours', 'stock'] as const).map((s) => {
    const l = largestUnder(report.load, s, 100);
    return `${s} ${l.clients ?? 'none'}${l.surely !== l.clients ? ` (95 % interval under 100 ms up to ${l.surely ?? 'none'})` : ''}`;
  });
  const text = [
    head,
    '',
    textTable(COLUMNS, body),
    '',
    'ours/stock, pooled over the runs, with bootstrap 95 % intervals over slot pairs (met: the whole interval ≤ 1; MISSED: the whole interval > 1; unclear: it straddles 1):',
    textTable(RATIO_COLUMNS, ratiosBody),
    '',
    ...(capacity.length ? [capacityIntro, textTable(CAPACITY_COLUMNS, capacity), `largest room with p99 under 100 ms (every step up to it): ${largest.join('; ')}`, ''] : []),
    'adjacent slots compared pairwise (ours/stock), and latency to the first receiver in each worker process:',
    textTable(PAIRED_COLUMNS, paired),
    '',
    "ours' own view of each run (its /metrics: SQLite commits before relaying, event-loop stalls, compactions; and the largest its WAL file grew):",
    textTable(DIAG_COLUMNS, diag),
    '',
    ...failedLines,
    ...boardLines,
    ...coldLines,
    ...bundleLines,
    ...renderLines,
    '',
    'targets (SPEC section 5):',
    ...t.map((x) => `  ${mark(x.met).padEnd(7)} ${x.target}: ${x.measured}`),
    ...(report.skipped.length ? ['', 'skipped or failed:', ...report.skipped.map((s) => `  ${s}`)] : []),
    '',
    `run took ${f(report.durationSec, 0)} s`,
  ].join('\n');
  const markdown = [
    `_${head}; the run took ${f(report.durationSec, 0)} s._`,
    '',
    mdTable(COLUMNS, body),
    '',
    'ours/stock pooled over the runs, with bootstrap 95 % intervals over slot pairs: **met** only when the whole interval is ≤ 1, **MISSED** when it is all above 1, **unclear** when it straddles 1.',
    '',
    mdTable(RATIO_COLUMNS, ratiosBody),
    '',
    ...(capacity.length ? [capacityIntro, '', mdTable(CAPACITY_COLUMNS, capacity), '', `Largest room with p99 under 100 ms (at that step and every smaller one): ${largest.join('; ')}.`, ''] : []),
    'Adjacent half-second slots compared pairwise (ours/stock), and latency to the first receiver of each edit in each worker process:',
    '',
    mdTable(PAIRED_COLUMNS, paired),
    '',
    "Ours' own view of each run (its `/metrics`): SQLite commits made before relaying, the longest event-loop stall, and compactions; and the largest its WAL file (`scaleboard.db-wal`, bounded by `WAL_MAX_BYTES`) grew through the scenario:",
    '',
    mdTable(DIAG_COLUMNS, diag),
    '',
    ...[...failedLines, ...boardLines, ...coldLines, ...bundleLines, ...renderLines].map((l) => `- ${l}`),
    '',
    '| target (SPEC §5, issue 18) | measured | verdict |',
    '|---|---:|---|',
    ...t.map((x) => `| ${x.target} | ${x.measured} | ${x.met === false ? '**MISSED**' : x.met === true ? '**met**' : mark(x.met)} |`),
    ...(report.skipped.length ? ['', 'Skipped or failed:', ...report.skipped.map((s) => `- ${s}`)] : []),
    '',
  ].join('\n');
  return { text, markdown };
}

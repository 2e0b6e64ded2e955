// The bench report: a plain-text table for the console and the same figures as Markdown.
import type { ScenarioResult } from './load.js';
import type { ColdLoadResult } from './coldLoad.js';
import type { BundleResult } from './bundle.js';
import type { BoardRenderOutcome } from './boardRender.js';
import type { BoardRenderResult } from '../board-render.js';

export interface BenchReport {
  date: string;
  machine: { cpus: number; cpuModel: string; memGB: number; node: string; loadAvgAtStart: number; loadAvgAtEnd: number };
  quick: boolean;
  settings: { workers: number; roomRate: number; slotMs: number; slots: number };
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

const COLUMNS = ['scenario', 'server', 'edits/s', 'p50 ms', 'p95 ms', 'p99 ms', 'delivered', 'msgs/s to clients', 'server CPU %', 'peak RSS MB', 'mem/room KB'];

function rows(load: ScenarioResult[]): string[][] {
  const out: string[][] = [];
  const names = [...new Set(load.map((r) => r.scenario))];
  for (const name of names) {
    const ours = load.find((r) => r.scenario === name && r.server === 'ours');
    const stock = load.find((r) => r.scenario === name && r.server === 'stock');
    for (const r of [ours, stock]) {
      if (!r) continue;
      out.push([
        name,
        r.server,
        f(r.editsPerSec, 0),
        f(r.p50, 2),
        f(r.p95, 2),
        f(r.p99, 2),
        r.delivered === null ? '–' : `${f(r.delivered * 100, 1)}%`,
        f(r.msgsInPerSec, 0),
        f(r.cpuPercent, 0),
        f(r.peakRssMB, 0),
        f(r.memPerRoomKB, 0),
      ]);
    }
    if (ours && stock) {
      out.push([
        name,
        'ours/stock',
        '',
        ratio(ours.p50, stock.p50),
        ratio(ours.p95, stock.p95),
        ratio(ours.p99, stock.p99),
        '',
        ratio(ours.msgsInPerSec, stock.msgsInPerSec),
        ratio(ours.cpuPercent, stock.cpuPercent),
        ratio(ours.peakRssMB, stock.peakRssMB),
        ratio(ours.memPerRoomKB, stock.memPerRoomKB),
      ]);
    }
  }
  return out;
}

function textTable(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function mdTable(header: string[], body: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** SPEC section 5 targets, checked against the run. */
type Met = boolean | 'mixed' | null;

export function targets(report: BenchReport): { target: string; measured: string; met: Met }[] {
  const get = (clients: number, server: 'ours' | 'stock') => report.load.find((r) => r.rooms === 1 && r.clients === clients && r.server === server);
  const out: { target: string; measured: string; met: Met }[] = [];
  for (const r of report.load.filter((x) => x.server === 'ours' && x.p99 !== null)) {
    const stock = report.load.find((x) => x.server === 'stock' && x.scenario === r.scenario);
    const q = r.p99 !== null && stock?.p99 ? r.p99 / stock.p99 : null;
    const pm = r.paired?.medianP99Ratio ?? null;
    const pairedText = r.paired && pm !== null ? `; paired slots: median ${pm.toFixed(2)}, ours ≤ stock in ${r.paired.oursP99AtMost}/${r.paired.pairs}` : '';
    // met: the pooled p99 ratio is ≤ 1. mixed: it is not, but the median of the paired slots is.
    const met = q === null ? null : q <= 1.0 ? true : pm !== null && pm <= 1.0 ? 'mixed' : false;
    out.push({ target: `ours/stock p99 ≤ 1.0 (${r.scenario})`, measured: q === null ? '–' : `pooled ${q.toFixed(2)}${pairedText}`, met });
  }
  for (const [clients, limit] of [
    [200, 50],
    [1000, 100],
  ] as const) {
    const r = get(clients, 'ours');
    out.push({ target: `p99 < ${limit} ms at ${clients} clients`, measured: r ? `${f(r.p99, 1)} ms` : 'not run', met: r?.p99 == null ? null : r.p99 < limit });
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
    .filter((r) => r.server === 'ours' && r.paired && r.paired.pairs > 0)
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
    .filter((r) => r.server === 'ours' && r.diagnostics)
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
  const paired = pairedRows(report.load);
  const diag = diagRows(report.load);
  const t = targets(report);
  const mark = (m: Met) => (m === null ? '?' : m === 'mixed' ? 'mixed' : m ? 'met' : 'MISSED');
  const cold = report.cold;
  const coldLines = cold
    ? [
        `cold load, ${cold.updates} updates (${cold.notes} notes, ${f(cold.historyBytes / 1024, 0)} KB of history): ` +
          `ours ${f(cold.ours.ms, 0)} ms` +
          `, stock (y-leveldb) ${f(cold.stock.ms, 0)} ms, ours/stock ${ratio(cold.ours.ms, cold.stock.ms)}`,
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
  const renderLines = report.render.status === 'ok' ? boardRenderLines(report.render.result) : [`board render: ${report.render.status} (${report.render.reason})`];
  const head = `${report.date} · ${report.machine.cpus} cores (${report.machine.cpuModel}) · ${f(report.machine.memGB, 0)} GB · Node ${report.machine.node} · load average ${f(report.machine.loadAvgAtStart, 1)} at start, ${f(report.machine.loadAvgAtEnd, 1)} at end` +
    ` · ${report.settings.workers} client worker processes · ${report.settings.roomRate} edits/s per room (1-room scenarios) · ${report.settings.slots} × ${report.settings.slotMs} ms slots per server, alternating${report.quick ? ' · QUICK' : ''}`;
  const text = [
    head,
    '',
    textTable(COLUMNS, body),
    '',
    'adjacent slots compared pairwise (ours/stock), and latency to the first receiver in each worker process:',
    textTable(PAIRED_COLUMNS, paired),
    '',
    "ours' own view of each run (its /metrics: SQLite commits before relaying, event-loop stalls, compactions; and the largest its WAL file grew):",
    textTable(DIAG_COLUMNS, diag),
    '',
    ...failedLines,
    ...coldLines,
    ...bundleLines,
    ...renderLines,
    '',
    'targets (SPEC section 5):',
    ...t.map((x) => `  ${mark(x.met).padEnd(6)} ${x.target}: ${x.measured}`),
    ...(report.skipped.length ? ['', 'skipped or failed:', ...report.skipped.map((s) => `  ${s}`)] : []),
    '',
    `run took ${f(report.durationSec, 0)} s`,
  ].join('\n');
  const markdown = [
    `_${head}_`,
    '',
    mdTable(COLUMNS, body),
    '',
    'Adjacent half-second slots compared pairwise (ours/stock), and latency to the first receiver of each edit in each worker process (what the server and the network add before the simulated clients queue behind one another):',
    '',
    mdTable(PAIRED_COLUMNS, paired),
    '',
    "Ours' own view of each run (its `/metrics`): SQLite commits made before relaying, the longest event-loop stall, and compactions; and the largest its WAL file (`scaleboard.db-wal`, bounded by `WAL_MAX_BYTES`) grew through the scenario:",
    '',
    mdTable(DIAG_COLUMNS, diag),
    '',
    ...[...failedLines, ...coldLines, ...bundleLines, ...renderLines].map((l) => `- ${l}`),
    '',
    '| target (SPEC §5) | measured | |',
    '|---|---:|---|',
    ...t.map((x) => `| ${x.target} | ${x.measured} | ${mark(x.met)} |`),
    ...(report.skipped.length ? ['', 'Skipped or failed:', ...report.skipped.map((s) => `- ${s}`)] : []),
    '',
  ].join('\n');
  return { text, markdown };
}

// Messages between the bench orchestrator (bench/run.ts) and its client worker processes.
import type { SparseHistogram } from './histogram.js';

export interface ClientSpec {
  /** Base WebSocket URL; the provider appends `/<room>`. */
  url: string;
  room: string;
  params: Record<string, string>;
  /** Editors write notes during the measured window; everyone else only receives. */
  editor: boolean;
  /** Which server this client talks to (both run at once; their windows alternate). */
  group: string;
  /** Whether the client announces presence (awareness `user`), as the app does for everyone. */
  presence: boolean;
}

export type ToWorker =
  | { type: 'connect'; clients: ClientSpec[]; connectPerSec: number }
  | { type: 'quiet'; quietMs: number; maxWaitMs: number }
  /** Editors edit from `editStart` until `windowEnd`; only edits sent inside [windowStart, windowEnd) count. */
  | { type: 'edit'; group: string; editHz: number; editStart: number; windowStart: number; windowEnd: number }
  /** Total in-window edits per room (from every worker); each worker works out what it should receive. */
  | { type: 'drain'; totalEditsByRoom: Record<string, number>; maxWaitMs: number }
  | { type: 'close' }
  | { type: 'exit' };

export interface WorkerResult {
  /** Latency samples (ms) of edits sent inside the window, as seen by every receiver here. */
  hist: SparseHistogram;
  max: number;
  /** Edits sent inside the window, by room. */
  editsByRoom: Record<string, number>;
  /** Receipts of in-window edits, by room, and how many there should have been. */
  receiptsByRoom: Record<string, number>;
  expectedReceipts: number;
  /** WebSocket messages received and sent by all clients here during the window. */
  messagesIn: number;
  messagesOut: number;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'connected'; groups: Record<string, { count: number; failed: number; ms: number }> }
  | { type: 'quiet'; ms: number }
  | { type: 'edited'; editsByRoom: Record<string, number> }
  | { type: 'drained'; ms: number }
  | { type: 'result'; result: WorkerResult }
  | { type: 'closed' }
  | { type: 'error'; message: string };

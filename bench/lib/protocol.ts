// Messages between the bench orchestrator (bench/run.ts) and its client worker processes.
import type { SparseHistogram } from './histogram.js';

export interface ClientSpec {
  /** Base WebSocket URL; the provider appends `/<room>`. */
  url: string;
  room: string;
  params: Record<string, string>;
  /** Editors write notes during their server's slots; everyone else only receives. */
  editor: boolean;
  /** Which server this client talks to: both run at once and take turns (see Schedule). */
  group: string;
  /** Whether the client announces presence (awareness `user`), as the app does for everyone. */
  presence: boolean;
  /**
   * A thin receiver (lib/thin.ts): a raw WebSocket that finds each edit's marker in the frames
   * without decoding Yjs. Never an editor, never present.
   */
  thin?: boolean;
}

/** Back-to-back time slots, each given to one server (group): only its editors edit then. */
export interface Schedule {
  start: number;
  slotMs: number;
  order: string[];
}

/** The index of the slot that contains time `t` (may be past the end). */
export const slotIndex = (s: Schedule, t: number): number => Math.floor((t - s.start) / s.slotMs);

/** The group whose slot contains time `t`, or null outside the schedule. */
export function slotGroup(s: Schedule, t: number): string | null {
  if (t < s.start) return null;
  return s.order[slotIndex(s, t)] ?? null;
}

export type ToWorker =
  | { type: 'connect'; clients: ClientSpec[]; connectPerSec: number }
  | { type: 'quiet'; quietMs: number; maxWaitMs: number }
  /**
   * Before a run: presence is re-announced now (so no 15 s renewal falls in the run) and every
   * editor creates the note it will edit.
   */
  | { type: 'prepare' }
  | { type: 'run'; editHz: number; schedule: Schedule }
  /** In-slot edits per room (from every worker); each worker works out what it should receive. */
  | { type: 'drain'; totalEditsByRoom: Record<string, number>; maxWaitMs: number }
  | { type: 'close' }
  | { type: 'exit' };

export interface GroupResult {
  /** Latency samples (ms) of in-slot edits, as seen by every receiver in this worker. */
  hist: SparseHistogram;
  max: number;
  /** Full clients' samples only. */
  fullHist: SparseHistogram;
  /** The same samples split by the slot in which their edit was made (slot index → histogram). */
  bySlot: Record<number, SparseHistogram>;
  /** Latency to the first receiver of each edit in this worker: the server's share, mostly. */
  first: SparseHistogram;
  expected: number;
  /** WebSocket messages received and sent by this group's clients from the first slot on. */
  messagesIn: number;
  messagesOut: number;
  /** Messages received, by the slot in which they arrived (slot index → count). */
  messagesInBySlot: Record<number, number>;
  /** Receipts counted (full clients and thin receivers apart). */
  receivedFull: number;
  receivedThin: number;
  /**
   * Full clients' boards at the end, one fingerprint per room (JSON of the notes, hashed): every
   * full client of a room must hold the same board (correctness beside the thin receivers).
   */
  boards: Record<string, string[]>;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'connected'; groups: Record<string, { count: number; failed: number; ms: number }> }
  | { type: 'quiet' }
  | { type: 'prepared' }
  | { type: 'ran'; editsByRoom: Record<string, number> }
  | { type: 'drained'; results: Record<string, GroupResult> }
  | { type: 'closed' }
  | { type: 'error'; message: string };

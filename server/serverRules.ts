// Rules the server owns (STYLE: "Rules live on the server"), run for every loaded workshop:
// - merge repair: concurrent note merges are repaired on the board (shared/commands/noteMerges.ts)
//   as soon as the updates that need it arrive, and at load for a stored state that needs it;
// - auto-advance: when the facilitator turned it on and the current stage's time is up, the room
//   moves to the next stage, even if every laptop sleeps. A workshop loaded after that moment
//   moves on at load.
// Clients only propose (merge, set the timer, tick the checkbox). Both rules write as the server
// (ServerOrigin.server), so their writes are stored and relayed to everyone like any other.
import type * as Y from 'yjs';
import { DOC_NAMES } from '../shared/constants.js';
import { controlMaps, readSettings } from '../shared/schema.js';
import { autoAdvanceDue, lastStageIndex, readEngineState, type EngineState } from '../shared/stages.js';
import { timerView } from '../shared/timer.js';
import { autoAdvance } from '../shared/commands/control.js';
import { watchMergeRepairs } from '../shared/commands/noteMerges.js';
import { ServerOrigin } from './docRoom.js';

/** What the rules need from a workshop. */
export interface ServerRulesHost {
  transact(docName: string, fn: (doc: Y.Doc) => void): void;
}

/** The longest delay setTimeout takes; a later due time is checked again when it fires. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Milliseconds from `now` until auto-advance is due (0: due now), or null if it cannot become due
 * without a change to the state or the settings (off, timer not running, last stage).
 */
export function autoAdvanceDelay(state: EngineState, on: boolean, now: number): number | null {
  if (!on || state.current >= lastStageIndex(state)) return null;
  if (autoAdvanceDue(state, now)) return 0;
  const { endsAt } = timerView(state, now);
  return endsAt === null ? null : Math.max(1, endsAt - now);
}

/** Moves the room on if auto-advance is on and due at `now`; at most one stage. */
export function advanceIfDue(control: Y.Doc, now: number): void {
  if (readSettings(control).autoAdvance) autoAdvance(control, readEngineState(control).current, now);
}

export class ServerRules {
  private repairs: { stop(): void } | null = null;
  private control: Y.Doc | null = null;
  private timer: NodeJS.Timeout | null = null;
  private destroyed = false;

  constructor(
    private readonly host: ServerRulesHost,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Called by the workshop whenever it has loaded one of its documents. */
  roomLoaded(docName: string, room: { doc: Y.Doc }): void {
    if (docName === DOC_NAMES.board) {
      // The server always may write, locked board or not. Its own repairs do not re-trigger it.
      const repairs = watchMergeRepairs(room.doc, { origin: ServerOrigin.server });
      repairs.poke(); // the stored state may need a repair
      this.repairs = repairs;
    } else if (docName === DOC_NAMES.control) {
      this.control = room.doc;
      const { engine, settings } = controlMaps(room.doc);
      engine.observe(this.arm);
      settings.observe(this.arm);
      this.arm();
    }
  }

  /** (Re)schedules the auto-advance check for the moment the current stage is due. */
  private arm = (): void => {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.destroyed || !this.control) return;
    const delay = autoAdvanceDelay(readEngineState(this.control), readSettings(this.control).autoAdvance, this.clock());
    if (delay === null) return;
    this.timer = setTimeout(this.due, Math.min(delay, MAX_TIMEOUT_MS));
    this.timer.unref();
  };

  private due = (): void => {
    this.timer = null;
    if (this.destroyed) return;
    const now = this.clock();
    // A move re-arms through the engine observer (for the next stage); otherwise (woken early,
    // or a delay longer than setTimeout takes) check again.
    this.host.transact(DOC_NAMES.control, (doc) => advanceIfDue(doc, now));
    if (!this.timer) this.arm();
  };

  destroy(): void {
    this.destroyed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.repairs?.stop();
    if (this.control) {
      const { engine, settings } = controlMaps(this.control);
      engine.unobserve(this.arm);
      settings.unobserve(this.arm);
    }
  }
}

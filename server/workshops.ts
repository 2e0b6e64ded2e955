// Creating workshops and keeping the loaded ones: a workshop is loaded on its first connection
// and unloaded after a grace period with none.
import * as Y from 'yjs';
import type { Storage, WorkshopRow } from './storage.js';
import type { Metrics } from './metrics.js';
import type { Logger } from './logger.js';
import type { Config } from './config.js';
import { Workshop, docKey } from './workshop.js';
import { TurnWriter } from './turnWriter.js';
import { historyStore } from './history/recorder.js';
import { People } from './people.js';
import { hashToken, newToken, newWorkshopId } from './auth.js';
import { CloseCode, WORKSHOP_DELETED } from './protocol.js';
import { DOC_NAMES, type Role, type TemplateKey } from '../shared/constants.js';
import { initControl, type PreviousWorkshop } from '../shared/schema.js';
import { writePrevious } from '../shared/followUp.js';
import { setOffPlanTolerance } from '../shared/commands/control.js';
import { initialEngineState } from '../shared/stages.js';
import { templateDurations } from '../shared/templates.js';
import { seedScenarios } from '../shared/scenarios.js';

export class Workshops {
  private readonly loaded = new Map<string, Workshop>();
  /** One writer for all rooms, so updates of every workshop accepted in a turn share one commit. */
  private readonly turnWriter: TurnWriter;
  /** Every workshop's people (server-issued identities); they live in storage, loaded or not. */
  readonly people: People;

  constructor(
    private readonly deps: { storage: Storage; metrics: Metrics; log: Logger; config: Config },
  ) {
    this.turnWriter = new TurnWriter(deps.storage, deps.metrics);
    this.people = new People(deps.storage, deps.config.maxPeoplePerWorkshop);
  }

  /**
   * A new workshop with its own id and tokens. With `followUp` (SPEC 8) it follows another: it
   * starts with Review, holds a copy of the previous decisions and keeps the previous tolerance.
   */
  create(args: NewWorkshopArgs): { id: string; tokens: Record<Role, string> } {
    const { row, tokens, docs } = newWorkshop(args);
    const { storage } = this.deps;
    storage.db.transaction(() => {
      storage.createWorkshop(row);
      for (const [key, update] of docs) storage.appendUpdate(key, 1, update);
    })();
    return { id: row.id, tokens };
  }

  /** The loaded workshop, loading it if it exists; null for an unknown id. Throws WorkshopLoadError for a damaged one. */
  get(id: string): Workshop | null {
    const hit = this.loaded.get(id);
    if (hit) return hit;
    const row = this.deps.storage.getWorkshop(id);
    if (!row) return null;
    const { storage, metrics, log, config } = this.deps;
    const workshop = new Workshop(row, {
      storage,
      metrics,
      log,
      turnWriter: this.turnWriter,
      history: historyStore(storage),
      compactAfterUpdates: config.compactAfterUpdates,
      maxBufferedBytes: config.maxBufferedBytes,
      roomIdleMs: config.roomIdleMs,
      onIdle: (w) => this.unload(w),
    });
    try {
      workshop.loadAll();
    } catch (err) {
      // This workshop is unavailable (its clients get 4500, its log 500); every other one goes on.
      workshop.destroy();
      log.error({ err, workshop: id }, 'workshop could not be loaded');
      throw err;
    }
    this.loaded.set(id, workshop);
    metrics.rooms.set(this.loaded.size);
    return workshop;
  }

  /** A workshop's row without loading its documents (for HTTP auth). */
  row(id: string) {
    return this.loaded.get(id)?.row ?? this.deps.storage.getWorkshop(id);
  }

  isLoaded(id: string): boolean {
    return this.loaded.has(id);
  }

  private unload(w: Workshop): void {
    if (w.connectionCount > 0 || this.loaded.get(w.id) !== w) return;
    this.loaded.delete(w.id);
    w.destroy();
    this.deps.metrics.rooms.set(this.loaded.size);
    this.deps.log.info({ workshop: w.id }, 'workshop unloaded');
  }

  /**
   * Deletes a workshop and all its data. If it is loaded, its connections close first (4404, so
   * clients stop reconnecting and say it is gone) and it is unloaded: destroying its rooms stores
   * what they still hold, which the delete then removes with the rest. False for an unknown id.
   */
  delete(id: string): boolean {
    const w = this.loaded.get(id);
    if (w) {
      this.loaded.delete(id);
      w.closeConnections(CloseCode.notFound, WORKSHOP_DELETED);
      w.destroy();
      this.deps.metrics.rooms.set(this.loaded.size);
    }
    return this.deps.storage.deleteWorkshop(id);
  }

  closeAll(): void {
    for (const w of this.loaded.values()) w.destroy();
    this.loaded.clear();
    this.deps.metrics.rooms.set(0);
  }
}

export interface NewWorkshopArgs {
  title: string;
  template: TemplateKey;
  now: number;
  followUp?: { previous: PreviousWorkshop; offPlanTolerance: number };
}

/** A new workshop: its row (token hashes), its tokens, and its first documents (control, and the board with the template's scenarios). */
export function newWorkshop(args: NewWorkshopArgs): {
  row: WorkshopRow;
  tokens: Record<Role, string>;
  docs: [key: string, update: Uint8Array][];
} {
  const id = newWorkshopId();
  const tokens = { facilitator: newToken(), participant: newToken(), observer: newToken() };
  const control = new Y.Doc();
  const engine = initialEngineState(templateDurations(args.template), { followUp: !!args.followUp });
  initControl(control, { title: args.title, template: args.template, createdAt: args.now }, engine);
  if (args.followUp) setOffPlanTolerance(control, args.followUp.offPlanTolerance, 'server');
  // The board starts with the template's growth scenarios (SPEC 7), for the room to edit.
  const board = new Y.Doc();
  seedScenarios(board, args.template, 'server');
  if (args.followUp) writePrevious(board, args.followUp.previous, 'server');
  const docs: [string, Uint8Array][] = [
    [docKey(id, DOC_NAMES.control), Y.encodeStateAsUpdate(control)],
    [docKey(id, DOC_NAMES.board), Y.encodeStateAsUpdate(board)],
  ];
  control.destroy();
  board.destroy();
  const row: WorkshopRow = {
    id,
    title: args.title,
    template: args.template,
    createdAt: args.now,
    facilitatorHash: hashToken(tokens.facilitator),
    participantHash: hashToken(tokens.participant),
    observerHash: hashToken(tokens.observer),
  };
  return { row, tokens, docs };
}

// What the HTTP routes ask of the workshops, awaited: on one node it answers at once from SQLite
// (each method resolves immediately); in the cluster it asks PostgreSQL, and a write to a board goes
// to the node that owns the workshop (server/cluster/clusterDirectory.ts).
import type * as Y from 'yjs';
import type { Role } from '../shared/constants.js';
import type { WorkshopRow } from './storage.js';
import type { EnterResult, Person } from './people.js';
import type { NewWorkshopArgs, Workshops } from './workshops.js';
import type { HistoryEntry } from './history/store.js';
import { DOC_NAMES } from '../shared/constants.js';

/** The documents a read of the workshop gets (the decision log is built from them). */
export interface WorkshopDocs {
  board: Y.Doc;
  control: Y.Doc;
  /** Its history (SPEC 8), oldest first, note authors hidden as anonymous mode says (withAnonymity). */
  history: (anonymousNow: boolean) => HistoryEntry[];
}

/** Who an HTTP write is made by: the request's person (x-person-token) if any, and its role. */
export interface RequestActor {
  person: Person | null;
  role: Role;
}

export interface Directory {
  create(args: NewWorkshopArgs): Promise<{ id: string; tokens: Record<Role, string> }>;
  /** A workshop's row (its token hashes) without loading its documents; null for an unknown id. */
  row(id: string): Promise<WorkshopRow | null>;
  findPerson(workshopId: string, token: string | null | undefined): Promise<Person | null>;
  enterPerson(workshopId: string, role: Role, token: string | undefined, now: number): Promise<EnterResult>;
  delete(id: string): Promise<boolean>;
  /** Reads the workshop's documents; null for an unknown id. Throws WorkshopLoadError for a damaged one. */
  read<T>(id: string, read: (docs: WorkshopDocs) => T): Promise<T | null>;
  /**
   * Writes to the board as the server and stores it before resolving: `stored` false when the
   * commit failed. Null for an unknown id. In the cluster, a node that does not own the workshop
   * runs `write` on a copy read from PostgreSQL and sends the owner the update it made.
   */
  writeBoard<T>(id: string, by: RequestActor, write: (board: Y.Doc) => T): Promise<{ result: T; stored: boolean } | null>;
}

/** One node: the loaded workshops and SQLite, answered at once. */
export function localDirectory(workshops: Workshops): Directory {
  return {
    create: async (args) => workshops.create(args),
    row: async (id) => workshops.row(id),
    findPerson: async (workshopId, token) => workshops.people.find(workshopId, token),
    enterPerson: async (workshopId, role, token, now) => workshops.people.enter(workshopId, role, token, now),
    delete: async (id) => workshops.delete(id),
    read: async (id, read) => {
      const workshop = workshops.get(id);
      if (!workshop) return null;
      // Count the read as a connection: a workshop loaded only for this read is unloaded after
      // the usual idle grace period instead of staying in memory for good.
      workshop.connected();
      try {
        return read({ board: workshop.board.doc, control: workshop.control.doc, history: (anonymousNow) => workshop.history.readable(anonymousNow) });
      } finally {
        workshop.disconnected();
      }
    },
    writeBoard: async (id, by, write) => {
      const workshop = workshops.get(id);
      if (!workshop) return null;
      workshop.connected(); // unloaded after the idle grace period if nobody else is connected
      try {
        let result!: ReturnType<typeof write>;
        // In the history as the person's (or the role's) write.
        const actor = workshop.history.requestActor(by.person, by.role);
        workshop.history.withActor({ actor }, () => workshop.transact(DOC_NAMES.board, (doc) => void (result = write(doc))));
        // Stored before the answer (the room would otherwise commit at the end of this turn).
        return { result, stored: workshop.room(DOC_NAMES.board).commitNow() };
      } finally {
        workshop.disconnected();
      }
    },
  };
}

// The HTTP routes' Directory (server/directory.ts) in the cluster: workshops and people in
// PostgreSQL; reads of a workshop's documents from PostgreSQL (everything relayed was committed);
// a write to the board made on a copy read from PostgreSQL and sent, as the update it makes, to the
// workshop's owner, which applies it as the server's own write and answers once it is committed.
import * as Y from 'yjs';
import type { Directory } from '../directory.js';
import type { PersonRow } from '../storage.js';
import { hashToken, newToken } from '../auth.js';
import { docKey } from '../workshop.js';
import { newWorkshop } from '../workshops.js';
import { DOC_NAMES } from '../../shared/constants.js';
import { withAnonymity } from '../../shared/history.js';
import { newId } from '../../shared/commands/ids.js';
import { nextPersonColor } from '../../shared/colors.js';
import type { PgStore } from './pgStore.js';
import type { ClusterNode } from './node.js';

const asPerson = (row: PersonRow) => ({ id: row.id, role: row.role, color: row.color });

export function clusterDirectory(pg: PgStore, node: ClusterNode, maxPeoplePerWorkshop: number): Directory {
  const findPerson: Directory['findPerson'] = async (workshopId, token) => {
    // Same bounds as role tokens (auth.ts).
    if (typeof token !== 'string' || token.length === 0 || token.length > 256) return null;
    const row = await pg.findPersonByTokenHash(workshopId, hashToken(token));
    return row ? asPerson(row) : null;
  };
  const loadDoc = async (key: string): Promise<Y.Doc> => {
    const { snapshot, updates } = await pg.loadDoc(key);
    const doc = new Y.Doc();
    doc.transact(() => {
      if (snapshot) Y.applyUpdate(doc, snapshot);
      for (const u of updates) Y.applyUpdate(doc, u);
    });
    return doc;
  };

  return {
    create: async (args) => {
      const { row, tokens, docs } = newWorkshop(args);
      await pg.createWorkshop(row, docs);
      return { id: row.id, tokens };
    },
    row: (id) => pg.getWorkshop(id),
    findPerson,
    enterPerson: async (workshopId, role, token, now) => {
      const known = token === undefined ? null : await findPerson(workshopId, token);
      if (known && known.role === role) return { person: known, token: token!, created: false };
      const fresh = newToken();
      const row = await pg.addPerson(workshopId, maxPeoplePerWorkshop, (colors) => ({
        workshopId,
        id: newId(),
        role,
        tokenHash: hashToken(fresh),
        color: nextPersonColor(colors),
        createdAt: now,
      }));
      return row ? { person: asPerson(row), token: fresh, created: true } : { full: true };
    },
    delete: async (id) => {
      const deleted = await pg.deleteWorkshop(id);
      if (deleted) await node.announceDeleted(id);
      return deleted;
    },
    read: async (id, read) => {
      if (!(await pg.getWorkshop(id))) return null;
      const [board, control, history] = await Promise.all([loadDoc(docKey(id, DOC_NAMES.board)), loadDoc(docKey(id, DOC_NAMES.control)), pg.loadHistory(id)]);
      try {
        return read({ board, control, history: (anonymousNow) => withAnonymity(history, anonymousNow) });
      } finally {
        board.destroy();
        control.destroy();
      }
    },
    writeBoard: async (id, by, write) => {
      if (!(await pg.getWorkshop(id))) return null;
      const board = await loadDoc(docKey(id, DOC_NAMES.board));
      try {
        const before = Y.encodeStateVector(board);
        let result!: ReturnType<typeof write>;
        board.transact(() => void (result = write(board)));
        const update = Y.encodeStateAsUpdate(board, before);
        return { result, stored: await node.writeBoard(id, update, by) };
      } finally {
        board.destroy();
      }
    },
  };
}

// Cold load: a workshop whose board has N updates of history in storage, a fresh server process,
// and the time until a fresh client holds the whole board. The same history is loaded into the
// stock server through its own persistence (y-leveldb, YPERSISTENCE) for comparison.
import fs from 'node:fs';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import { LeveldbPersistence, getLevelUpdates } from 'y-leveldb';
import { Storage } from '../../server/storage.js';
import { docKey } from '../../server/workshop.js';
import { createWorkshop } from '../../test/helpers/server.js';
import path from 'node:path';
import { ROOT, startServer, tempDir, type BenchServer } from './servers.js';
import { nowMs } from './proc.js';

/**
 * One server's loads of the same board, each in a fresh process: the first from the full update
 * history, the second from whatever the first left in storage. The stock server's y-leveldb
 * merges a long history into one update while loading it (and stores that), so its second load
 * reads one update; ours loads the log as it is and compacts later (a quiet second after load,
 * or when the room unloads at shutdown), so its second load reads the snapshot that left.
 */
export interface ColdLoads {
  first: { ms: number; serverStartMs: number; storedUpdates: number };
  second: { ms: number; serverStartMs: number; storedUpdates: number };
  /** The `ws` library the server runs on (ours 8, the stock server's own dependency 6). */
  ws: string;
}

export interface ColdLoadResult {
  updates: number;
  notes: number;
  historyBytes: number;
  ours: ColdLoads;
  stock: ColdLoads;
}

/** A deterministic board history: notes created, typed into, moved between lanes. */
function generateHistory(count: number): { updates: Uint8Array[]; final: Y.Doc; notes: number } {
  let s = 42;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  const notes = doc.getMap<Y.Map<unknown>>('notes');
  const lanes = ['product', 'platform', 'org'];
  const ids: string[] = [];
  const noteCount = Math.min(300, Math.ceil(count / 20));
  while (updates.length < count) {
    const r = rand();
    if (ids.length < noteCount && (ids.length === 0 || r < 0.05)) {
      const id = `n${ids.length}`;
      doc.transact(() => {
        const m = new Y.Map<unknown>();
        m.set('id', id);
        m.set('lane', lanes[ids.length % 3]);
        m.set('order', `a${ids.length.toString(36)}`);
        m.set('text', new Y.Text());
        m.set('author', { id: `u${ids.length % 12}`, name: `Person ${ids.length % 12}`, color: '#336699' });
        m.set('createdAt', 1_700_000_000_000 + ids.length);
        notes.set(id, m);
      });
      ids.push(id);
    } else {
      const note = notes.get(ids[Math.floor(rand() * ids.length)]!)!;
      if (r < 0.9) {
        const text = note.get('text') as Y.Text;
        doc.transact(() => text.insert(Math.floor(rand() * (text.length + 1)), 'abcdefghij'[Math.floor(rand() * 10)]!));
      } else {
        doc.transact(() => note.set('lane', lanes[Math.floor(rand() * 3)]));
      }
    }
  }
  return { updates, final: doc, notes: ids.length };
}

/** Connects a fresh stock client and resolves with the ms until its board equals `expected`. */
async function timeToFullBoard(url: string, room: string, params: Record<string, string>, expected: Y.Doc): Promise<number> {
  const want = JSON.stringify(expected.getMap('notes').toJSON());
  const wantSize = expected.getMap('notes').size;
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(url, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params,
    connect: false,
    disableBc: true,
  });
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('cold load: board incomplete after 60 s')), 60_000);
      const t0 = nowMs();
      const check = () => {
        if (doc.getMap('notes').size !== wantSize) return;
        const ms = nowMs() - t0;
        if (JSON.stringify(doc.getMap('notes').toJSON()) !== want) return;
        clearTimeout(timer);
        resolve(ms);
      };
      doc.on('update', check);
      provider.connect();
    });
  } finally {
    provider.destroy();
    doc.destroy();
  }
}

async function timedStart(start: () => Promise<BenchServer>): Promise<{ server: BenchServer; ms: number }> {
  const t0 = nowMs();
  const server = await start();
  return { server, ms: nowMs() - t0 };
}

const wsVersion = (pkg: string): string => {
  try {
    return (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
};

/** Updates a y-leveldb store holds for `doc` (what the stock server will read on its next load). */
async function leveldbUpdates(dir: string, doc: string): Promise<number> {
  const ldb = new LeveldbPersistence(dir);
  try {
    return await ldb._transact(async (db) => (await getLevelUpdates(db, doc)).length);
  } finally {
    await ldb.destroy();
  }
}

export async function coldLoad(count: number): Promise<ColdLoadResult> {
  const { updates, final, notes } = generateHistory(count);
  const historyBytes = updates.reduce((a, u) => a + u.byteLength, 0);

  // Ours: a real workshop, its board history written straight into SQLite, then a fresh process.
  const dataDir = tempDir('scaleboard-bench-cold-');
  const setup = await startServer('ours', { dataDir });
  const w = await createWorkshop({ url: setup.httpUrl }, { title: 'Cold load' });
  await setup.stop();
  const key = docKey(w.id, '');
  const storedOurs = (): number => {
    const storage = new Storage(dataDir);
    try {
      return storage.loadDoc(key).updates.length;
    } finally {
      storage.close();
    }
  };
  const storage = new Storage(dataDir);
  const { lastSeq } = storage.loadDoc(key);
  storage.db.transaction(() => updates.forEach((u, i) => storage.appendUpdate(key, lastSeq + i + 1, u)))();
  storage.close();
  const oursLoad = async () => {
    const storedUpdates = storedOurs();
    const s = await timedStart(() => startServer('ours', { dataDir }));
    try {
      return { ms: await timeToFullBoard(s.server.wsBase, w.id, { token: w.tokens.participant }, final), serverStartMs: s.ms, storedUpdates };
    } finally {
      // SIGTERM: the room unloads (and compacts) as at any shutdown.
      await s.server.stop();
    }
  };
  const oursFirst = await oursLoad();
  const oursSecond = await oursLoad();

  // Stock: the same history through y-leveldb, which the stock server reads with YPERSISTENCE.
  const ldbDir = tempDir('scaleboard-bench-cold-stock-');
  const ldb = new LeveldbPersistence(ldbDir);
  for (const u of updates) await ldb.storeUpdate('cold', u);
  await ldb.destroy();
  const stockLoad = async () => {
    const storedUpdates = await leveldbUpdates(ldbDir, 'cold');
    const st = await timedStart(() => startServer('stock', { env: { YPERSISTENCE: ldbDir } }));
    try {
      return { ms: await timeToFullBoard(st.server.wsBase, 'cold', {}, final), serverStartMs: st.ms, storedUpdates };
    } finally {
      await st.server.stop();
    }
  };
  const stockFirst = await stockLoad();
  const stockSecond = await stockLoad();
  final.destroy();
  for (const dir of [dataDir, ldbDir]) fs.rmSync(dir, { recursive: true, force: true });
  return {
    updates: updates.length,
    notes,
    historyBytes,
    ours: { first: oursFirst, second: oursSecond, ws: wsVersion(path.join(ROOT, 'node_modules/ws/package.json')) },
    stock: { first: stockFirst, second: stockSecond, ws: wsVersion(path.join(ROOT, 'node_modules/@y/websocket-server/node_modules/ws/package.json')) },
  };
}

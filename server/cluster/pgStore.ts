// Everything durable in the cluster, in PostgreSQL (through `pg`): workshops and token hashes,
// people, each document's append-only update log and snapshot (as in SQLite, storage.ts), and one
// owner row per workshop whose epoch fences writes: a node that takes a workshop over bumps it, and
// every commit checks it in its transaction, so an owner that was paused and lost its lease can no
// longer write (its commit fails with FencedError).
import pg from 'pg';
import type { Role, TemplateKey } from '../../shared/constants.js';
import type { PersonRow, WorkshopRow } from '../storage.js';
import type { HistoryEntry } from '../history/store.js';

/** A document as stored: its snapshot (if any) and every update after it, in order. */
export interface DocState {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
  lastSeq: number;
}

export interface Append {
  doc: string;
  seq: number;
  data: Uint8Array;
}

export interface Compact {
  doc: string;
  uptoSeq: number;
  snapshot: Uint8Array;
}

/** The commit's epoch is not the workshop's any more (another node took it over, or it was deleted): nothing was written. */
export class FencedError extends Error {
  constructor(readonly workshopId: string) {
    super(`workshop ${workshopId} is owned by another node now (fencing epoch moved): commit refused`);
  }
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS workshops (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    template TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    facilitator_hash BYTEA NOT NULL,
    participant_hash BYTEA NOT NULL,
    observer_hash BYTEA NOT NULL
  );
  CREATE TABLE IF NOT EXISTS people (
    workshop_id TEXT NOT NULL,
    id TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash BYTEA NOT NULL,
    color TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workshop_id, id)
  );
  CREATE UNIQUE INDEX IF NOT EXISTS people_token_hash ON people (token_hash);
  CREATE TABLE IF NOT EXISTS doc_updates (
    doc TEXT NOT NULL,
    seq BIGINT NOT NULL,
    data BYTEA NOT NULL,
    -- The owner's epoch when it was written: which owner wrote what, for audits and tests.
    epoch BIGINT NOT NULL,
    PRIMARY KEY (doc, seq)
  );
  CREATE TABLE IF NOT EXISTS doc_snapshots (
    doc TEXT PRIMARY KEY,
    upto_seq BIGINT NOT NULL,
    data BYTEA NOT NULL
  );
  -- The history (SPEC 8; server/history/store.ts), written in the same transaction as the updates it describes.
  CREATE TABLE IF NOT EXISTS history (
    workshop_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    person_id TEXT NOT NULL,
    person_name TEXT NOT NULL,
    role TEXT NOT NULL,
    stage TEXT NOT NULL,
    doc TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    changes TEXT NOT NULL,
    PRIMARY KEY (workshop_id, seq)
  );
  CREATE TABLE IF NOT EXISTS owners (
    workshop_id TEXT PRIMARY KEY,
    epoch BIGINT NOT NULL,
    -- The node serving it; NULL once it let the workshop go (idle). A takeover is a bump over a node that did not.
    node TEXT
  );
`;

/** Any 64-bit number: the advisory lock that keeps nodes starting together from creating the tables at once. */
const SCHEMA_LOCK = 0x5ca1eb0a;

const buf = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
/** A workshop's documents are `<id>:<name>`; ';' sorts right after ':', so [from, to) is exactly them (as in storage.ts). */
const docRange = (workshopId: string): [string, string] => [`${workshopId}:`, `${workshopId};`];

export class PgStore {
  readonly pool: pg.Pool;

  constructor(url: string, onError: (err: Error) => void) {
    this.pool = new pg.Pool({ connectionString: url, max: 8, connectionTimeoutMillis: 5_000 });
    // An idle client's connection dropped (the server restarted): the pool replaces it.
    this.pool.on('error', onError);
  }

  async migrate(): Promise<void> {
    await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await c.query(SCHEMA);
    });
  }

  /** Runs `fn` between BEGIN and COMMIT on one connection, rolled back if it throws. */
  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query(begin);
      const result = await fn(c);
      await c.query('COMMIT');
      return result;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  /** The workshop, its owner row (epoch 0, nobody) and its first documents, in one transaction. */
  async createWorkshop(row: WorkshopRow, docs: [key: string, update: Uint8Array][]): Promise<void> {
    await this.tx(async (c) => {
      await c.query(
        `INSERT INTO workshops (id, title, template, created_at, facilitator_hash, participant_hash, observer_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [row.id, row.title, row.template, row.createdAt, row.facilitatorHash, row.participantHash, row.observerHash],
      );
      await c.query(`INSERT INTO owners (workshop_id, epoch, node) VALUES ($1, 0, NULL)`, [row.id]);
      for (const [key, update] of docs) await c.query(`INSERT INTO doc_updates (doc, seq, data, epoch) VALUES ($1, 1, $2, 0)`, [key, buf(update)]);
    });
  }

  async getWorkshop(id: string): Promise<WorkshopRow | null> {
    const { rows } = await this.pool.query(`SELECT * FROM workshops WHERE id = $1`, [id]);
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id,
      title: r.title,
      template: r.template as TemplateKey,
      createdAt: Number(r.created_at),
      facilitatorHash: r.facilitator_hash,
      participantHash: r.participant_hash,
      observerHash: r.observer_hash,
    };
  }

  async findPersonByTokenHash(workshopId: string, tokenHash: Buffer): Promise<PersonRow | null> {
    const { rows } = await this.pool.query(`SELECT * FROM people WHERE workshop_id = $1 AND token_hash = $2`, [workshopId, tokenHash]);
    const r = rows[0];
    if (!r) return null;
    return { workshopId: r.workshop_id, id: r.id, role: r.role as Role, tokenHash: r.token_hash, color: r.color, createdAt: Number(r.created_at) };
  }

  /**
   * Adds a person unless the workshop has `max` already; `make` picks the row from the colours in
   * use. One workshop's people are added one at a time (an advisory lock), whichever node asks.
   */
  async addPerson(workshopId: string, max: number, make: (colors: string[]) => PersonRow): Promise<PersonRow | null> {
    return this.tx(async (c) => {
      await c.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`people:${workshopId}`]);
      const { rows } = await c.query(`SELECT color FROM people WHERE workshop_id = $1`, [workshopId]);
      if (rows.length >= max) return null;
      const row = make(rows.map((r) => r.color as string));
      await c.query(`INSERT INTO people (workshop_id, id, role, token_hash, color, created_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
        row.workshopId,
        row.id,
        row.role,
        row.tokenHash,
        row.color,
        row.createdAt,
      ]);
      return row;
    });
  }

  async personIds(workshopId: string): Promise<string[]> {
    const { rows } = await this.pool.query(`SELECT id FROM people WHERE workshop_id = $1`, [workshopId]);
    return rows.map((r) => r.id as string);
  }

  /** The workshop and everything of it; its owner row goes too, so its owner's next commit is fenced. */
  async deleteWorkshop(id: string): Promise<boolean> {
    const [from, to] = docRange(id);
    return this.tx(async (c) => {
      await c.query(`DELETE FROM doc_updates WHERE doc >= $1 AND doc < $2`, [from, to]);
      await c.query(`DELETE FROM doc_snapshots WHERE doc >= $1 AND doc < $2`, [from, to]);
      await c.query(`DELETE FROM people WHERE workshop_id = $1`, [id]);
      await c.query(`DELETE FROM history WHERE workshop_id = $1`, [id]);
      await c.query(`DELETE FROM owners WHERE workshop_id = $1`, [id]);
      return ((await c.query(`DELETE FROM workshops WHERE id = $1`, [id])).rowCount ?? 0) > 0;
    });
  }

  /**
   * Makes `node` the workshop's owner with a new epoch (called with its lease held). Waits for a
   * commit of the old epoch under way (that one holds the row's share lock); every later one fails.
   * Null when the workshop is gone. `previousNode` is who had it without letting it go.
   */
  async takeOwnership(workshopId: string, node: string): Promise<{ epoch: number; previousNode: string | null } | null> {
    return this.tx(async (c) => {
      const old = await c.query(`SELECT node FROM owners WHERE workshop_id = $1 FOR UPDATE`, [workshopId]);
      if (!old.rows[0]) return null;
      const { rows } = await c.query(`UPDATE owners SET epoch = epoch + 1, node = $2 WHERE workshop_id = $1 RETURNING epoch`, [workshopId, node]);
      return { epoch: Number(rows[0].epoch), previousNode: (old.rows[0].node as string | null) ?? null };
    });
  }

  /** The owner let the workshop go (idle): the next owner's bump is not a takeover. */
  async releaseOwnership(workshopId: string, epoch: number): Promise<void> {
    await this.pool.query(`UPDATE owners SET node = NULL WHERE workshop_id = $1 AND epoch = $2`, [workshopId, epoch]);
  }

  /** Every stored document of a workshop (board, control, private ones), by key. */
  async loadWorkshopDocs(workshopId: string): Promise<Map<string, DocState>> {
    return this.tx((c) => this.readWorkshopDocs(c, workshopId), 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  private async readWorkshopDocs(c: pg.PoolClient, workshopId: string): Promise<Map<string, DocState>> {
    const [from, to] = docRange(workshopId);
    const snaps = await c.query(`SELECT doc, upto_seq, data FROM doc_snapshots WHERE doc >= $1 AND doc < $2`, [from, to]);
    const ups = await c.query(
      `SELECT u.doc, u.seq, u.data FROM doc_updates u LEFT JOIN doc_snapshots s ON s.doc = u.doc
       WHERE u.doc >= $1 AND u.doc < $2 AND u.seq > COALESCE(s.upto_seq, 0) ORDER BY u.doc, u.seq`,
      [from, to],
    );
    const docs = new Map<string, DocState>();
    const state = (doc: string) => {
      let s = docs.get(doc);
      if (!s) docs.set(doc, (s = { snapshot: null, updates: [], lastSeq: 0 }));
      return s;
    };
    for (const r of snaps.rows) Object.assign(state(r.doc), { snapshot: bytes(r.data), lastSeq: Number(r.upto_seq) });
    for (const r of ups.rows) {
      const s = state(r.doc);
      s.updates.push(bytes(r.data));
      s.lastSeq = Number(r.seq);
    }
    return docs;
  }

  /**
   * One document as stored (a read for the decision log, or a relaying node filling a gap). Snapshot
   * and log are read in one snapshot of the database: a compaction committed between two reads
   * would otherwise leave out the updates it folded in.
   */
  async loadDoc(key: string): Promise<DocState> {
    return this.tx(async (c) => {
      const snap = await c.query(`SELECT upto_seq, data FROM doc_snapshots WHERE doc = $1`, [key]);
      const upto = snap.rows[0] ? Number(snap.rows[0].upto_seq) : 0;
      const ups = await c.query(`SELECT seq, data FROM doc_updates WHERE doc = $1 AND seq > $2 ORDER BY seq`, [key, upto]);
      return {
        snapshot: snap.rows[0] ? bytes(snap.rows[0].data) : null,
        updates: ups.rows.map((r) => bytes(r.data)),
        lastSeq: ups.rows.length ? Number(ups.rows[ups.rows.length - 1].seq) : upto,
      };
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  /**
   * Stores one batch of a workshop's updates (and any compactions) in one transaction, if `epoch`
   * is still the workshop's: FencedError otherwise, and nothing is written. The owner row is read
   * FOR SHARE, so a takeover's bump waits for this commit, and this commit for that bump.
   */
  async commit(workshopId: string, epoch: number, appends: Append[], compactions: Compact[], history: HistoryEntry[] = []): Promise<void> {
    // Without compactions (nearly always): one statement, so one round trip and its own transaction.
    if (!compactions.length) return this.commitRows(workshopId, epoch, appends, history);
    await this.tx(async (c) => {
      const { rows } = await c.query(`SELECT epoch FROM owners WHERE workshop_id = $1 FOR SHARE`, [workshopId]);
      if (!rows[0] || Number(rows[0].epoch) !== epoch) throw new FencedError(workshopId);
      await this.commitRows(workshopId, epoch, appends, history, c);
      for (const { doc, uptoSeq, snapshot } of compactions) {
        await c.query(
          `INSERT INTO doc_snapshots (doc, upto_seq, data) VALUES ($1, $2, $3) ON CONFLICT (doc) DO UPDATE SET upto_seq = excluded.upto_seq, data = excluded.data`,
          [doc, uptoSeq, buf(snapshot)],
        );
        await c.query(`DELETE FROM doc_updates WHERE doc = $1 AND seq <= $2`, [doc, uptoSeq]);
      }
    });
  }

  /**
   * The updates and history entries of one commit in one statement: the owner row is read FOR SHARE
   * in it (a takeover's bump waits for it, and it for the bump) and the rows are written only if the
   * epoch is still this one; FencedError otherwise, and nothing is written.
   */
  private async commitRows(workshopId: string, epoch: number, appends: Append[], history: HistoryEntry[], client?: pg.PoolClient): Promise<void> {
    const { rows } = await (client ?? this.pool).query(
      `WITH owner AS (SELECT 1 FROM owners WHERE workshop_id = $1 AND epoch = $2 FOR SHARE),
       updates AS (
         INSERT INTO doc_updates (doc, seq, data, epoch)
         SELECT d, s, b, $2 FROM unnest($3::text[], $4::bigint[], $5::bytea[]) AS t(d, s, b) WHERE EXISTS (SELECT 1 FROM owner)
       ),
       entries AS (
         INSERT INTO history (workshop_id, seq, at, person_id, person_name, role, stage, doc, kind, text, changes)
         SELECT $1, s, a, pid, pname, r, st, d, k, tx, ch
         FROM unnest($6::bigint[], $7::bigint[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
           AS t(s, a, pid, pname, r, st, d, k, tx, ch)
         WHERE EXISTS (SELECT 1 FROM owner)
       )
       SELECT count(*)::int AS owned FROM owner`,
      [
        workshopId,
        epoch,
        appends.map((a) => a.doc),
        appends.map((a) => a.seq),
        appends.map((a) => buf(a.data)),
        history.map((e) => e.seq),
        history.map((e) => e.at),
        history.map((e) => e.actor.id),
        history.map((e) => e.actor.name),
        history.map((e) => e.actor.role),
        history.map((e) => e.stage),
        history.map((e) => e.doc),
        history.map((e) => e.kind),
        history.map((e) => e.text),
        history.map((e) => JSON.stringify(e.changes)),
      ],
    );
    if (rows[0].owned !== 1) throw new FencedError(workshopId);
  }

  /** A workshop's history, oldest first. */
  async loadHistory(workshopId: string): Promise<HistoryEntry[]> {
    const { rows } = await this.pool.query(`SELECT * FROM history WHERE workshop_id = $1 ORDER BY seq`, [workshopId]);
    return rows.map((r) => ({
      seq: Number(r.seq),
      at: Number(r.at),
      actor: { id: r.person_id, name: r.person_name, role: r.role },
      stage: r.stage,
      doc: r.doc,
      kind: r.kind,
      text: r.text,
      changes: JSON.parse(r.changes),
    }));
  }

  /** Whether the database answers now. */
  async ping(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

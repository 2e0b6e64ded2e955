// One server per DATA_DIR, and the errors that stop a server at start. Two servers on one data
// directory would each keep their own copy of a workshop in memory and overwrite each other's
// update logs, so the second one refuses to start.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

/** A reason the server cannot start, in one sentence for the operator (printed without a stack trace). */
export class StartupError extends Error {}

export const LOCK_FILE = 'scaleboard.lock';

/**
 * Takes the data directory's lock: an exclusive SQLite lock on `scaleboard.lock`, held by an open
 * connection for the life of the process. It is a POSIX file lock, so the kernel releases it
 * when the process ends in any way, `kill -9` included: no stale lock to clean up by hand.
 * Returns the release function; throws StartupError when another process holds the lock.
 */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  // timeout 0: refuse at once instead of waiting for the other server to go away.
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('locking_mode = EXCLUSIVE');
    // In exclusive locking mode the first write transaction takes the lock and keeps it until close.
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new StartupError(
        `DATA_DIR ${dataDir} is in use by another Scaleboard server (it holds ${file}); stop that server or give this one another DATA_DIR.`,
      );
    }
    throw err;
  }
  return () => {
    if (db.open) db.close();
  };
}

// Storage faults on demand, for tests of the real server only: with SCALEBOARD_TEST_FAULTS=1,
// SCALEBOARD_FAULT_APPEND=<text> makes storing an update that contains <text> (UTF-8) throw, the
// first SCALEBOARD_FAULT_APPEND_TIMES times (default 1), as a full disk or an I/O error would.
// Without SCALEBOARD_TEST_FAULTS=1 nothing is installed, whatever else is set.
import type { Storage } from './storage.js';
import type { Logger } from './logger.js';

export function installTestFaults(storage: Storage, env: NodeJS.ProcessEnv, log: Logger): void {
  if (env.SCALEBOARD_TEST_FAULTS !== '1' || !env.SCALEBOARD_FAULT_APPEND) return;
  const needle = Buffer.from(env.SCALEBOARD_FAULT_APPEND, 'utf8');
  let left = Number(env.SCALEBOARD_FAULT_APPEND_TIMES ?? 1);
  const append = storage.appendUpdate.bind(storage);
  storage.appendUpdate = (doc, seq, update) => {
    if (left > 0 && Buffer.from(update.buffer, update.byteOffset, update.byteLength).includes(needle)) {
      left--;
      throw new Error('injected storage fault (SCALEBOARD_FAULT_APPEND)');
    }
    append(doc, seq, update);
  };
  log.warn({ match: env.SCALEBOARD_FAULT_APPEND, times: left }, 'test faults on: storing matching updates will fail');
}

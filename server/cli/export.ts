// `npm run export -- <workshopId> [--format md|csv|json]`: prints a workshop's decision log to
// stdout, reading the same storage as the server (DATA_DIR, default ./data) directly. Safe while
// the server runs: SQLite in WAL mode lets this reader see every committed update.
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { loadConfig } from '../config.js';
import { Storage } from '../storage.js';
import { loadStoredDoc } from '../storedDoc.js';
import { HistoryStore, logHistory } from '../history/store.js';
import { StartupError } from '../dataDir.js';
import { docKey, WorkshopLoadError } from '../workshop.js';
import { DOC_NAMES } from '../../shared/constants.js';
import { readSettings } from '../../shared/schema.js';
import { buildDecisionLog } from '../../shared/log/build.js';
import { LOG_FORMATS, isLogFormat } from '../../shared/log/formats.js';

const USAGE = 'usage: npm run export -- <workshopId> [--format md|csv|json]   (default md; DATA_DIR selects the storage, default ./data)';

class UsageError extends Error {}

// Workshop ids are base64url and may start with "-", so this is not a generic option parser: an
// argument is an option only if it looks like one (`--format`, `-f`, `--word`); `--` ends options.
const LOOKS_LIKE_OPTION = /^--?[a-z][a-z-]*(=.*)?$/;

function parse(argv: string[]): { id: string; format: keyof typeof LOG_FORMATS } {
  const positionals: string[] = [];
  let format: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!LOOKS_LIKE_OPTION.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    if (name === '--help' || name === '-h') throw new UsageError('');
    if (name !== '--format' && name !== '-f') throw new UsageError(`unknown option ${name}`);
    format = inline ?? argv[++i];
    if (format === undefined) throw new UsageError('--format needs a value: md, csv or json');
  }
  const [id, ...extra] = positionals;
  if (!id) throw new UsageError('missing <workshopId>');
  if (extra.length) throw new UsageError(`unexpected argument: ${extra[0]}`);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new UsageError(`not a workshop id: ${id}`);
  format ??= 'md';
  if (!isLogFormat(format)) throw new UsageError(`unknown format "${format}": use md, csv or json`);
  return { id, format };
}

/** One of the workshop's documents, as the server would load it; WorkshopLoadError if its stored data is damaged. */
function loadDoc(storage: Storage, workshopId: string, docName: string): Y.Doc {
  const doc = new Y.Doc();
  try {
    loadStoredDoc(storage, docKey(workshopId, docName), doc, null);
  } catch (err) {
    throw new WorkshopLoadError(workshopId, docName, err);
  }
  return doc;
}

/** One line on stderr (a cause's own line breaks folded), and the exit code of a failed export. */
function fail(message: string): number {
  process.stderr.write(`export: ${message.replace(/\s+/g, ' ')}\n`);
  return 1;
}

function main(argv: string[]): number {
  let args;
  try {
    args = parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message) process.stderr.write(`export: ${err.message}\n`);
    process.stderr.write(USAGE + '\n');
    return err.message ? 2 : 0;
  }
  const { dataDir } = loadConfig(process.env);
  // Opening Storage creates a database; never do that by mistake in the wrong directory.
  if (!fs.existsSync(path.join(dataDir, 'scaleboard.db'))) {
    return fail(`no Scaleboard storage in ${dataDir} (set DATA_DIR)`);
  }
  let storage: Storage;
  try {
    storage = new Storage(dataDir);
  } catch (err) {
    // A damaged database file: the same sentence the server prints at start, saying what to do.
    if (err instanceof StartupError) return fail(err.message);
    throw err;
  }
  try {
    const row = storage.getWorkshop(args.id);
    if (!row) return fail(`unknown workshop "${args.id}" in ${dataDir}`);
    const board = loadDoc(storage, row.id, DOC_NAMES.board);
    const control = loadDoc(storage, row.id, DOC_NAMES.control);
    const history = logHistory(new HistoryStore(storage.db).readable(row.id, readSettings(control).anonymous));
    const log = buildDecisionLog({ board, control, workshopId: row.id, now: Date.now(), history });
    process.stdout.write(LOG_FORMATS[args.format].render(log));
    return 0;
  } catch (err) {
    // One workshop's damaged row (the server answers its clients 4500 and its API export 500): say
    // which, and what to do, rather than print a Yjs stack trace. Anything else is a bug: let it show.
    if (!(err instanceof WorkshopLoadError)) throw err;
    return fail(`${err.message}. Nothing was exported. Restore ${path.join(dataDir, 'scaleboard.db')} from a backup to export this workshop; every other workshop exports as usual.`);
  } finally {
    storage.close();
  }
}

process.exitCode = main(process.argv.slice(2));

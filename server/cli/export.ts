// `npm run export -- <workshopId> [--format md|csv|json]`: prints a workshop's decision log to
// stdout, reading the same storage as the server (DATA_DIR, default ./data) directly. Safe while
// the server runs: SQLite in WAL mode lets this reader see every committed update.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as Y from 'yjs';
import { loadConfig } from '../config.js';
import { Storage } from '../storage.js';
import { docKey } from '../workshop.js';
import { DOC_NAMES } from '../../shared/constants.js';
import { buildDecisionLog } from '../../shared/log/build.js';
import { LOG_FORMATS, isLogFormat } from '../../shared/log/formats.js';

const USAGE = 'usage: npm run export -- <workshopId> [--format md|csv|json]   (DATA_DIR selects the storage, default ./data)';

class UsageError extends Error {}

function parse(argv: string[]): { id: string; format: keyof typeof LOG_FORMATS } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { format: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (parsed.values.help) throw new UsageError('');
  const [id, ...extra] = parsed.positionals;
  if (!id) throw new UsageError('missing <workshopId>');
  if (extra.length) throw new UsageError(`unexpected argument: ${extra[0]}`);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new UsageError(`not a workshop id: ${id}`);
  const format = parsed.values.format ?? 'md';
  if (!isLogFormat(format)) throw new UsageError(`unknown format "${format}": use md, csv or json`);
  return { id, format };
}

function loadDoc(storage: Storage, key: string): Y.Doc {
  const doc = new Y.Doc();
  const { snapshot, updates } = storage.loadDoc(key);
  const all = snapshot ? [snapshot, ...updates] : updates;
  if (all.length) Y.applyUpdate(doc, Y.mergeUpdates(all));
  return doc;
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
    process.stderr.write(`export: no Scaleboard storage in ${dataDir} (set DATA_DIR)\n`);
    return 1;
  }
  const storage = new Storage(dataDir);
  try {
    const row = storage.getWorkshop(args.id);
    if (!row) {
      process.stderr.write(`export: unknown workshop "${args.id}" in ${dataDir}\n`);
      return 1;
    }
    const board = loadDoc(storage, docKey(row.id, DOC_NAMES.board));
    const control = loadDoc(storage, docKey(row.id, DOC_NAMES.control));
    const log = buildDecisionLog({ board, control, workshopId: row.id, now: Date.now() });
    process.stdout.write(LOG_FORMATS[args.format].render(log));
    return 0;
  } finally {
    storage.close();
  }
}

process.exitCode = main(process.argv.slice(2));

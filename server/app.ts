// Composition root: one server process serving the built client, the HTTP API and the
// y-websocket endpoint on one port.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { Storage } from './storage.js';
import { lockDataDir } from './dataDir.js';
import { installTestFaults } from './testFaults.js';
import { Workshops } from './workshops.js';
import { localDirectory } from './directory.js';
import { createHttpHandler } from './http.js';
import { decisionLogRoutes } from './decisionLog.js';
import { checkInRoutes } from './checkIns.js';
import { followUpRoutes } from './followUp.js';
import { historyRoutes, localHistoryWrite } from './history/routes.js';
import { admitLocal, attachWebSocket } from './ws.js';
import { CloseCode } from './protocol.js';
import { describeLinkPolicy } from './links.js';
import { rawAnswer } from './securityHeaders.js';

/** How often the WAL is checkpointed into the database file, off the event loop. */
const CHECKPOINT_INTERVAL_MS = 1_000;

export async function startServer(overrides: Partial<Config> = {}) {
  const config = loadConfig(process.env, overrides);
  const log = createLogger(config.logLevel);
  // One server per DATA_DIR: a second one refuses to start (StartupError, printed by main.ts).
  const unlock = lockDataDir(config.dataDir);
  let storage: Storage;
  try {
    storage = new Storage(config.dataDir);
  } catch (err) {
    unlock();
    throw err;
  }
  installTestFaults(storage, process.env, log);
  const metrics = createMetrics({ walBytes: () => storage.walBytes() });
  storage.startCheckpointer({
    intervalMs: CHECKPOINT_INTERVAL_MS,
    maxWalBytes: config.maxWalBytes,
    onCheckpoint: () => metrics.checkpoints.inc(),
    onError: (err) => log.error({ err }, 'checkpoint worker failed; SQLite checkpoints in commits again'),
  });
  const workshops = new Workshops({ storage, metrics, log, config });
  const directory = localDirectory(workshops);
  const handler = createHttpHandler({ config, log, metrics, directory }, (deps, limit) => [
    ...decisionLogRoutes(deps),
    ...checkInRoutes(deps, limit),
    ...followUpRoutes(deps, limit),
    ...historyRoutes(deps, limit, localHistoryWrite({ metrics, workshops })),
  ]);
  const server = http.createServer({ requestTimeout: 30_000 }, (req, res) => void handler(req, res));
  const answer = rawAnswer(config);
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end(answer(400));
    else socket.destroy();
  });
  const wss = attachWebSocket(server, { config, log, metrics }, admitLocal(workshops));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ port, dataDir: config.dataDir }, 'scaleboard listening');
  log.info({ publicUrl: config.publicUrl, trustedHosts: config.trustedHosts }, describeLinkPolicy(config));

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      for (const ws of wss.clients) ws.close(CloseCode.shuttingDown, 'server shutting down');
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      workshops.closeAll();
      storage.close();
      unlock();
    })());

  return { port, config, log, metrics, storage, workshops, close };
}

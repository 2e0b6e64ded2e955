// Composition root of a cluster node (SPEC 9): PostgreSQL for storage (DATABASE_URL), Redis for
// leases and messages (REDIS_URL; without it, one node on PostgreSQL with an in-process bus). Loaded
// only when one of them is set, so `npm start` on SQLite never loads pg or ioredis.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { createHttpHandler } from '../http.js';
import { followUpRoutes } from '../followUp.js';
import { historyRoutes } from '../history/routes.js';
import { decisionLogRoutes } from '../decisionLog.js';
import { checkInRoutes } from '../checkIns.js';
import { attachWebSocket } from '../ws.js';
import { CloseCode } from '../protocol.js';
import { StartupError } from '../dataDir.js';
import { describeLinkPolicy } from '../links.js';
import { rawAnswer } from '../securityHeaders.js';
import { PgStore } from './pgStore.js';
import { LocalBus, type Bus } from './bus.js';
import { RedisBus } from './redisBus.js';
import { ClusterNode } from './node.js';
import { clusterDirectory } from './clusterDirectory.js';

/** Why a node with REDIS_URL but no DATABASE_URL does not start. */
export const REDIS_WITHOUT_DATABASE =
  'REDIS_URL is set but DATABASE_URL is not: several nodes share their workshops through PostgreSQL, so set DATABASE_URL too (or unset REDIS_URL to run one node on SQLite)';

/** Starts a node from the environment (main.ts calls this when DATABASE_URL or REDIS_URL is set). */
export function startClusterFromEnv(overrides: Partial<Config> = {}) {
  const config = loadConfig(process.env, overrides);
  return startClusterNode(config, createLogger(config.logLevel));
}

export async function startClusterNode(config: Config, log: Logger) {
  if (!config.databaseUrl) throw new StartupError(REDIS_WITHOUT_DATABASE);
  const pg = new PgStore(config.databaseUrl, (err) => log.warn({ err: err.message }, 'PostgreSQL connection error'));
  try {
    await pg.migrate();
  } catch (err) {
    await pg.close().catch(() => undefined);
    throw new StartupError(`cannot use the database at DATABASE_URL: ${(err as Error).message}`);
  }
  let bus: Bus;
  if (config.redisUrl) {
    const redis = new RedisBus(config.redisUrl, (err) => log.debug({ err: err.message }, 'Redis connection error'));
    try {
      await redis.connect();
    } catch (err) {
      await Promise.all([redis.close(), pg.close()]);
      throw new StartupError(`cannot reach Redis at REDIS_URL: ${(err as Error).message}`);
    }
    bus = redis;
  } else bus = new LocalBus();
  bus.on('up', () => log.info('Redis reachable again'));

  const metrics = createMetrics();
  const node = new ClusterNode({ pg, bus, config, log, metrics });
  await node.start();
  const directory = clusterDirectory(pg, node, config.maxPeoplePerWorkshop);
  const health = async () => {
    const [db, redis] = await Promise.all([pg.ping(), bus.ping()]);
    return [...(db ? [] : ['database']), ...(redis ? [] : ['redis'])];
  };
  const handler = createHttpHandler({ config, log, metrics, directory, health }, (deps, limit) => [
    ...decisionLogRoutes(deps),
    ...checkInRoutes(deps, limit),
    ...followUpRoutes(deps, limit),
    // Read from PostgreSQL on any node; a restore or rollback is made by the workshop's owner.
    ...historyRoutes(deps, limit, (id, kind, entryId, by) => node.historyWrite(id, kind, entryId, by)),
  ]);
  const server = http.createServer({ requestTimeout: 30_000 }, (req, res) => void handler(req, res));
  const answer = rawAnswer(config);
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end(answer(400));
    else socket.destroy();
  });
  const wss = attachWebSocket(server, { config, log, metrics }, node.admit);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ port, node: node.id, redis: Boolean(config.redisUrl) }, 'scaleboard cluster node listening');
  log.info({ publicUrl: config.publicUrl, trustedHosts: config.trustedHosts }, describeLinkPolicy(config));

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await node.close();
      for (const ws of wss.clients) ws.close(CloseCode.shuttingDown, 'server shutting down');
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await bus.close();
      await pg.close();
    })());
  return { port, config, log, metrics, node, close };
}

// Entry point of `npm start`: the server on PORT, storage in DATA_DIR (or, in the cluster, PostgreSQL).
import { startServer } from './app.js';
import { StartupError } from './dataDir.js';

// DATABASE_URL or REDIS_URL: a node of the cluster (SPEC 9, server/cluster/); pg and ioredis load only then.
const clustered = Boolean(process.env.DATABASE_URL || process.env.REDIS_URL);
const start = clustered ? () => import('./cluster/start.js').then((m) => m.startClusterFromEnv()) : () => startServer();
// A reason not to start (the data directory in use, a damaged database file) is one sentence for
// the operator on stderr and a non-zero exit, not a stack trace.
const app = await start().catch((err: unknown) => {
  if (!(err instanceof StartupError)) throw err;
  process.stderr.write(`scaleboard: ${err.message}\n`);
  process.exit(1);
});
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    void app.close().then(() => process.exit(0));
  });
}

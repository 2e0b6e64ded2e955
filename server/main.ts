// Entry point of `npm start`: the server on PORT, storage in DATA_DIR.
import { startServer } from './app.js';
import { StartupError } from './dataDir.js';

// A reason not to start (the data directory in use, a damaged database file) is one sentence for
// the operator on stderr and a non-zero exit, not a stack trace.
const app = await startServer().catch((err: unknown) => {
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

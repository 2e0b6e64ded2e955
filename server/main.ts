// Entry point of `npm start`: the server on PORT, storage in DATA_DIR.
import { startServer } from './app.js';

const app = await startServer();
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    void app.close().then(() => process.exit(0));
  });
}

// Configuration from the environment. Every variable is documented in the README with its default.
import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Public base URL used in role links; default derived from the request's Host header. */
  publicUrl: string | null;
  /** Directory of the built client (vite build output). */
  staticDir: string;
  logLevel: string;
  maxFrameBytes: number;
  maxBodyBytes: number;
  /** Unload a workshop from memory this long after its last connection closes. */
  roomIdleMs: number;
  /** Compact a document's update log into a snapshot after this many updates. */
  compactAfterUpdates: number;
  /** The SQLite WAL file is kept under this size (see Storage.startCheckpointer). */
  maxWalBytes: number;
  /** Per-connection message budget: sustained messages per second and burst size. */
  rateLimitPerSec: number;
  rateLimitBurst: number;
  /** A connection with more messages than this waiting on its budget is flooding and is closed (1008). */
  rateLimitMaxQueued: number;
  /** A connection still throttled (messages waiting) this long after throttling began is closed (1008). */
  rateLimitCloseAfterMs: number;
  /** Close a connection whose unsent buffer grows past this many bytes (slow consumer). */
  maxBufferedBytes: number;
  /** Most people (server-issued identities) one workshop may have. */
  maxPeoplePerWorkshop: number;
  /** Hosts (`name` or `name:port`) whose Host header may build role links when PUBLIC_URL is unset; loopback always may. */
  trustedHosts: string[];
  /** Serve the client's source maps (`.map`); off in production by default. */
  serveSourcemaps: boolean;
  /** Per client IP, in each window of httpLimitWindowSec: workshops created, and other HTTP writes. */
  httpCreateLimit: number;
  httpWriteLimit: number;
  httpLimitWindowSec: number;
  /** Cluster mode (SPEC 9): PostgreSQL for everything durable, Redis for leases and messages between nodes. Both or neither. */
  databaseUrl: string | null;
  redisUrl: string | null;
  /** This node's name in the cluster (leases, channels); a random one by default. */
  nodeId: string | null;
  /** How long a workshop's lease lasts without renewal: a dead owner's workshops move after this long. */
  leaseTtlMs: number;
}

const int = (v: string | undefined, fallback: number): number => {
  const n = v === undefined || v === '' ? NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : fallback;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  return {
    port: int(env.PORT, 8080),
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR || './data'),
    publicUrl: env.PUBLIC_URL || null,
    staticDir: path.resolve(env.STATIC_DIR || './dist'),
    logLevel: env.LOG_LEVEL || 'info',
    maxFrameBytes: int(env.MAX_FRAME_BYTES, 1024 * 1024),
    maxBodyBytes: int(env.MAX_BODY_BYTES, 64 * 1024),
    roomIdleMs: int(env.ROOM_IDLE_MS, 30_000),
    compactAfterUpdates: int(env.COMPACT_AFTER_UPDATES, 500),
    maxWalBytes: Math.max(1024 * 1024, int(env.WAL_MAX_BYTES, 32 * 1024 * 1024)),
    rateLimitPerSec: int(env.RATE_LIMIT_PER_SEC, 200),
    rateLimitBurst: int(env.RATE_LIMIT_BURST, 1000),
    rateLimitMaxQueued: int(env.RATE_LIMIT_MAX_QUEUED, int(env.RATE_LIMIT_BURST, 1000)),
    rateLimitCloseAfterMs: int(env.RATE_LIMIT_CLOSE_AFTER_MS, 10_000),
    maxBufferedBytes: int(env.MAX_BUFFERED_BYTES, 8 * 1024 * 1024),
    maxPeoplePerWorkshop: int(env.MAX_PEOPLE_PER_WORKSHOP, 500),
    trustedHosts: (env.TRUSTED_HOSTS ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean),
    serveSourcemaps: env.SERVE_SOURCEMAPS === '1' || env.SERVE_SOURCEMAPS === 'true',
    httpCreateLimit: Math.max(1, int(env.HTTP_CREATE_LIMIT, 30)),
    httpWriteLimit: Math.max(1, int(env.HTTP_WRITE_LIMIT, 300)),
    httpLimitWindowSec: Math.max(1, int(env.HTTP_LIMIT_WINDOW_SEC, 60)),
    databaseUrl: env.DATABASE_URL || null,
    redisUrl: env.REDIS_URL || null,
    nodeId: env.NODE_ID || null,
    leaseTtlMs: Math.max(500, int(env.LEASE_TTL_MS, 5_000)),
    ...overrides,
  };
}

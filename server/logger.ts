// Structured logs (pino). Nothing secret reaches a log line: URLs are logged without their query
// string, fields named for a secret are censored, and every string a line carries (the message,
// fields at any depth, keys, error messages and stacks) goes through redactSecrets.
import pino from 'pino';

const REDACTED = '[redacted]';

/**
 * In one pass: the key of a private document name (`private/<key>`, also URL-encoded), the value
 * of a `token=` / `person=` query parameter (`personToken=` too), and any run of 43 or more
 * base64url characters, which is what a role or person token is (32 random bytes, base64url).
 */
const SECRET =
  /(private(?:\/|%2f))[A-Za-z0-9_-]+|((?:token|person)=)[^&#\s"'<>]*|(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43,}(?![A-Za-z0-9_-])/gi;

/** The string with every secret-looking part replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  return text.replace(SECRET, (_match, privatePrefix: string | undefined, param: string | undefined) => (privatePrefix ?? param ?? '') + REDACTED);
}

/** Deeper than this a logged value is cut: redaction must not recurse without end. */
const MAX_DEPTH = 8;

/**
 * A copy of a logged value with redactSecrets applied to every string in it, shaped as it will be
 * written: errors as pino's `{ type, message, stack, … }`, objects with toJSON through it.
 */
export function redactDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value; // bytes, no text
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (value instanceof Error) {
      // Its message and stack (with causes), like pino's own err serializer, but as a plain object.
      const { raw: _raw, ...plain } = pino.stdSerializers.err(value) as pino.SerializedError & { raw?: unknown };
      return redactDeep(plain, depth + 1, seen);
    }
    if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1, seen));
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return redactDeep(toJSON.call(value), depth + 1, seen);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[redactSecrets(k)] = redactDeep(v, depth + 1, seen);
    return out;
  } finally {
    seen.delete(value); // a value logged twice side by side is not a cycle
  }
}

export function createLogger(level: string, destination?: pino.DestinationStream) {
  const options: pino.LoggerOptions = {
    level,
    redact: {
      paths: ['token', '*.token', 'personToken', '*.personToken', 'headers.authorization', 'req.headers.authorization', 'url', '*.url'],
      censor: REDACTED,
    },
    formatters: {
      // Only for lines that are written (below the level nothing is built), so cheap enough.
      log: (obj) => redactDeep(obj) as Record<string, unknown>,
      bindings: (bindings) => redactDeep(bindings) as Record<string, unknown>,
    },
    serializers: {
      // Errors were serialized (and redacted) by formatters.log above; serializing again would
      // turn their type into "Object".
      err: (err: unknown) => err,
      // The message, after interpolation, and the error's message when it stands in for one.
      msg: (msg: unknown) => (typeof msg === 'string' ? redactSecrets(msg) : msg),
    },
  };
  const logger = destination ? pino(options, destination) : pino(options);
  // pino applies formatters.bindings to the root logger's bindings only; a child's are its own.
  const child = logger.child;
  logger.child = function (this: typeof logger, bindings, childOptions) {
    return child.call(this, redactDeep(bindings) as pino.Bindings, childOptions);
  } as typeof child;
  return logger;
}

export type Logger = ReturnType<typeof createLogger>;

/** The path of a request URL without its query string (which may carry a token). */
export const pathOnly = (url: string | undefined): string => (url ?? '').split('?')[0]!.split('#')[0]!;

// Structured logs (pino). Tokens never reach the log: URLs are logged without their query
// string, and any field that could hold a secret is redacted.
import pino from 'pino';

export function createLogger(level: string) {
  return pino({
    level,
    redact: {
      paths: ['token', '*.token', 'headers.authorization', 'req.headers.authorization', 'url', '*.url'],
      censor: '[redacted]',
    },
  });
}

export type Logger = ReturnType<typeof createLogger>;

/** The path of a request URL without its query string (which may carry a token). */
export const pathOnly = (url: string | undefined): string => (url ?? '').split('?')[0]!.split('#')[0]!;

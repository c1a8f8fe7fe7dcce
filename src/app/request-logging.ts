/** One log line per request through pino-http; headers, cookies and tokens never reach the log. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

export function createRequestLogging(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    // Serializers keep only method, path and status, so no header can leak even if a redaction path is missed.
    serializers: {
      req: (req: IncomingMessage & { id?: unknown }) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-csrf-token"]',
        'req.headers["x-opentok-auth"]',
        'res.headers["set-cookie"]',
      ],
      censor: '[redacted]',
    },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    autoLogging: { ignore: (req) => req.url === '/healthz' },
  });
}

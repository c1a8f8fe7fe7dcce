/** One log line per request (pino-http): method, URL, status and time; levels by status; no headers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/** Query parameters that grant access on their own, such as the emulator's signed download links. */
const CAPABILITY_PARAMS = /([?&](?:signature|token|sig)=)[^&#]*/gi;

/**
 * Where app.ts mounts express.static: the pages' fingerprinted files and the vendor packages. A page view
 * fetches a dozen of them, which at info would bury the lines that matter.
 */
const STATIC_PREFIXES = ['/assets/', '/vendor/'];

/** What pino-std-serializers hands a request serializer (`url` is Express's originalUrl). */
interface SerializedRequest {
  id: unknown;
  method: string;
  url: string;
}

/**
 * The serializers keep only method, URL and status, so no cookie, authorization header or CSRF token can reach
 * the log; a signed link's signature is redacted from the URL. Health checks are left out, as load balancers
 * poll them every few seconds. When even errors are off (LOG_LEVEL=silent), requests skip pino-http entirely:
 * it builds a child logger per request whether or not anything is written. Files served as they are
 * (STATIC_PREFIXES) are logged at debug.
 */
export function createRequestLogging(logger: Logger): RequestHandler {
  const logRequest = pinoHttp({
    logger,
    quietReqLogger: true,
    autoLogging: { ignore: (req) => req.url === '/healthz' },
    customLogLevel: (req: IncomingMessage, res: ServerResponse, error?: Error) =>
      error || res.statusCode >= 500
        ? 'error'
        : res.statusCode >= 400
          ? 'warn'
          : isStaticFile(req)
            ? 'debug'
            : 'info',
    serializers: {
      req: (req: SerializedRequest) => ({
        id: req.id,
        method: req.method,
        url: req.url.replace(CAPABILITY_PARAMS, '$1[redacted]'),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
  return (req, res, next) => {
    if (!logger.isLevelEnabled('error')) {
      next();
      return;
    }
    logRequest(req, res, next);
  };
}

/** A GET or HEAD under one of the static mounts; Express keeps the full path in `originalUrl`. */
function isStaticFile(req: IncomingMessage): boolean {
  const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';
  return (req.method === 'GET' || req.method === 'HEAD') && STATIC_PREFIXES.some((p) => url.startsWith(p));
}

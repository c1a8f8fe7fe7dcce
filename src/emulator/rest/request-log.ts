/** One log line per emulator HTTP request: method, path, status and time; never a header, query or body. */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

/** Media upload calls succeed every half second per publisher; they are logged only at debug unless refused. */
const MEDIA_PATH = /^\/media\//;

/**
 * The path is logged without its query: a download link's signature is a credential in the query, and the auth
 * header (X-OPENTOK-AUTH) and upload keys are headers, so none of them reaches the log. Refusals are warnings,
 * so that someone trying credentials leaves a trace.
 */
export function createRequestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const startedMs = performance.now();
    const path = `${req.baseUrl}${req.path}`;
    const isMedia = MEDIA_PATH.test(req.path);
    res.once('close', () => {
      const status = res.statusCode;
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : isMedia ? 'debug' : 'info';
      const line = {
        method: req.method,
        path,
        status,
        durationMs: Math.round(performance.now() - startedMs),
      };
      // A response cut short (the client went away) is worth knowing about, whatever its status.
      logger[level](res.writableFinished ? line : { ...line, aborted: true }, 'emulator request');
    });
    next();
  };
}

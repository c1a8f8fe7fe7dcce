/** One log line per request; only method, path, status and time, so no header, cookie or token reaches the log. */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

type Level = 'info' | 'warn' | 'error';

function levelOf(statusCode: number): Level {
  return statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
}

/**
 * Written when the response finishes (or the client goes away first). This replaced pino-http, which built a
 * child logger with the whole request bound to it for every request, logged or not: a third of a page's time
 * in `npm run bench`. The line keeps pino-http's shape: { req: { id, method, url }, res: { statusCode },
 * responseTime }. Health checks are left out, as load balancers poll them every few seconds.
 */
export function createRequestLogging(logger: Logger): RequestHandler {
  let lastId = 0;
  return (req, res, next) => {
    if (req.url === '/healthz' || !logger.isLevelEnabled('error')) {
      next();
      return;
    }
    const startedMs = performance.now();
    const line = { req: { id: ++lastId, method: req.method, url: req.originalUrl }, res: { statusCode: 0 } };
    const write = (aborted: boolean): void => {
      line.res.statusCode = res.statusCode;
      const level = aborted ? 'warn' : levelOf(res.statusCode);
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        { ...line, responseTime: Math.round(performance.now() - startedMs) },
        aborted ? 'request aborted' : 'request completed',
      );
    };
    res.once('finish', () => write(false));
    res.once('close', () => {
      if (!res.writableFinished) write(true);
    });
    next();
  };
}

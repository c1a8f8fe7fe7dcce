/** The app's error model and its single error handler: HTML pages for pages, JSON for scripts. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import {
  ArchiveError,
  ArgumentError,
  AuthenticationError,
  OpenTokError,
  RequestError,
  TimeoutError,
} from '../sdk';
import { StoreUnavailableError } from './state/state-store';

/** A failure the app itself detects (bad input, unknown page, archive not downloadable), with its status. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  constructor(init: { status: number; message: string; cause?: unknown }) {
    super(init.message, { cause: init.cause });
    this.status = init.status;
  }
}

export interface HttpFailure {
  status: number;
  /** Safe to show to the user: never contains a credential. */
  message: string;
  title: string;
}

const PLATFORM_UNREACHABLE =
  'The video platform could not be reached. Check your network connection (and OPENTOK_API_URL if you set it), then try again.';

/** Translates any thrown value into what the user sees. Statuses come from error classes, never from messages. */
export function describeFailure(err: unknown): HttpFailure {
  if (err instanceof HttpError)
    return { status: err.status, message: err.message, title: titleFor(err.status) };
  if (err instanceof ArgumentError) return { status: 400, message: err.message, title: 'Invalid request' };
  if (err instanceof StoreUnavailableError)
    return { status: 503, message: err.message, title: 'Temporarily unavailable' };
  // Routes word the refusals they expect (archiving/platform-refusals.ts); the SDK's own message is for
  // developers and goes to the log only.
  if (err instanceof ArchiveError) {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 400;
    return {
      status,
      message: 'The video platform refused this request. Reload the page and try again.',
      title: titleFor(status),
    };
  }
  if (err instanceof AuthenticationError) {
    return {
      status: 502,
      message:
        "The platform rejected the app's credentials — check API_KEY/API_SECRET (or VONAGE_APPLICATION_ID and its private key).",
      title: 'Platform credentials rejected',
    };
  }
  if (err instanceof RequestError) {
    if (err instanceof TimeoutError) {
      return {
        status: 504,
        message: 'The video platform did not answer in time. Try again in a moment.',
        title: 'Platform timeout',
      };
    }
    if (err.status === undefined)
      return { status: 503, message: PLATFORM_UNREACHABLE, title: 'Platform unreachable' };
    // A 2xx whose body is not the platform's JSON (a proxy's login page, a truncated reply) is no "error (HTTP 200)".
    if (err.status >= 200 && err.status < 300) {
      return {
        status: 502,
        message:
          'The video platform answered in a way the app cannot read (check OPENTOK_API_URL if you set it). Try again in a moment.',
        title: 'Platform error',
      };
    }
    return {
      status: 502,
      message: `The video platform answered with an error (HTTP ${err.status}). Try again in a moment.`,
      title: 'Platform error',
    };
  }
  if (err instanceof OpenTokError) {
    return {
      status: 502,
      message: 'The video platform answered in an unexpected way.',
      title: 'Platform error',
    };
  }
  const requestError = readRequestError(err);
  if (requestError) return requestError;
  return { status: 500, message: 'Something went wrong on our side. Try again.', title: 'Server error' };
}

/** The one four-argument handler: every error reaches the user through here. */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const failure = describeFailure(err);
    // The platform's reply behind the answer, in the SDK's words (which name what to check) for developers.
    const platformError = findPlatformError(err);
    const platform = platformError && platformError !== err ? { platform: summarize(platformError) } : {};
    if (failure.status >= 500) {
      // Only name, message and status: SDK errors may carry platform bodies we need not copy into logs.
      logger.error(
        { err: summarize(err), ...platform, method: req.method, url: req.originalUrl },
        'request failed',
      );
    } else if (platformError) {
      logger.warn(
        { err: summarize(platformError), method: req.method, url: req.originalUrl },
        'the platform refused the request',
      );
    }
    res.status(failure.status);
    if (failure.status === 401) res.set('WWW-Authenticate', 'Basic realm="Archiving host", charset="UTF-8"');
    // JSON first: it is what scripts and clients without an Accept header get; browsers navigating to a
    // page ask for text/html explicitly and get the error page.
    res.format({
      json: () => res.json({ error: { message: failure.message } }),
      html: () =>
        res.render('error', { title: failure.title, message: failure.message, status: failure.status }),
      default: () => res.json({ error: { message: failure.message } }),
    });
  };
}

/** Anything no route claimed. */
export const notFound: RequestHandler = (_req, _res, next) => {
  next(
    new HttpError({ status: 404, message: 'There is no page at this address. Start from the home page.' }),
  );
};

/** GET (or any other verb) on a route that only accepts POST. */
export const methodNotAllowed: RequestHandler = (_req, res, next) => {
  res.set('Allow', 'POST');
  next(
    new HttpError({ status: 405, message: 'This address only accepts POST requests from the app’s pages.' }),
  );
};

function titleFor(status: number): string {
  switch (status) {
    case 400:
      return 'Invalid request';
    case 401:
      return 'Password required';
    case 403:
      return 'Request refused';
    case 404:
      return 'Not found';
    case 405:
      return 'Method not allowed';
    case 409:
      return 'Not possible right now';
    default:
      return status >= 500 ? 'Server error' : 'Request failed';
  }
}

/**
 * Errors raised before a handler runs, by Express's own middleware: body-parser's (marked with a `type` such as
 * 'entity.parse.failed' or 'charset.unsupported', or `expose` for a body whose declared Content-Encoding does
 * not decode) and the router's URIError for a path parameter with a broken %-escape. All carry a 4xx `status`.
 */
function readRequestError(err: unknown): HttpFailure | undefined {
  if (typeof err !== 'object' || err === null || !('status' in err)) return undefined;
  const { status, type, expose } = err as { status: unknown; type?: unknown; expose?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  if (err instanceof URIError) {
    return {
      status: 400,
      message: 'This address contains a broken %-escape. Check the link, or start from the home page.',
      title: titleFor(400),
    };
  }
  if (typeof type !== 'string' && expose !== true) return undefined;
  const message =
    status === 413
      ? 'The request body is too large.'
      : status === 415
        ? 'The request body uses a charset or content encoding the app does not read: send UTF-8 JSON or a form.'
        : 'The request body could not be read: send JSON or a form.';
  return { status, message, title: titleFor(status) };
}

/** The SDK error that carries a platform reply: the error itself, or the cause a route translated. */
function findPlatformError(err: unknown): OpenTokError | undefined {
  const candidate = err instanceof HttpError ? err.cause : err;
  return candidate instanceof OpenTokError && candidate.status !== undefined ? candidate : undefined;
}

function summarize(err: unknown): { name: string; message: string; status?: number } {
  if (err instanceof Error) {
    const status = 'status' in err && typeof err.status === 'number' ? err.status : undefined;
    return { name: err.name, message: err.message, status };
  }
  return { name: 'NonError', message: String(err) };
}

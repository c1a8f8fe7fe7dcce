/** The app's error model and its single error handler: HTML pages for pages, JSON for scripts. */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import {
  ArchiveError,
  ArgumentError,
  AuthenticationError,
  OpenTokError,
  RequestError,
  TimeoutError,
} from '../sdk';
import { findBackLink } from './back-link';
import { StoreUnavailableError } from './state/state-store';

/** A failure the app itself detects (bad input, unknown page, archive not downloadable), with its status. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  /**
   * For the log, in place of the cause's own message: where the app knows more than the SDK's general hint
   * (its sessions are always routed, so a start conflict is never the relayed-session case).
   */
  readonly logMessage: string | undefined;
  constructor(init: { status: number; message: string; cause?: unknown; logMessage?: string }) {
    super(init.message, { cause: init.cause });
    this.status = init.status;
    this.logMessage = init.logMessage;
  }
}

export interface HttpFailure {
  status: number;
  /** Safe to show to the user: never contains a credential. */
  message: string;
  title: string;
}

const PLATFORM_TROUBLE = 'The video platform had a problem';

const PLATFORM_UNREACHABLE =
  'The video platform could not be reached. Check your network connection (and OPENTOK_API_URL if you set it), then try again.';

/** Translates any thrown value into what the user sees. Statuses come from error classes, never from messages. */
export function describeFailure(err: unknown): HttpFailure {
  if (err instanceof HttpError)
    return { status: err.status, message: err.message, title: titleFor(err.status) };
  // The SDK names its parameters (hasAudio, layout.type): words for developers, so they go to the log only.
  if (err instanceof ArgumentError) {
    return {
      status: 400,
      message:
        'The app could not send this to the video platform: one of the choices is not possible. Check the options and try again.',
      title: titleFor(400),
    };
  }
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
        title: 'The video platform is slow',
      };
    }
    if (err.status === undefined)
      return { status: 503, message: PLATFORM_UNREACHABLE, title: 'The video platform is out of reach' };
    // A 2xx whose body is not the platform's JSON (a proxy's login page, a truncated reply) is no "error (HTTP 200)".
    if (err.status >= 200 && err.status < 300) {
      return {
        status: 502,
        message:
          'The video platform answered in a way the app cannot read (check OPENTOK_API_URL if you set it). Try again in a moment.',
        title: PLATFORM_TROUBLE,
      };
    }
    // The platform's status goes to the log (request failed), not into the sentence.
    return {
      status: 502,
      message: 'The video platform had a problem and did not do this. Try again in a moment.',
      title: PLATFORM_TROUBLE,
    };
  }
  if (err instanceof OpenTokError) {
    return {
      status: 502,
      message: 'The video platform answered in an unexpected way. Try again in a moment.',
      title: PLATFORM_TROUBLE,
    };
  }
  const requestError = readRequestError(err);
  if (requestError) return requestError;
  return { status: 500, message: 'Something went wrong on our side. Try again.', title: titleFor(500) };
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
    const logMessage = err instanceof HttpError ? err.logMessage : undefined;
    if (failure.status >= 500) {
      // Only name, message and status: SDK errors may carry platform bodies we need not copy into logs.
      logger.error(
        { err: summarize(err), ...platform, method: req.method, url: req.originalUrl },
        'request failed',
      );
    } else if (platformError) {
      const refusal = summarize(platformError);
      logger.warn(
        {
          err: logMessage ? { ...refusal, message: logMessage } : refusal,
          method: req.method,
          url: req.originalUrl,
        },
        'the platform refused the request',
      );
    } else if (err instanceof ArgumentError) {
      logger.warn(
        { err: summarize(err), method: req.method, url: req.originalUrl },
        'the SDK refused the request before sending it',
      );
    }
    res.status(failure.status);
    if (failure.status === 401) res.set('WWW-Authenticate', 'Basic realm="Archiving host", charset="UTF-8"');
    // JSON first: it is what scripts and clients without an Accept header get; browsers navigating to a
    // page ask for text/html explicitly and get the error page.
    res.format({
      json: () => res.json({ error: { message: failure.message } }),
      html: () => renderErrorPage(req, res, failure),
      default: () => res.json({ error: { message: failure.message } }),
    });
  };
}

/** The error page, with a way back to where the person was (back-link.ts) and to the home page. */
function renderErrorPage(req: Request, res: Response, failure: HttpFailure): void {
  const backLink = findBackLink({
    path: req.path,
    query: req.query,
    referer: req.get('referer'),
    host: req.get('host'),
  });
  res.render('error', { ...failure, backLink });
}

/** Anything no route claimed. */
export const notFound: RequestHandler = (_req, _res, next) => {
  next(
    new HttpError({
      status: 404,
      message: 'There is no page at this address. Check the link, or start from the home page.',
    }),
  );
};

/** GET (or any other verb) on a route that only the app's buttons use (they send POST). */
export const methodNotAllowed: RequestHandler = (_req, res, next) => {
  res.set('Allow', 'POST');
  next(
    new HttpError({
      status: 405,
      message:
        'This address belongs to a button of the app and cannot be opened as a page. Go back and use the button instead.',
    }),
  );
};

function titleFor(status: number): string {
  switch (status) {
    case 400:
      return 'That did not work';
    case 401:
      return 'Password needed';
    case 403:
      return 'Not done';
    case 404:
      return 'Not found';
    case 405:
      return 'Not a page';
    case 409:
      return 'Not possible right now';
    case 413:
    case 415:
      return 'Could not read what was sent';
    default:
      return status >= 500 ? 'Something went wrong' : 'That did not work';
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
      message:
        'This address is broken (a % sign in it is not followed by a valid code). Check the link, or start from the home page.',
      title: titleFor(400),
    };
  }
  if (typeof type !== 'string' && expose !== true) return undefined;
  // Only a program other than the app's pages sends such bodies; the parenthesis tells its author what to send.
  const message =
    status === 413
      ? 'What was sent is too large for the app to read. Shorten what you typed and try again.'
      : status === 415
        ? 'The app could not read what was sent (it reads forms and JSON in UTF-8). Reload the page and try again.'
        : 'The app could not read what was sent (it reads forms and JSON). Reload the page and try again.';
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

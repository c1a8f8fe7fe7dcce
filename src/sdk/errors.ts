/** Error classes of opentok-ts-sdk and the one factory that turns a platform reply into one of them. */

/**
 * What every SDK error may carry besides its message.
 *
 * @example
 * ```ts
 * throw new ArchiveError({ message: 'Cannot stop archive (409): not recording', status: 409 });
 * ```
 */
export interface OpenTokErrorInit {
  /** What failed and what to check. Never contains a secret or a private key. */
  message: string;
  /** HTTP status of the platform's reply, when there was one. */
  status?: number;
  /** The platform's reply body (parsed JSON, or text cut to 1000 characters), when there was one. */
  body?: unknown;
  /** HTTP method of the failed request. */
  method?: string;
  /** URL of the failed request (it holds the API key or application ID, never a secret). */
  url?: string;
  /** The underlying error (network failure, abort, JSON parse error…). */
  cause?: unknown;
}

/**
 * Base class of every error the SDK throws or rejects with.
 *
 * @example
 * ```ts
 * try {
 *   await opentok.archives.find(archiveId);
 * } catch (error) {
 *   if (error instanceof OpenTokError) console.error(error.status, error.message);
 * }
 * ```
 */
export class OpenTokError extends Error {
  /** Always `'OpenTokError'`, also after minification. */
  override name = 'OpenTokError';
  /** HTTP status of the platform's reply, if the error comes from one. */
  readonly status: number | undefined;
  /** The platform's reply body, if the error comes from one. */
  readonly body: unknown;
  /** HTTP method of the failed request, if any. */
  readonly method: string | undefined;
  /** URL of the failed request, if any. */
  readonly url: string | undefined;

  constructor(init: OpenTokErrorInit) {
    super(init.message, { cause: init.cause });
    this.status = init.status;
    this.body = init.body;
    this.method = init.method;
    this.url = init.url;
  }

  /** A plain object for logs: `JSON.stringify(error)` would otherwise drop the message. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      method: this.method,
      url: this.url,
    };
  }
}

/**
 * Bad input to the SDK, detected before any request is sent. The message names the parameter and the
 * values it accepts.
 *
 * @example
 * ```ts
 * try {
 *   opentok.generateToken(sessionId, { role: 'admin' as Role });
 * } catch (error) {
 *   if (error instanceof ArgumentError) console.error(error.message); // role must be one of …
 * }
 * ```
 */
export class ArgumentError extends OpenTokError {
  /** Always `'ArgumentError'`, also after minification. */
  override name = 'ArgumentError';
}

/**
 * The platform rejected the credentials (HTTP 401 or 403).
 *
 * @example
 * ```ts
 * await opentok.createSession().catch((error) => {
 *   if (error instanceof AuthenticationError) console.error('check API_KEY / API_SECRET');
 * });
 * ```
 */
export class AuthenticationError extends OpenTokError {
  /** Always `'AuthenticationError'`, also after minification. */
  override name = 'AuthenticationError';
}

/**
 * The platform refused an archive operation (HTTP 400, 404 or 409). The message says which case it is
 * (for example "no clients are connected", "archive not found", "not recording") and what to do.
 *
 * @example
 * ```ts
 * await opentok.archives.stopById(archiveId).catch((error) => {
 *   if (error instanceof ArchiveError && error.status === 409) console.log('already stopped');
 * });
 * ```
 */
export class ArchiveError extends OpenTokError {
  /** Always `'ArchiveError'`, also after minification. */
  override name = 'ArchiveError';
}

/**
 * The request did not produce a usable reply: network failure, connection refused, timeout, a 5xx
 * status, or a body the SDK cannot read (malformed JSON, an HTML page from a proxy).
 *
 * @example
 * ```ts
 * await opentok.archives.all().catch((error) => {
 *   if (error instanceof RequestError) console.error('platform unreachable, try again later');
 * });
 * ```
 */
export class RequestError extends OpenTokError {
  /** Always `'RequestError'`, also after minification. */
  override name = 'RequestError';
  /**
   * True when no complete reply arrived within `timeoutMs` (the request is then a {@link TimeoutError}):
   * callers can tell a slow platform from an unreachable one without reading `cause`.
   */
  readonly timedOut: boolean = false;
}

/**
 * No complete reply within `timeoutMs`: the platform did not answer, or stalled while sending the body. The
 * request may still have taken effect on the platform (an archive may have started).
 *
 * @example
 * ```ts
 * await opentok.archives.create(sessionId).catch((error) => {
 *   if (error instanceof TimeoutError) console.error('the platform is slow; list the archives before retrying');
 * });
 * ```
 */
export class TimeoutError extends RequestError {
  /** Always `'TimeoutError'`, also after minification. */
  override name = 'TimeoutError';
  override readonly timedOut: boolean = true;
}

/**
 * The platform refused a stream operation (HTTP 400 or 404): a malformed or unknown session ID, or a stream
 * that is not (or no longer) published in the session. The message says which case it is.
 *
 * @example
 * ```ts
 * await opentok.streams.getStream(sessionId, streamId).catch((error) => {
 *   if (error instanceof StreamError && error.status === 404) console.log('that client stopped publishing');
 * });
 * ```
 */
export class StreamError extends OpenTokError {
  /** Always `'StreamError'`, also after minification. */
  override name = 'StreamError';
}

/** Platform operations, used to word error messages. */
export type Operation =
  | 'createSession'
  | 'startArchive'
  | 'stopArchive'
  | 'getArchive'
  | 'listArchives'
  | 'deleteArchive'
  | 'setArchiveLayout'
  | 'listStreams'
  | 'getStream'
  | 'setStreamClassLists';

/** Where a failed reply came from; only used to word the error. */
export interface ResponseContext {
  /** What the call did. */
  operation: Operation;
  /** The request's HTTP method. */
  method: string;
  /** The request's full URL. */
  url: string;
  /** The archive the operation was about, to name it in the message. */
  archiveId?: string;
  /** The stream the operation was about, to name it in the message. */
  streamId?: string;
}

const ACTIONS: Record<Operation, string> = {
  createSession: 'Cannot create session',
  startArchive: 'Cannot start archive',
  stopArchive: 'Cannot stop archive',
  getArchive: 'Cannot get archive',
  listArchives: 'Cannot list archives',
  deleteArchive: 'Cannot delete archive',
  setArchiveLayout: 'Cannot set the layout of archive',
  listStreams: 'Cannot list streams',
  getStream: 'Cannot get stream',
  setStreamClassLists: 'Cannot set stream layout classes',
};

const NOT_FOUND = 'no archive has this ID — check the archive ID (archives.all() lists the archives)';

/** The table of docs/platform.md §5.5: what each archive status code means per operation. */
const ARCHIVE_CASES: Partial<Record<Operation, Partial<Record<400 | 404 | 409, string>>>> = {
  startArchive: {
    400:
      'the platform refused the request — most often no clients are connected to the session yet ' +
      '(publish a stream first); otherwise check the session ID and the archive options',
    404: 'the session does not exist — check the session ID and that it was created with these credentials',
    409:
      'the session is relayed (peer-to-peer) or is already being recorded — create the session with ' +
      "mediaMode 'routed', stop the running archive, or pass a distinct multiArchiveTag",
  },
  stopArchive: {
    400: 'the platform refused the request — check the archive ID',
    404: NOT_FOUND,
    409: 'the archive is not recording (it has already stopped) — find it to see its current status',
  },
  getArchive: {
    400: 'the archive ID is invalid — check the archive ID',
    404: NOT_FOUND,
  },
  listArchives: {
    400: 'the platform refused the request — check offset, count and sessionId',
    404: 'the project was not found — check the API key or application ID',
  },
  deleteArchive: {
    400: 'the platform refused the request — check the archive ID',
    404: NOT_FOUND,
    409:
      'only archives whose status is available, uploaded or deleted can be deleted — stop the archive ' +
      'and wait until it is available',
  },
  setArchiveLayout: {
    400:
      'the platform refused the layout — check the layout options, that the archive is composed ' +
      '(individual archives have no layout) and that it is still recording',
    404: NOT_FOUND,
    409: 'the archive is not recording (it has already stopped) — a layout can only change while recording',
  },
};

/** What each stream status code means per operation (docs/platform.md §5.7). */
const STREAM_CASES: Partial<Record<Operation, Partial<Record<400 | 404, string>>>> = {
  listStreams: {
    400: 'the session ID is invalid — check the session ID',
    404: 'the session does not exist — check the session ID and that it was created with these credentials',
  },
  getStream: {
    400: 'the session ID or stream ID is invalid — check both IDs',
    404:
      'no stream with this ID is published in the session — the client may have stopped publishing ' +
      '(streams.listStreams() lists the streams)',
  },
  setStreamClassLists: {
    400:
      'the platform refused the class lists — check the session ID, and that every stream ID names a stream ' +
      'published in that session now (streams.listStreams() lists them)',
    404: 'the session or one of the streams does not exist — list the streams again and retry',
  },
};

function isArchiveStatus(status: number): status is 400 | 404 | 409 {
  return status === 400 || status === 404 || status === 409;
}

/** The platform's own words (`message` of a JSON error body), quoted and shortened. */
function platformSays(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'message' in body) {
    const message = (body as { message: unknown }).message;
    if (typeof message === 'string' && message !== '') {
      return ` Platform message: "${message.length > 200 ? `${message.slice(0, 200)}…` : message}".`;
    }
  }
  if (typeof body === 'string' && /^\s*</.test(body)) return ' The reply was an HTML/XML page, not JSON.';
  return '';
}

/**
 * Maps a non-2xx platform reply to the error class a caller can act on: 401/403 → AuthenticationError,
 * 400/404/409 on archive operations → ArchiveError, 400/404 on stream operations → StreamError,
 * 5xx → RequestError, anything else → OpenTokError.
 */
export function errorFromResponse(status: number, body: unknown, context: ResponseContext): OpenTokError {
  const about = context.archiveId ?? context.streamId;
  const subject = about === undefined ? ACTIONS[context.operation] : `${ACTIONS[context.operation]} ${about}`;
  const init = { status, body, method: context.method, url: context.url };
  const suffix = platformSays(body);

  // Which of 401 and 403 the Vonage host sends for a bad JWT is undocumented (docs/platform.md §1.3, §9);
  // like opentok-node, treat both as an authentication failure.
  if (status === 401 || status === 403) {
    return new AuthenticationError({
      ...init,
      message:
        `${subject} (${status}): the platform rejected the credentials — check the API key and secret ` +
        '(or the application ID and private key) and that apiUrl is the platform they belong to.' +
        suffix,
    });
  }
  if (status >= 500) {
    return new RequestError({
      ...init,
      message: `${subject} (${status}): the platform or a proxy in front of it failed — try again later.${suffix}`,
    });
  }
  const archiveCase = isArchiveStatus(status) ? ARCHIVE_CASES[context.operation]?.[status] : undefined;
  if (archiveCase !== undefined) {
    return new ArchiveError({ ...init, message: `${subject} (${status}): ${archiveCase}.${suffix}` });
  }
  const streamCase = status === 400 || status === 404 ? STREAM_CASES[context.operation]?.[status] : undefined;
  if (streamCase !== undefined) {
    return new StreamError({ ...init, message: `${subject} (${status}): ${streamCase}.${suffix}` });
  }
  if (context.operation === 'createSession' && status === 400) {
    return new OpenTokError({
      ...init,
      message:
        `${subject} (400): the platform refused the session options — check mediaMode, archiveMode, ` +
        `location and e2ee.${suffix}`,
    });
  }
  return new OpenTokError({
    ...init,
    message: `${subject}: unexpected HTTP status ${status} — check apiUrl and the request.${suffix}`,
  });
}

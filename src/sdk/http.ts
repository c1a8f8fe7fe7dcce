/** The SDK's only door to the network: base URL, auth header, timeout, body decoding, status → error. */
import { ArgumentError, errorFromResponse, RequestError, TimeoutError, type Operation } from './errors';
import { isDotSegment } from './validation';
import { USER_AGENT } from './version';

/**
 * Default request timeout.
 *
 * @example
 * ```ts
 * new OpenTok({ apiKey, apiSecret, timeoutMs: DEFAULT_TIMEOUT_MS / 4 });
 * ```
 */
export const DEFAULT_TIMEOUT_MS = 20_000;

/** How the client is built: where the platform is, how long to wait, how to sign each request. */
export interface HttpClientOptions {
  /** Platform origin (and optional base path), without a trailing slash. */
  baseUrl: string;
  /** How long a call may take, reply body included, before it fails with a TimeoutError. */
  timeoutMs: number;
  /** Returns a freshly signed auth header `[name, value]` for each request. */
  authHeader: () => readonly [string, string];
}

/** One platform call. `path` must already have every ID encoded (see {@link pathOf}). */
export interface HttpRequest {
  /** What the call does, used to word its errors. */
  operation: Operation;
  /** The HTTP method. */
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the base URL, IDs already encoded. */
  path: string;
  /** Query parameters; `undefined` ones are left out. */
  query?: Record<string, string | number | undefined>;
  /** A body sent as JSON. */
  json?: unknown;
  /** Form fields in the order they are sent. */
  form?: ReadonlyArray<readonly [string, string]>;
  /** The archive the call is about, named in error messages. */
  archiveId?: string;
  /** The stream the call is about, named in error messages. */
  streamId?: string;
}

/** A 2xx reply. `text` is '' for 204 and empty bodies. */
export interface HttpReply {
  /** The 2xx status. */
  status: number;
  /** The Content-Type header, '' when absent. */
  contentType: string;
  /** The body as text. */
  text: string;
  /** The request's method, for error messages. */
  method: string;
  /** The request's full URL, for error messages. */
  url: string;
}

/**
 * Joins path segments, URL-encoding each one: IDs come from users and must not change the path. Encoding leaves
 * `.` and `..` as they are and URL parsing would resolve them, so those are refused here as a last guard.
 *
 * @throws {@link ArgumentError} for a `.` or `..` segment.
 */
export function pathOf(...segments: string[]): string {
  return segments
    .map((segment) => {
      if (isDotSegment(segment)) {
        throw new ArgumentError({ message: `A URL path segment must not be '.' or '..' (got '${segment}')` });
      }
      return `/${encodeURIComponent(segment)}`;
    })
    .join('');
}

const BODY_EXCERPT_CHARS = 1000;

function excerpt(text: string): string {
  return text.length > BODY_EXCERPT_CHARS ? `${text.slice(0, BODY_EXCERPT_CHARS)}…` : text;
}

/** Matches `application/json`, with or without `; charset=…`, and `+json` types. */
function isJsonType(contentType: string): boolean {
  return /^application\/([\w.-]+\+)?json\b/i.test(contentType.trim());
}

// Duck-typed rather than `instanceof Error`: fetch's errors may come from another realm (e.g. a test VM).
function errorField(error: unknown, field: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[field] : undefined;
}

function isTimeout(error: unknown): boolean {
  const name = errorField(error, 'name');
  return name === 'TimeoutError' || name === 'AbortError';
}

function networkCode(error: unknown): string {
  const code = errorField(errorField(error, 'cause'), 'code');
  if (typeof code === 'string') return code;
  const message = errorField(error, 'message');
  return typeof message === 'string' ? message : 'unknown error';
}

/** Sends platform requests; the only place in the SDK that calls `fetch`. */
export class HttpClient {
  readonly #options: HttpClientOptions;

  /** Built once per OpenTok instance; sends nothing until {@link HttpClient.send}. */
  constructor(options: HttpClientOptions) {
    this.#options = options;
  }

  /** Sends the request; resolves with any 2xx reply and rejects with a typed OpenTokError otherwise. */
  async send(request: HttpRequest): Promise<HttpReply> {
    const url = this.#urlOf(request);
    const [authName, authValue] = this.#options.authHeader();
    const headers: Record<string, string> = {
      [authName]: authValue,
      'User-Agent': USER_AGENT,
      Accept: 'application/json',
    };
    let body: string | undefined;
    if (request.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.form !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(
        request.form.map(([name, value]): [string, string] => [name, value]),
      ).toString();
    }

    const { timeoutMs } = this.#options;
    const where = `${request.method} ${url}`;
    let status: number;
    let contentType: string;
    let text: string;
    let replied = false;
    try {
      // The timeout signal also covers reading the body, so a server that stalls mid-body is caught too.
      const response = await fetch(url, {
        method: request.method,
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      replied = true;
      status = response.status;
      contentType = response.headers.get('content-type') ?? '';
      text = await response.text();
    } catch (error) {
      if (isTimeout(error)) {
        throw new TimeoutError({
          message: `${where} timed out after ${timeoutMs} ms — check that apiUrl is reachable, or raise timeoutMs.`,
          method: request.method,
          url,
          cause: error,
        });
      }
      throw new RequestError({
        message: replied
          ? `${where} failed: the connection broke while reading the reply (${networkCode(error)}) — try again.`
          : `${where} failed: cannot reach the platform (${networkCode(error)}) — check apiUrl and the network.`,
        method: request.method,
        url,
        cause: error,
      });
    }

    if (status >= 200 && status < 300) return { status, contentType, text, method: request.method, url };
    throw errorFromResponse(status, this.#decodeErrorBody(text, contentType), {
      operation: request.operation,
      method: request.method,
      url,
      ...(request.archiveId === undefined ? {} : { archiveId: request.archiveId }),
      ...(request.streamId === undefined ? {} : { streamId: request.streamId }),
    });
  }

  #urlOf(request: HttpRequest): string {
    let url = `${this.#options.baseUrl}${request.path}`;
    if (request.query !== undefined) {
      const pairs = Object.entries(request.query).filter(
        (pair): pair is [string, string | number] => pair[1] !== undefined,
      );
      if (pairs.length > 0) {
        url += `?${new URLSearchParams(pairs.map(([name, value]): [string, string] => [name, String(value)])).toString()}`;
      }
    }
    return url;
  }

  #decodeErrorBody(text: string, contentType: string): unknown {
    if (text === '') return undefined;
    if (isJsonType(contentType) || /^\s*[[{]/.test(text)) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return excerpt(text);
      }
    }
    return excerpt(text);
  }
}

/** Parses a 2xx reply as JSON; HTML pages from proxies and malformed JSON become a RequestError. */
export function parseJsonReply(reply: HttpReply): unknown {
  const where = `${reply.method} ${reply.url}`;
  if (reply.contentType !== '' && !isJsonType(reply.contentType)) {
    throw new RequestError({
      message: `${where} returned ${reply.contentType.split(';')[0]} instead of JSON — check that apiUrl points at the platform, not a proxy or web page.`,
      status: reply.status,
      body: excerpt(reply.text),
      method: reply.method,
      url: reply.url,
    });
  }
  try {
    return JSON.parse(reply.text) as unknown;
  } catch (error) {
    throw new RequestError({
      message: `${where} returned a body that is not valid JSON — check that apiUrl points at the platform.`,
      status: reply.status,
      body: excerpt(reply.text),
      method: reply.method,
      url: reply.url,
      cause: error,
    });
  }
}

/** A RequestError for a 2xx reply whose JSON does not have the shape the platform documents. */
export function unexpectedShape(reply: HttpReply, what: string): RequestError {
  return new RequestError({
    message: `${reply.method} ${reply.url} returned JSON the SDK cannot read: ${what}.`,
    status: reply.status,
    body: excerpt(reply.text),
    method: reply.method,
    url: reply.url,
  });
}

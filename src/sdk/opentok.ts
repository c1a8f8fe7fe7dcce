/** class OpenTok: credentials, session creation, client tokens and the archives resource. */
import { createPrivateKey, createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import { Archives } from './archives';
import { ArgumentError } from './errors';
import { DEFAULT_TIMEOUT_MS, HttpClient, parseJsonReply, unexpectedShape, type HttpReply } from './http';
import { Session, type ArchiveMode, type MediaMode, type TokenOptions } from './session';
import { decodeSessionId } from './session-id';
import {
  createApplicationAuthJwt,
  createOpenTokJwt,
  createProjectAuthJwt,
  createT1Token,
  createVonageJwt,
  ROLES,
  type TokenFields,
} from './tokens';
import {
  codePointLength,
  hasLoneSurrogate,
  requireNonEmptyString,
  requireOneOf,
  requireOptionalBoolean,
  requireOptionalIPv4,
  requireOptionalString,
  requireOptions,
} from './validation';

/**
 * Default REST URL for OpenTok projects.
 *
 * @example
 * ```ts
 * new OpenTok({ apiKey, apiSecret, apiUrl: OPENTOK_API_URL }); // same as leaving apiUrl out
 * ```
 */
export const OPENTOK_API_URL = 'https://api.opentok.com';
/**
 * Default REST URL for Vonage applications.
 *
 * @example
 * ```ts
 * new OpenTok({ applicationId, privateKey, apiUrl: VONAGE_API_URL });
 * ```
 */
export const VONAGE_API_URL = 'https://video.api.vonage.com';

/**
 * Options shared by both kinds of credentials.
 *
 * @example
 * ```ts
 * const options: CommonOptions = { apiUrl: 'http://127.0.0.1:3000/emulator', timeoutMs: 5000 };
 * ```
 */
export interface CommonOptions {
  /** Platform REST URL; defaults to the platform of the credentials. May include a base path. */
  apiUrl?: string;
  /** Per-request timeout in milliseconds (default 20 000). */
  timeoutMs?: number;
  /** Test seam: the current time in epoch milliseconds (default `Date.now`). */
  clock?: () => number;
  /** Test seam: the token nonce source (default `Math.random`). */
  nonce?: () => number;
}

/**
 * Credentials of an OpenTok project (https://tokbox.com/account).
 *
 * @example
 * ```ts
 * const credentials: ProjectCredentials = { apiKey: '123456', apiSecret: process.env.API_SECRET! };
 * ```
 */
export interface ProjectCredentials extends CommonOptions {
  /** API key (digits); a number is accepted and kept as a string. */
  apiKey: string | number;
  /** API secret. Used only to sign; never sent, logged or put in error messages. */
  apiSecret: string;
  /** Not with a project's credentials. */
  applicationId?: never;
  /** Not with a project's credentials. */
  privateKey?: never;
}

/**
 * Credentials of a Vonage application.
 *
 * @example
 * ```ts
 * const credentials: ApplicationCredentials = {
 *   applicationId: process.env.VONAGE_APPLICATION_ID!,
 *   privateKey: fs.readFileSync('private.key'),
 * };
 * ```
 */
export interface ApplicationCredentials extends CommonOptions {
  /** Application ID (a UUID). */
  applicationId: string;
  /** The application's PEM private key. Used only to sign; never sent or logged. */
  privateKey: string | Buffer;
  /** Not with an application's credentials. */
  apiKey?: never;
  /** Not with an application's credentials. */
  apiSecret?: never;
}

/**
 * Constructor options of {@link OpenTok}: one of the two credential kinds.
 *
 * @example
 * ```ts
 * const options: OpenTokOptions = useVonage ? { applicationId, privateKey } : { apiKey, apiSecret };
 * ```
 */
export type OpenTokOptions = ProjectCredentials | ApplicationCredentials;

/**
 * Options of {@link OpenTok.createSession}.
 *
 * @example
 * ```ts
 * const options: SessionOptions = { mediaMode: 'routed', archiveMode: 'manual', location: '12.34.56.78' };
 * ```
 */
export interface SessionOptions {
  /** Default `routed`, which archiving needs. */
  mediaMode?: MediaMode;
  /** Default `manual`; `always` needs a routed session. */
  archiveMode?: ArchiveMode;
  /** IPv4 address hint for choosing the media server's location. */
  location?: string;
  /** End-to-end encryption; needs a routed session with manual archiving. */
  e2ee?: boolean;
}

const MEDIA_MODES: readonly MediaMode[] = ['routed', 'relayed'];
const ARCHIVE_MODES: readonly ArchiveMode[] = ['manual', 'always'];
const TOKEN_TYPES = ['JWT', 'T1'] as const;
const MAX_EXPIRY_SECONDS = 30 * 24 * 60 * 60;
const DEFAULT_EXPIRY_SECONDS = 24 * 60 * 60;
const MAX_DATA_CHARS = 1000;
const MAX_LAYOUT_CLASS_LIST_CHARS = 1024;
const MAX_TIMEOUT_MS = 2_147_483_647;
const SESSION_ID_XML = /<session_id>([^<]+)<\/session_id>/;

/** One element of the JSON array that session create answers (reference §2.3); only session_id is read. */
interface SessionCreateWire {
  session_id: unknown;
  project_id?: unknown;
  partner_id?: unknown;
  create_dt?: unknown;
  media_server_url?: unknown;
}

type Signer = { kind: 'project'; secret: KeyObject } | { kind: 'application'; privateKey: KeyObject };

function normaliseApiUrl(value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ArgumentError({ message: `apiUrl must be an http(s) URL such as '${fallback}'` });
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** Project API keys are digits; any printable ASCII is accepted so that local test keys work too. */
function readApiKey(value: unknown): string {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  if (typeof value === 'string' && /^[\x21-\x7e]+$/.test(value.trim())) return value.trim();
  throw new ArgumentError({ message: "apiKey must be the project API key, digits such as '123456'" });
}

function readSigner(options: OpenTokOptions): { apiKey: string; signer: Signer } {
  const hasProject = options.apiKey !== undefined || options.apiSecret !== undefined;
  const hasApplication = options.applicationId !== undefined || options.privateKey !== undefined;
  if (hasProject === hasApplication) {
    throw new ArgumentError({
      message:
        'OpenTok needs either { apiKey, apiSecret } (an OpenTok project) or { applicationId, privateKey } ' +
        '(a Vonage application), not both and not neither',
    });
  }
  if (hasProject) {
    const apiKey = readApiKey(options.apiKey);
    if (typeof options.apiSecret !== 'string' || options.apiSecret === '') {
      throw new ArgumentError({ message: 'apiSecret must be the project API secret, a non-empty string' });
    }
    return {
      apiKey,
      signer: { kind: 'project', secret: createSecretKey(Buffer.from(options.apiSecret, 'utf8')) },
    };
  }
  const applicationId = requireNonEmptyString('applicationId', options.applicationId);
  const pem = options.privateKey;
  if (typeof pem !== 'string' && !Buffer.isBuffer(pem)) {
    throw new ArgumentError({ message: 'privateKey must be the application private key in PEM format' });
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new ArgumentError({
      message: 'privateKey could not be read: it must be the application private key in PEM format',
      cause: error,
    });
  }
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new ArgumentError({ message: 'privateKey must be an RSA private key (RS256 signs Vonage tokens)' });
  }
  return { apiKey: applicationId, signer: { kind: 'application', privateKey } };
}

function readTimeout(value: unknown): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw new ArgumentError({
      message: `timeoutMs must be an integer number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`,
    });
  }
  return value;
}

function readFunction<T>(name: string, value: unknown, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') throw new ArgumentError({ message: `${name} must be a function` });
  return value as T;
}

/**
 * The SDK's entry point: holds the credentials, creates sessions, mints client tokens and manages
 * archives. Build one per set of credentials and reuse it; signing keys are prepared once.
 *
 * @example
 * ```ts
 * const opentok = new OpenTok({ apiKey: process.env.API_KEY!, apiSecret: process.env.API_SECRET! });
 * const session = await opentok.createSession({ mediaMode: 'routed' });
 * const token = opentok.generateToken(session.sessionId, { role: 'moderator' });
 * ```
 */
export class OpenTok {
  /** The API key of an OpenTok project, or the application ID of a Vonage application. */
  readonly apiKey: string;
  /** The REST URL requests go to. */
  readonly apiUrl: string;
  /** Start, stop, find, list and delete archives. */
  readonly archives: Archives;
  readonly #signer: Signer;
  readonly #http: HttpClient;
  readonly #clock: () => number;
  readonly #nonce: () => number;

  /**
   * @throws {@link ArgumentError} when the credentials or options are missing or malformed.
   *
   * @example
   * ```ts
   * const vonage = new OpenTok({ applicationId: appId, privateKey: fs.readFileSync('private.key') });
   * ```
   */
  constructor(options: OpenTokOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new ArgumentError({ message: 'OpenTok needs an options object with credentials' });
    }
    const { apiKey, signer } = readSigner(options);
    this.apiKey = apiKey;
    this.#signer = signer;
    this.apiUrl = normaliseApiUrl(
      options.apiUrl,
      signer.kind === 'project' ? OPENTOK_API_URL : VONAGE_API_URL,
    );
    this.#clock = readFunction('clock', options.clock, Date.now);
    this.#nonce = readFunction('nonce', options.nonce, Math.random);
    this.#http = new HttpClient({
      baseUrl: this.apiUrl,
      timeoutMs: readTimeout(options.timeoutMs),
      authHeader: () => this.#authHeader(),
    });
    this.archives = new Archives(this.#http, this.apiKey);
  }

  /**
   * Creates a session on the platform.
   *
   * @example
   * ```ts
   * const session = await opentok.createSession({ mediaMode: 'routed', archiveMode: 'manual' });
   * console.log(session.sessionId);
   * ```
   */
  async createSession(sessionOptions?: SessionOptions): Promise<Session> {
    const options = requireOptions('options', sessionOptions);
    const mediaMode = requireOneOf('mediaMode', options.mediaMode, MEDIA_MODES, 'routed');
    const archiveMode = requireOneOf('archiveMode', options.archiveMode, ARCHIVE_MODES, 'manual');
    const location = requireOptionalIPv4('location', options.location);
    const e2ee = requireOptionalBoolean('e2ee', options.e2ee) ?? false;
    if (archiveMode === 'always' && mediaMode !== 'routed') {
      throw new ArgumentError({
        message: "archiveMode 'always' needs mediaMode 'routed' (got mediaMode 'relayed')",
      });
    }
    if (e2ee && mediaMode !== 'routed') {
      throw new ArgumentError({ message: "e2ee needs mediaMode 'routed' (got mediaMode 'relayed')" });
    }
    if (e2ee && archiveMode === 'always') {
      throw new ArgumentError({ message: "e2ee cannot be combined with archiveMode 'always'; use 'manual'" });
    }

    const form: Array<readonly [string, string]> = [['archiveMode', archiveMode]];
    if (e2ee) form.push(['e2ee', 'true']);
    if (location !== undefined) form.push(['location', location]);
    // The platform's default when p2p.preference is omitted is undocumented (reference §2.1), so it is
    // always sent, as every official SDK does.
    form.push(['p2p.preference', mediaMode === 'routed' ? 'disabled' : 'enabled']);

    const reply = await this.#http.send({
      operation: 'createSession',
      method: 'POST',
      path: '/session/create',
      form,
    });
    const sessionId = readSessionId(reply);
    return new Session(this, {
      sessionId,
      mediaMode,
      archiveMode,
      e2ee,
      ...(location === undefined ? {} : { location }),
    });
  }

  /**
   * Mints a client token that lets a browser connect to the session. Synchronous: no request is sent.
   * A JWT by default; `tokenType: 'T1'` gives the legacy format (OpenTok projects only).
   *
   * @throws {@link ArgumentError} for an unknown role, an expiry in the past or more than 30 days
   * ahead, data of 1000 characters or more, or a session ID of another project.
   *
   * @example
   * ```ts
   * const token = opentok.generateToken(sessionId, { role: 'publisher', data: 'name=Ann' });
   * ```
   */
  generateToken(sessionId: string, tokenOptions?: TokenOptions): string {
    requireNonEmptyString('sessionId', sessionId);
    const options = requireOptions('options', tokenOptions);
    const role = requireOneOf('role', options.role, ROLES, 'publisher');
    const tokenType = requireOneOf('tokenType', options.tokenType, TOKEN_TYPES, 'JWT');
    const connectionData = requireOptionalString('data', options.data);
    // The limit counts characters (code points), as Ruby SDK 2.2.0 does with `data.length < 1000` and as its
    // docs say (reference §4.1); opentok-node and Java compare a UTF-16 `length`, which counts an emoji twice.
    const characters = connectionData === undefined ? 0 : codePointLength(connectionData);
    if (characters >= MAX_DATA_CHARS) {
      throw new ArgumentError({
        message: `data must be fewer than ${MAX_DATA_CHARS} characters (got ${characters} characters)`,
      });
    }
    if (connectionData !== undefined && hasLoneSurrogate(connectionData)) {
      throw new ArgumentError({ message: 'data must be valid Unicode text (it contains a lone surrogate)' });
    }
    const initialLayoutClassList = readLayoutClassList(options.initialLayoutClassList);

    const now = Math.floor(this.#clock() / 1000);
    const expireTime = readExpireTime(options.expireTime, now);
    const fields: TokenFields = {
      sessionId,
      role,
      createTime: now,
      nonce: this.#nonce(),
      expireTime,
      connectionData,
      initialLayoutClassList,
    };

    const signer = this.#signer;
    if (signer.kind === 'application') {
      if (tokenType === 'T1') {
        throw new ArgumentError({
          message: "tokenType 'T1' is only available for OpenTok projects; Vonage applications use 'JWT'",
        });
      }
      // No session-ownership check: the layout of Vonage application session IDs is undocumented
      // and no official SDK decodes them (reference §3).
      return createVonageJwt(
        this.apiKey,
        signer.privateKey,
        { ...fields, expireTime: expireTime ?? now + DEFAULT_EXPIRY_SECONDS },
        randomUUID(),
      );
    }
    this.#checkSessionBelongsToKey(sessionId);
    if (tokenType === 'T1') {
      // Ruby 2.2.0 leaves expire_time out when none is given; the platform then applies its 24 h default.
      return createT1Token(this.apiKey, signer.secret, fields);
    }
    return createOpenTokJwt(this.apiKey, signer.secret, {
      ...fields,
      expireTime: expireTime ?? now + DEFAULT_EXPIRY_SECONDS,
    });
  }

  /** Same check as opentok-node: field 1 of the decoded session ID must equal the API key. */
  #checkSessionBelongsToKey(sessionId: string): void {
    const decoded = decodeSessionId(sessionId);
    if (decoded === undefined || decoded.apiKey !== this.apiKey) {
      throw new ArgumentError({
        message:
          `sessionId does not belong to API key ${this.apiKey}: create the session with the same ` +
          'credentials that generate its tokens',
      });
    }
  }

  #authHeader(): readonly [string, string] {
    const iat = Math.floor(this.#clock() / 1000);
    const signer = this.#signer;
    if (signer.kind === 'project') {
      return ['X-OPENTOK-AUTH', createProjectAuthJwt(this.apiKey, signer.secret, iat, randomUUID())];
    }
    return [
      'Authorization',
      `Bearer ${createApplicationAuthJwt(this.apiKey, signer.privateKey, iat, randomUUID())}`,
    ];
  }
}

function readLayoutClassList(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const list =
    Array.isArray(value) && value.every((item) => typeof item === 'string') ? value.join(' ') : value;
  if (typeof list !== 'string') {
    throw new ArgumentError({ message: 'initialLayoutClassList must be a string or an array of strings' });
  }
  if (list.length > MAX_LAYOUT_CLASS_LIST_CHARS) {
    throw new ArgumentError({
      message: `initialLayoutClassList must be at most ${MAX_LAYOUT_CLASS_LIST_CHARS} characters (got ${list.length})`,
    });
  }
  if (hasLoneSurrogate(list)) {
    throw new ArgumentError({ message: 'initialLayoutClassList must be valid Unicode text' });
  }
  return list;
}

function readExpireTime(value: unknown, now: number): number | undefined {
  if (value === undefined) return undefined;
  const seconds =
    value instanceof Date
      ? Math.floor(value.getTime() / 1000)
      : typeof value === 'number'
        ? Math.floor(value)
        : NaN;
  const latest = now + MAX_EXPIRY_SECONDS;
  if (!Number.isFinite(seconds) || seconds < now || seconds > latest) {
    throw new ArgumentError({
      message:
        `expireTime must be epoch seconds (or a Date) from now (${now}) to 30 days ahead (${latest}); ` +
        `got ${value instanceof Date ? value.toISOString() : String(value)}`,
    });
  }
  return seconds;
}

/** Reads `[0].session_id` of the JSON reply, or `<session_id>` of the XML reply older platforms send. */
function readSessionId(reply: HttpReply): string {
  if (
    /xml/i.test(reply.contentType) ||
    (reply.contentType === '' && reply.text.trimStart().startsWith('<'))
  ) {
    const match = SESSION_ID_XML.exec(reply.text);
    if (match?.[1] === undefined) throw unexpectedShape(reply, 'XML reply without <session_id>');
    return match[1];
  }
  const json = parseJsonReply(reply);
  const first: unknown = Array.isArray(json) ? json[0] : undefined;
  const sessionId =
    typeof first === 'object' && first !== null
      ? (first as Partial<SessionCreateWire>).session_id
      : undefined;
  if (typeof sessionId !== 'string' || sessionId === '') {
    throw unexpectedShape(reply, 'expected [{ "session_id": … }]');
  }
  return sessionId;
}

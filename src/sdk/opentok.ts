/** class OpenTok, the SDK's entry point: createSession, generateToken and the archives and streams resources. */
import { randomUUID } from 'node:crypto';
import { Archives } from './archives';
import { ArgumentError } from './errors';
import { HttpClient } from './http';
import { readOpenTokOptions, type OpenTokOptions, type Signer } from './opentok-options';
import { Session, type TokenOptions } from './session';
import { buildSessionRequest, readSessionId, type SessionOptions } from './session-create';
import { decodeSessionId } from './session-id';
import { Streams } from './streams';
import { readTokenRequest, withDefaultExpiry } from './token-request';
import {
  createApplicationAuthJwt,
  createOpenTokJwt,
  createProjectAuthJwt,
  createT1Token,
  createVonageJwt,
} from './tokens';

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
  /** Start, stop, find, list and delete archives, and change their layout. */
  readonly archives: Archives;
  /** List and get the streams of a session and set their layout classes. */
  readonly streams: Streams;
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
    const { apiKey, signer, apiUrl, timeoutMs, clock, nonce } = readOpenTokOptions(options);
    this.apiKey = apiKey;
    this.#signer = signer;
    this.apiUrl = apiUrl;
    this.#clock = clock;
    this.#nonce = nonce;
    this.#http = new HttpClient({ baseUrl: apiUrl, timeoutMs, authHeader: () => this.#authHeader() });
    this.archives = new Archives(this.#http, this.apiKey);
    this.streams = new Streams(this.#http, this.apiKey);
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
    const { form, init } = buildSessionRequest(sessionOptions);
    const reply = await this.#http.send({
      operation: 'createSession',
      method: 'POST',
      path: '/session/create',
      form,
    });
    return new Session(this, { sessionId: readSessionId(reply), ...init });
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
    const { tokenType, fields } = readTokenRequest(sessionId, tokenOptions, this.#clock, this.#nonce);
    const signer = this.#signer;
    if (signer.kind === 'application') {
      if (tokenType === 'T1') {
        throw new ArgumentError({
          message: "tokenType 'T1' is only available for OpenTok projects; Vonage applications use 'JWT'",
        });
      }
      // No session-ownership check: the layout of Vonage application session IDs is undocumented
      // and no official SDK decodes them (docs/platform.md §3).
      return createVonageJwt(this.apiKey, signer.privateKey, withDefaultExpiry(fields), randomUUID());
    }
    this.#checkSessionBelongsToKey(sessionId);
    if (tokenType === 'T1') {
      // Ruby 2.2.0 leaves expire_time out when none is given; the platform then applies its 24 h default.
      return createT1Token(this.apiKey, signer.secret, fields);
    }
    return createOpenTokJwt(this.apiKey, signer.secret, withDefaultExpiry(fields));
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

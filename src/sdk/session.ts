/** A session on the platform: its settings and a shortcut to mint client tokens for it. */
import type { Role } from './tokens';

/**
 * `routed`: streams go through the Media Router (needed for archiving). `relayed`: peer-to-peer.
 *
 * @example
 * ```ts
 * const mediaMode: MediaMode = 'routed';
 * ```
 */
export type MediaMode = 'routed' | 'relayed';
/**
 * `manual`: archives start on request. `always`: the platform records every routed session.
 *
 * @example
 * ```ts
 * await opentok.createSession({ archiveMode: 'always' satisfies ArchiveMode });
 * ```
 */
export type ArchiveMode = 'manual' | 'always';
/**
 * `JWT` (today's default) or the legacy `T1` format, which only OpenTok projects can produce.
 *
 * @example
 * ```ts
 * const legacy = opentok.generateToken(sessionId, { tokenType: 'T1' satisfies TokenType });
 * ```
 */
export type TokenType = 'JWT' | 'T1';

/**
 * Options of a client token.
 *
 * @example
 * ```ts
 * const options: TokenOptions = { role: 'moderator', expireTime: Math.floor(Date.now() / 1000) + 3600 };
 * ```
 */
export interface TokenOptions {
  /** Default `publisher`. */
  role?: Role;
  /** Expiry in epoch **seconds** (or a Date): in the future and at most 30 days ahead. Default: 24 h. */
  expireTime?: number | Date;
  /**
   * Connection metadata shown to other clients as `connection.data`; fewer than 1000 characters
   * (Unicode code points: an emoji counts as one).
   */
  data?: string;
  /** Layout classes of this client's streams in composed archives (space-separated or an array). */
  initialLayoutClassList?: string | readonly string[];
  /** Default `JWT`. */
  tokenType?: TokenType;
}

/** Anything that can mint a token for a session ID ({@link OpenTok} does). @internal */
export interface TokenIssuer {
  /** Mints a client token for the session; see {@link OpenTok.generateToken}. */
  generateToken(sessionId: string, options?: TokenOptions): string;
}

/** The settings a session was created with. @internal */
export interface SessionInit {
  /** The ID the platform returned. */
  sessionId: string;
  /** The media mode the session was created with. */
  mediaMode: MediaMode;
  /** The archive mode the session was created with. */
  archiveMode: ArchiveMode;
  /** The IPv4 location hint, if one was given. */
  location?: string;
  /** Whether end-to-end encryption was requested (default false). */
  e2ee?: boolean;
}

/**
 * A session created by {@link OpenTok.createSession}. Sessions never expire; store `sessionId` and
 * mint tokens for it later with {@link OpenTok.generateToken}.
 *
 * @example
 * ```ts
 * const session = await opentok.createSession({ mediaMode: 'routed' });
 * const token = session.generateToken({ role: 'moderator' });
 * ```
 */
export class Session {
  /** The session ID, passed to `OT.initSession` in the browser. */
  readonly sessionId: string;
  /** How streams travel: `routed` (archivable) or `relayed`. */
  readonly mediaMode: MediaMode;
  /** Whether archives start on request (`manual`) or automatically (`always`). */
  readonly archiveMode: ArchiveMode;
  /** The IPv4 location hint given at creation, if any. */
  readonly location: string | undefined;
  /** Whether end-to-end encryption was requested. */
  readonly e2ee: boolean;
  readonly #issuer: TokenIssuer;

  /**
   * Built by {@link OpenTok.createSession}.
   * @internal
   */
  constructor(issuer: TokenIssuer, init: SessionInit) {
    this.#issuer = issuer;
    this.sessionId = init.sessionId;
    this.mediaMode = init.mediaMode;
    this.archiveMode = init.archiveMode;
    this.location = init.location;
    this.e2ee = init.e2ee ?? false;
  }

  /**
   * Mints a client token for this session; same as `opentok.generateToken(session.sessionId, options)`.
   *
   * @example
   * ```ts
   * const token = session.generateToken({ role: 'subscriber', data: 'name=Ann' });
   * ```
   */
  generateToken(options: TokenOptions = {}): string {
    return this.#issuer.generateToken(this.sessionId, options);
  }
}

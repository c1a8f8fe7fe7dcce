/** generateToken's arguments, checked and read into a client token's fields; nothing is signed here. */
import { ArgumentError } from './errors';
import type { TokenOptions, TokenType } from './session';
import { ROLES, type TokenFields } from './tokens';
import {
  codePointLength,
  hasLoneSurrogate,
  requireNonEmptyString,
  requireOneOf,
  requireOptionalString,
  requireOptions,
} from './validation';

const TOKEN_TYPES = ['JWT', 'T1'] as const;
const MAX_EXPIRY_SECONDS = 30 * 24 * 60 * 60;
const DEFAULT_EXPIRY_SECONDS = 24 * 60 * 60;
const MAX_DATA_CHARS = 1000;
/** opentok-node's bound on a token's layout class list, space-separated (docs/platform.md §4.1). */
export const MAX_LAYOUT_CLASS_LIST_CHARS = 1024;

/** A client token to sign: its format and its fields. */
export interface TokenRequest {
  /** The format asked for. */
  tokenType: TokenType;
  /** The checked fields; `expireTime` is undefined when none was given. */
  fields: TokenFields;
}

/** Checks every argument, reading the clock once (the expiry is checked against it) and the nonce once. */
export function readTokenRequest(
  sessionId: string,
  tokenOptions: TokenOptions | undefined,
  clock: () => number,
  nonce: () => number,
): TokenRequest {
  requireNonEmptyString('sessionId', sessionId);
  const options = requireOptions('options', tokenOptions);
  const role = requireOneOf('role', options.role, ROLES, 'publisher');
  const tokenType = requireOneOf('tokenType', options.tokenType, TOKEN_TYPES, 'JWT');
  const connectionData = requireOptionalString('data', options.data);
  // The limit counts characters (code points), as Ruby SDK 2.2.0 does with `data.length < 1000` and as its
  // docs say (docs/platform.md §4.1); opentok-node and Java compare a UTF-16 `length`, which counts an emoji twice.
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

  const now = Math.floor(clock() / 1000);
  const expireTime = readExpireTime(options.expireTime, now);
  const fields: TokenFields = {
    sessionId,
    role,
    createTime: now,
    nonce: nonce(),
    expireTime,
    connectionData,
    initialLayoutClassList,
  };
  return { tokenType, fields };
}

/** A JWT always carries an expiry: 24 hours after issue when none was given. */
export function withDefaultExpiry(fields: TokenFields): TokenFields & { expireTime: number } {
  return { ...fields, expireTime: fields.expireTime ?? fields.createTime + DEFAULT_EXPIRY_SECONDS };
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

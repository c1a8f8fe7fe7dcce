/** Verifies client (connection) tokens like the platform: legacy T1 (HMAC-SHA1), a project's HS256 JWT (docs/platform.md §4) and an application's RS256 JWT (docs/platform.md §4.4). */
import { createHmac } from 'node:crypto';
import type { JWTPayload } from 'jose';
import type { Role } from '../../protocol/realtime';
import { AuthenticationError } from '../errors';
import { verifyApplicationJwt, type ApplicationKey } from './application-jwt';
import { verifyProjectJwt } from './project-jwt';
import { isSameSecret } from './secret-compare';

export const ROLES: readonly Role[] = ['subscriber', 'publisher', 'publisheronly', 'moderator'];
const T1_SENTINEL = 'T1==';
/** Tokens without an expiry get the platform default of 24 hours after creation (docs/platform.md §4.1). */
const DEFAULT_TOKEN_LIFETIME_S = 86_400;

export interface ClientTokenClaims {
  sessionId: string;
  role: Role;
  connectionData: string;
  /** epoch seconds */
  expireTime: number;
  initialLayoutClassList: string;
}

export interface VerifyClientTokenInput {
  token: string;
  apiKey: string;
  apiSecret: string;
  sessionId: string;
  nowMs: number;
  clockSkewMs: number;
}

/** What the claims of any token are checked against. */
type ClaimCheckInput = Pick<VerifyClientTokenInput, 'sessionId' | 'nowMs' | 'clockSkewMs'>;

function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

function readNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

/**
 * The platform's 24 h default counts from the token's creation time; without one (or with one still to come) the
 * token would never expire, so it is refused.
 */
function defaultExpiry(createTime: number | undefined, input: ClaimCheckInput): number {
  if (createTime === undefined) {
    throw new AuthenticationError({
      message:
        'The token has no expiry: give it expire_time (or exp), or create_time (or iat) for the 24 h default',
    });
  }
  if (createTime * 1000 > input.nowMs + input.clockSkewMs) {
    throw new AuthenticationError({
      message: 'The token has no expiry and a creation time in the future; check the clock that made it',
    });
  }
  return createTime + DEFAULT_TOKEN_LIFETIME_S;
}

function checkCommonClaims(
  fields: {
    sessionId: unknown;
    role: unknown;
    expireTime: number | undefined;
    createTime: number | undefined;
  },
  input: ClaimCheckInput,
): { role: Role; expireTime: number } {
  if (fields.sessionId !== input.sessionId) {
    throw new AuthenticationError({ message: 'The token was generated for a different session ID' });
  }
  const role = fields.role === undefined ? 'publisher' : fields.role;
  if (!isRole(role))
    throw new AuthenticationError({ message: `The token's role is not one of ${ROLES.join(', ')}` });
  const expireTime = fields.expireTime ?? defaultExpiry(fields.createTime, input);
  if (expireTime * 1000 + input.clockSkewMs < input.nowMs) {
    throw new AuthenticationError({ message: 'The token has expired; generate a new one' });
  }
  return { role, expireTime };
}

const LOWERCASE_SHA1_HEX = /^[0-9a-f]{40}$/;

function verifyT1(input: VerifyClientTokenInput): ClientTokenClaims {
  // Java writes the base64 with the URL-safe alphabet, the other SDKs with the standard one (§4.1).
  const decoded = Buffer.from(input.token.slice(T1_SENTINEL.length), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new AuthenticationError({ message: 'The T1 token is malformed (no signature part)' });
  const meta = new URLSearchParams(decoded.slice(0, colon));
  const dataString = decoded.slice(colon + 1);
  if (meta.get('partner_id') !== input.apiKey) {
    throw new AuthenticationError({ message: 'The token was generated for a different API key' });
  }
  const expected = createHmac('sha1', input.apiSecret).update(dataString).digest();
  // Every SDK writes the signature as 40 lowercase hex digits (docs/platform.md §4.1); Buffer.from(…, 'hex') alone
  // would also take uppercase digits or stop at the first non-hex one.
  const sig = meta.get('sig') ?? '';
  const given = LOWERCASE_SHA1_HEX.test(sig) ? Buffer.from(sig, 'hex') : Buffer.alloc(0);
  if (!isSameSecret(given, expected)) {
    throw new AuthenticationError({ message: 'The token signature does not verify with the API secret' });
  }
  const data = new URLSearchParams(dataString);
  const scope = data.get('scope');
  if (scope !== null && scope !== 'session.connect') {
    throw new AuthenticationError({ message: 'The token scope is not session.connect' });
  }
  const { role, expireTime } = checkCommonClaims(
    {
      sessionId: data.get('session_id'),
      role: data.get('role') ?? undefined,
      expireTime: readNumber(data.get('expire_time') ?? undefined),
      createTime: readNumber(data.get('create_time') ?? undefined),
    },
    input,
  );
  return {
    sessionId: input.sessionId,
    role,
    expireTime,
    connectionData: data.get('connection_data') ?? '',
    initialLayoutClassList: data.get('initial_layout_class_list') ?? '',
  };
}

async function verifyJwt(input: VerifyClientTokenInput): Promise<ClientTokenClaims> {
  // jose checks the signature, `iss` and any `exp`; a token without `exp` may carry `expire_time` instead.
  const { header, payload } = await verifyProjectJwt(input.token, {
    apiKey: input.apiKey,
    apiSecret: input.apiSecret,
    nowMs: input.nowMs,
    clockSkewMs: input.clockSkewMs,
  });
  const ist = payload.ist ?? header.ist;
  if (ist !== undefined && ist !== 'project') {
    throw new AuthenticationError({ message: 'The token is not a project token (ist must be "project")' });
  }
  if (payload.scope !== 'session.connect') {
    throw new AuthenticationError({ message: 'The token scope is not session.connect' });
  }
  return readJwtClaims(payload, input);
}

/** The claims both JWT flavours share (docs/platform.md §4.3, §4.4), checked with the same rules. */
function readJwtClaims(payload: JWTPayload, input: ClaimCheckInput): ClientTokenClaims {
  const { role, expireTime } = checkCommonClaims(
    {
      sessionId: payload.session_id,
      role: payload.role,
      expireTime: readNumber(payload.exp) ?? readNumber(payload.expire_time),
      createTime: readNumber(payload.iat) ?? readNumber(payload.create_time),
    },
    input,
  );
  const data = payload.connection_data;
  const layout = payload.initial_layout_class_list;
  return {
    sessionId: input.sessionId,
    role,
    expireTime,
    connectionData: typeof data === 'string' ? data : '',
    initialLayoutClassList: typeof layout === 'string' ? layout : '',
  };
}

export interface VerifyApplicationClientTokenInput {
  token: string;
  application: ApplicationKey;
  sessionId: string;
  nowMs: number;
  clockSkewMs: number;
}

/** Every official SDK grants an application's client token the `/session/**` path (docs/platform.md §4.4). */
function grantsSessionPaths(acl: unknown): boolean {
  if (typeof acl !== 'object' || acl === null) return false;
  const paths: unknown = (acl as { paths?: unknown }).paths;
  return typeof paths === 'object' && paths !== null && '/session/**' in paths;
}

/**
 * Resolves to the claims of an application's client token: RS256 with its key, its `application_id`, scope,
 * session, role, expiry and acl; rejects with AuthenticationError saying what to check. There is no T1 format
 * for applications (§4.4).
 */
export async function verifyApplicationClientToken(
  input: VerifyApplicationClientTokenInput,
): Promise<ClientTokenClaims> {
  if (input.token.startsWith(T1_SENTINEL)) {
    throw new AuthenticationError({
      message: 'A T1 token cannot connect to an application session: applications use RS256 JWTs',
    });
  }
  const payload = await verifyApplicationJwt(input.token, {
    ...input.application,
    nowMs: input.nowMs,
    clockSkewMs: input.clockSkewMs,
  });
  if (payload.scope !== 'session.connect') {
    throw new AuthenticationError({ message: 'The token scope is not session.connect' });
  }
  if (!grantsSessionPaths(payload.acl)) {
    throw new AuthenticationError({ message: 'The token acl does not grant the /session/** paths' });
  }
  return readJwtClaims(payload, input);
}

/** Resolves to the token's claims, or rejects with AuthenticationError saying what to check. */
export async function verifyClientToken(input: VerifyClientTokenInput): Promise<ClientTokenClaims> {
  if (input.token.startsWith(T1_SENTINEL)) return verifyT1(input);
  if (input.token.split('.').length === 3) return verifyJwt(input);
  throw new AuthenticationError({ message: 'The token is neither a T1 token nor a JWT' });
}

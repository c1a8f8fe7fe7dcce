/** Express middleware checking the credential of REST calls: a project's HS256 JWT (docs/platform.md §1.2) or an application's RS256 JWT (§1.3). */
import type { RequestHandler, Response } from 'express';
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { AuthenticationError, PlatformError } from '../errors';
import { verifyApplicationJwt, type ApplicationKey } from './application-jwt';
import { verifyProjectJwt } from './project-jwt';

export interface RestAuthOptions {
  apiKey: string;
  apiSecret: string;
  /** without it, application JWTs are refused like any other bad credential */
  application?: ApplicationKey;
  clock: () => number;
  clockSkewMs: number;
}

/** Recorded 403 bodies: a missing credential (2014) and a bad JWT (2019) — fixtures/session-create-403.json, error-403-auth.json. */
const MISSING_AUTH_BODY = { code: -1, message: 'No suitable authentication found' };
const BAD_AUTH_BODY = { code: -1, message: 'Issuer not found', description: 'Issuer not found' };

const T1_SENTINEL = 'T1==';
const SIGN_REST_JWT = "sign a REST JWT with the API secret or the application's private key";

/**
 * Claims that only client tokens carry (docs/platform.md §4.1, §4.3); no SDK puts any of them in a REST JWT
 * (§1.2). A page embeds a client token, so one that passed as a REST credential would let any participant
 * list, download and delete every recording.
 */
const CLIENT_TOKEN_CLAIMS = [
  'scope',
  'session_id',
  'role',
  'connection_data',
  'initial_layout_class_list',
  'create_time',
  'expire_time',
  'nonce',
] as const;

/**
 * What a credential claims to be, read from its form before anything is verified; the form only chooses the
 * check, which then verifies everything. An RS256 header marks an application's JWT (§1.3), anything else is
 * checked as a project's HS256 JWT.
 */
type RestCredentialKind =
  | { kind: 'project' }
  | { kind: 'application' }
  | { kind: 'clientToken'; claim: string }
  | { kind: 't1Token' }
  | { kind: 'unreadable' };

function identifyCredential(token: string): RestCredentialKind {
  if (token.startsWith(T1_SENTINEL)) return { kind: 't1Token' };
  let payload: JWTPayload;
  let alg: unknown;
  try {
    payload = decodeJwt(token);
    alg = decodeProtectedHeader(token).alg;
  } catch {
    return { kind: 'unreadable' };
  }
  const claim = CLIENT_TOKEN_CLAIMS.find((name) => name in payload);
  if (claim !== undefined) return { kind: 'clientToken', claim };
  return alg === 'RS256' ? { kind: 'application' } : { kind: 'project' };
}

/** A project's server JWT: signature, `iss`, `ist`, `exp` and an `iat` not in the future (docs/platform.md §1.2). */
async function checkProjectJwt(token: string, options: RestAuthOptions): Promise<void> {
  const nowMs = options.clock();
  const { header, payload } = await verifyProjectJwt(token, {
    apiKey: options.apiKey,
    apiSecret: options.apiSecret,
    nowMs,
    clockSkewMs: options.clockSkewMs,
    requiredClaims: ['exp'],
  });
  // Ruby 4.x puts `ist` in the JOSE header, the other SDKs in the payload; `jti` is optional (opentok-node omits it).
  if ((payload.ist ?? header.ist) !== 'project')
    throw new AuthenticationError({ message: 'The JWT ist is not "project"' });
  // A JWT issued "later" would outlive its stated lifetime: every SDK signs one per request with iat = now.
  if (payload.iat !== undefined && payload.iat * 1000 > nowMs + options.clockSkewMs) {
    throw new AuthenticationError({
      message: 'The JWT iat is in the future; check the clock of the machine that signs it',
    });
  }
}

/** An application's REST JWT: RS256 signature, `application_id`, `exp` and an `iat` not in the future (§1.3). */
async function checkApplicationJwt(token: string, options: RestAuthOptions): Promise<string> {
  if (!options.application)
    throw new AuthenticationError({ message: 'This emulator serves no Vonage application' });
  const nowMs = options.clock();
  const payload = await verifyApplicationJwt(token, {
    ...options.application,
    nowMs,
    clockSkewMs: options.clockSkewMs,
    requiredClaims: ['exp'],
  });
  if (payload.iat !== undefined && payload.iat * 1000 > nowMs + options.clockSkewMs) {
    throw new AuthenticationError({
      message: 'The JWT iat is in the future; check the clock of the machine that signs it',
    });
  }
  return options.application.applicationId;
}

/**
 * Resolves to whom the token authenticates, the project's API key or the application ID, when it is a valid
 * REST JWT of either; rejects with AuthenticationError otherwise.
 */
export async function authenticateRestJwt(token: string, options: RestAuthOptions): Promise<string> {
  const credential = identifyCredential(token);
  switch (credential.kind) {
    case 'project':
      await checkProjectJwt(token, options);
      return options.apiKey;
    case 'application':
      return checkApplicationJwt(token, options);
    case 'clientToken':
      throw new AuthenticationError({
        message: `A client token (it carries ${credential.claim}) is not a REST credential; ${SIGN_REST_JWT}`,
      });
    case 't1Token':
      throw new AuthenticationError({
        message: `A T1 client token is not a REST credential; ${SIGN_REST_JWT}`,
      });
    case 'unreadable':
      throw new AuthenticationError({ message: 'The REST credential is not a JWT' });
  }
}

/** Resolves when the token is a valid REST JWT of this project or application; rejects with AuthenticationError otherwise. */
export async function checkRestJwt(token: string, options: RestAuthOptions): Promise<void> {
  await authenticateRestJwt(token, options);
}

const OWNER_LOCAL = 'authenticatedOwner';

/** The API key or application ID the request authenticated as; set by the middleware below. */
export function authenticatedOwnerOf(res: Response): string {
  const owner: unknown = res.locals[OWNER_LOCAL];
  if (typeof owner !== 'string') throw new Error('authenticatedOwnerOf called on a route without REST auth');
  return owner;
}

/**
 * An application's JWT comes as `Authorization: Bearer`, or in `X-OPENTOK-AUTH` as the PHP SDK sends it
 * (docs/platform.md §1.3); a project's only in `X-OPENTOK-AUTH` (§1.2), which is checked first.
 */
function readCredential(
  authorization: string | undefined,
  opentokAuth: string | undefined,
): string | undefined {
  if (opentokAuth) return opentokAuth;
  const bearer = /^Bearer +(\S+)$/i.exec(authorization ?? '');
  return bearer?.[1];
}

/**
 * Rejects the request with 403 unless it carries a valid JWT for this project or application (and names the
 * same one in the path, when there is one); records which of the two it authenticated as.
 */
export function requireProjectAuth(options: RestAuthOptions): RequestHandler {
  return async (req, res, next) => {
    const token = readCredential(req.get('authorization'), req.get('x-opentok-auth'));
    if (!token) {
      next(new PlatformError({ status: 403, message: MISSING_AUTH_BODY.message, body: MISSING_AUTH_BODY }));
      return;
    }
    try {
      const owner = await authenticateRestJwt(token, options);
      if (owner === options.apiKey && !req.get('x-opentok-auth'))
        throw new AuthenticationError({ message: 'A project JWT goes in X-OPENTOK-AUTH, not Authorization' });
      if (typeof req.params.apiKey === 'string' && req.params.apiKey !== owner)
        throw new AuthenticationError({ message: 'The path names another project' });
      res.locals[OWNER_LOCAL] = owner;
    } catch (cause) {
      next(new PlatformError({ status: 403, message: BAD_AUTH_BODY.message, body: BAD_AUTH_BODY, cause }));
      return;
    }
    next();
  };
}

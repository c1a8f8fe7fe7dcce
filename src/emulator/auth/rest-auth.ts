/** Express middleware checking the X-OPENTOK-AUTH credential of REST calls: a project's server JWT only (reference §1.2). */
import type { RequestHandler } from 'express';
import { decodeJwt, type JWTPayload } from 'jose';
import { AuthenticationError, PlatformError } from '../errors';
import { verifyProjectJwt } from './project-jwt';

export interface RestAuthOptions {
  apiKey: string;
  apiSecret: string;
  clock: () => number;
  clockSkewMs: number;
}

/** Recorded 403 bodies: a missing credential (2014) and a bad JWT (2019) — fixtures/session-create-403.json, error-403-auth.json. */
const MISSING_AUTH_BODY = { code: -1, message: 'No suitable authentication found' };
const BAD_AUTH_BODY = { code: -1, message: 'Issuer not found', description: 'Issuer not found' };

const T1_SENTINEL = 'T1==';

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
 * check, which then verifies everything. Vonage application JWTs (RS256, `application_id`, §1.3) are not
 * emulated: they fall under `project` and fail its HS256 check; accepting them means a kind and a check of
 * their own here.
 */
type RestCredentialKind =
  { kind: 'project' } | { kind: 'clientToken'; claim: string } | { kind: 't1Token' } | { kind: 'unreadable' };

function identifyCredential(token: string): RestCredentialKind {
  if (token.startsWith(T1_SENTINEL)) return { kind: 't1Token' };
  let payload: JWTPayload;
  try {
    payload = decodeJwt(token);
  } catch {
    return { kind: 'unreadable' };
  }
  const claim = CLIENT_TOKEN_CLAIMS.find((name) => name in payload);
  return claim === undefined ? { kind: 'project' } : { kind: 'clientToken', claim };
}

/** A project's server JWT: signature, `iss`, `ist`, `exp` and an `iat` not in the future (reference §1.2). */
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

/** Resolves when the token is a valid REST JWT of this project; rejects with AuthenticationError otherwise. */
export async function checkRestJwt(token: string, options: RestAuthOptions): Promise<void> {
  const credential = identifyCredential(token);
  switch (credential.kind) {
    case 'project':
      return checkProjectJwt(token, options);
    case 'clientToken':
      throw new AuthenticationError({
        message: `A client token (it carries ${credential.claim}) is not a REST credential; sign a project JWT with the API secret`,
      });
    case 't1Token':
      throw new AuthenticationError({
        message: 'A T1 client token is not a REST credential; sign a project JWT with the API secret',
      });
    case 'unreadable':
      throw new AuthenticationError({ message: 'The REST credential is not a JWT' });
  }
}

/** Rejects the request with 403 unless it carries a valid JWT for this project (and the path's key, when there is one). */
export function requireProjectAuth(options: RestAuthOptions): RequestHandler {
  return async (req, _res, next) => {
    const token = req.get('x-opentok-auth');
    if (!token) {
      next(new PlatformError({ status: 403, message: MISSING_AUTH_BODY.message, body: MISSING_AUTH_BODY }));
      return;
    }
    const pathKey = typeof req.params.apiKey === 'string' ? req.params.apiKey : options.apiKey;
    try {
      if (pathKey !== options.apiKey)
        throw new AuthenticationError({ message: 'The path names another project' });
      await checkRestJwt(token, options);
    } catch (cause) {
      next(new PlatformError({ status: 403, message: BAD_AUTH_BODY.message, body: BAD_AUTH_BODY, cause }));
      return;
    }
    next();
  };
}

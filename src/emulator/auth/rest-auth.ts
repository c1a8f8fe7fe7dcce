/** Express middleware checking the X-OPENTOK-AUTH JWT of REST calls as the platform does (reference §1.2). */
import type { RequestHandler } from 'express';
import { AuthenticationError, PlatformError } from '../errors';
import { verifyHs256Jwt } from './hs256-jwt';

export interface RestAuthOptions {
  apiKey: string;
  apiSecret: string;
  clock: () => number;
  clockSkewMs: number;
}

/** Recorded 403 bodies: a missing credential (2014) and a bad JWT (2019) — fixtures/session-create-403.json, error-403-auth.json. */
const MISSING_AUTH_BODY = { code: -1, message: 'No suitable authentication found' };
const BAD_AUTH_BODY = { code: -1, message: 'Issuer not found', description: 'Issuer not found' };

export function checkRestJwt(token: string, options: RestAuthOptions): void {
  const { header, payload } = verifyHs256Jwt(token, options.apiSecret);
  if (payload.iss !== options.apiKey)
    throw new AuthenticationError({ message: 'The JWT issuer is not this API key' });
  // Ruby 4.x puts `ist` in the JOSE header, the other SDKs in the payload; `jti` is optional (opentok-node omits it).
  if ((payload.ist ?? header.ist) !== 'project')
    throw new AuthenticationError({ message: 'The JWT ist is not "project"' });
  if (typeof payload.exp !== 'number') throw new AuthenticationError({ message: 'The JWT has no exp claim' });
  if (payload.exp * 1000 + options.clockSkewMs < options.clock()) {
    throw new AuthenticationError({ message: 'The JWT has expired' });
  }
}

/** Rejects the request with 403 unless it carries a valid JWT for this project (and the path's key, when there is one). */
export function requireProjectAuth(options: RestAuthOptions): RequestHandler {
  return (req, _res, next) => {
    const token = req.get('x-opentok-auth');
    if (!token) {
      next(new PlatformError({ status: 403, message: MISSING_AUTH_BODY.message, body: MISSING_AUTH_BODY }));
      return;
    }
    const pathKey = typeof req.params.apiKey === 'string' ? req.params.apiKey : options.apiKey;
    try {
      if (pathKey !== options.apiKey)
        throw new AuthenticationError({ message: 'The path names another project' });
      checkRestJwt(token, options);
    } catch (cause) {
      next(new PlatformError({ status: 403, message: BAD_AUTH_BODY.message, body: BAD_AUTH_BODY, cause }));
      return;
    }
    next();
  };
}

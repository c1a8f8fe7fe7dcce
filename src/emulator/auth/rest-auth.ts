/** Express middleware checking the X-OPENTOK-AUTH JWT of REST calls as the platform does (reference §1.2). */
import type { RequestHandler } from 'express';
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

/** Resolves when the token is a valid REST JWT of this project; rejects with AuthenticationError otherwise. */
export async function checkRestJwt(token: string, options: RestAuthOptions): Promise<void> {
  const { header, payload } = await verifyProjectJwt(token, {
    apiKey: options.apiKey,
    apiSecret: options.apiSecret,
    nowMs: options.clock(),
    clockSkewMs: options.clockSkewMs,
    requiredClaims: ['exp'],
  });
  // Ruby 4.x puts `ist` in the JOSE header, the other SDKs in the payload; `jti` is optional (opentok-node omits it).
  if ((payload.ist ?? header.ist) !== 'project')
    throw new AuthenticationError({ message: 'The JWT ist is not "project"' });
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

/** Cross-site request forgery protection: a signed double-submit token tied to a per-browser cookie. */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { parseCookie } from 'cookie';
import type { Request, RequestHandler } from 'express';
import { HttpError } from './errors';
import { isSameSecret } from './same-secret';

const CSRF_COOKIE = 'csrf_id';
const CSRF_HEADER = 'x-csrf-token';
const CSRF_FIELD = '_csrf';

export interface Csrf {
  /** Gives the browser a cookie id when it has none and exposes the matching token as res.locals.csrfToken. */
  issue: RequestHandler;
  /** Refuses (403) a request whose x-csrf-token header or _csrf field does not match its cookie. */
  verify: RequestHandler;
}

/**
 * The token is HMAC(secret, cookie id): a forging site can make the browser send the cookie but can
 * neither read it nor compute the token without the per-process secret.
 */
export function createCsrf(): Csrf {
  const secret = randomBytes(32);
  const sign = (id: string): string => createHmac('sha256', secret).update(id).digest('base64url');

  const issue: RequestHandler = (req, res, next) => {
    let id = readCookieId(req);
    if (!id || !/^[A-Za-z0-9_-]{32,64}$/.test(id)) {
      id = randomUUID();
      res.cookie(CSRF_COOKIE, id, { httpOnly: true, sameSite: 'strict', path: '/', secure: req.secure });
    }
    res.locals.csrfToken = sign(id);
    next();
  };

  const verify: RequestHandler = (req, _res, next) => {
    const id = readCookieId(req);
    const sent = readSubmittedToken(req);
    if (!id || !sent || !isSameSecret(sent, sign(id))) {
      next(
        new HttpError({
          status: 403,
          message:
            'This request was refused because its security token is missing or out of date. Reload the page and try again.',
        }),
      );
      return;
    }
    next();
  };

  return { issue, verify };
}

function readSubmittedToken(req: Request): string | undefined {
  const header = req.get(CSRF_HEADER);
  if (header) return header;
  const body: unknown = req.body;
  if (typeof body === 'object' && body !== null && CSRF_FIELD in body) {
    const field = (body as Record<string, unknown>)[CSRF_FIELD];
    if (typeof field === 'string') return field;
  }
  return undefined;
}

/** The app needs only its own cookie, so no cookie parser is mounted for every request. */
function readCookieId(req: Request): string | undefined {
  const header = req.headers.cookie;
  return header ? parseCookie(header)[CSRF_COOKIE] : undefined;
}

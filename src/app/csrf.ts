/** Cross-site request forgery protection: a signed double-submit token tied to a per-browser cookie. */
import { createHmac, randomBytes } from 'node:crypto';
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
 * neither read it nor compute the token without the secret. The cookie is "id.signature", and
 * only an id this server signed earns a token: a cookie planted with an id of the attacker's choosing is
 * replaced, not honoured.
 */
export function createCsrf(key?: Uint8Array): Csrf {
  // Without a key (SESSION_SECRET or the shared store's), the secret is this process's own.
  const secret = key ?? randomBytes(32);
  const mac = (purpose: 'cookie' | 'token', id: string): string =>
    createHmac('sha256', secret).update(`${purpose}:${id}`).digest('base64url');
  const sign = (id: string): string => mac('token', id);
  const readSignedId = (req: Request): string | undefined => {
    const [id, signature, ...rest] = (readCookieId(req) ?? '').split('.');
    if (!id || !signature || rest.length > 0 || !/^[A-Za-z0-9_-]{32}$/.test(id)) return undefined;
    return isSameSecret(signature, mac('cookie', id)) ? id : undefined;
  };

  const issue: RequestHandler = (req, res, next) => {
    let id = readSignedId(req);
    if (!id) {
      id = randomBytes(24).toString('base64url');
      // req.secure is true behind a TLS-terminating proxy once TRUST_PROXY names it.
      res.cookie(CSRF_COOKIE, `${id}.${mac('cookie', id)}`, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
        secure: req.secure,
      });
    }
    res.locals.csrfToken = sign(id);
    next();
  };

  const verify: RequestHandler = (req, _res, next) => {
    const id = readSignedId(req);
    const sent = readSubmittedToken(req);
    if (!id || !sent || !isSameSecret(sent, sign(id))) {
      next(
        new HttpError({
          status: 403,
          message:
            'Nothing was done: the page you used is out of date (the app checks this so that no other site can act in your name). Reload the page and try again.',
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

/** Cross-site request forgery protection: a signed double-submit token tied to a per-browser cookie. */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { HttpError } from './errors';

export const CSRF_COOKIE = 'csrf_id';
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

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
export function createCsrf(options: { secret?: Buffer } = {}): Csrf {
  const secret = options.secret ?? randomBytes(32);
  const sign = (id: string): string => createHmac('sha256', secret).update(id).digest('base64url');

  const issue: RequestHandler = (req, res, next) => {
    let id = readCookie(req, CSRF_COOKIE);
    if (!id || !/^[A-Za-z0-9_-]{32,64}$/.test(id)) {
      // 122 random bits from node's pre-drawn batch, where randomBytes asks for fresh ones: a tenth the cost.
      id = randomUUID();
      res.cookie(CSRF_COOKIE, id, { httpOnly: true, sameSite: 'strict', path: '/', secure: req.secure });
    }
    res.locals.csrfToken = sign(id);
    next();
  };

  const verify: RequestHandler = (req, _res, next) => {
    const id = readCookie(req, CSRF_COOKIE);
    const sent = readSubmittedToken(req);
    if (!id || !sent || !safeEqual(sent, sign(id))) {
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

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Reads one cookie from the Cookie header; the app needs only this one, so no cookie parser is mounted. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

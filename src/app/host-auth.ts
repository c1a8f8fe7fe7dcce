/** Optional HOST_PASSWORD gate (HTTP Basic, any user name) for the host page and the archive controls. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './errors';

/** Lets everything through when no password is configured. */
export function createHostAuth(password: string | undefined): RequestHandler {
  if (!password) return (_req, _res, next) => next();
  // Hashing both sides gives equal-length buffers, so the comparison time says nothing about the password.
  const expected = digest(password);
  return (req, _res, next) => {
    const given = readBasicPassword(req.headers.authorization);
    if (given !== undefined && timingSafeEqual(digest(given), expected)) {
      next();
      return;
    }
    next(
      new HttpError({
        status: 401,
        message: 'The host view needs the host password (HOST_PASSWORD). Any user name works.',
      }),
    );
  };
}

function readBasicPassword(header: string | undefined): string | undefined {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(colon + 1);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

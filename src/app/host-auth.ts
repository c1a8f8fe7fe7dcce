/** Optional HOST_PASSWORD gate (HTTP Basic, any user name) for the host page and the archive controls. */
import type { RequestHandler } from 'express';
import { HttpError } from './errors';
import { isSameSecret } from './same-secret';

/** Lets everything through when no password is configured. */
export function createHostAuth(password: string | undefined): RequestHandler {
  if (!password) return (_req, _res, next) => next();
  return (req, _res, next) => {
    const given = readBasicPassword(req.headers.authorization);
    if (given !== undefined && isSameSecret(given, password)) {
      next();
      return;
    }
    next(
      new HttpError({
        status: 401,
        message:
          'The host view asks for the host password. Reload the page and enter it when your browser asks (any user name works); whoever runs the app set it as HOST_PASSWORD.',
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

/** The name a person shows on their video tile: read from `?name=` or a cookie, cleaned, and put into the token. */
import { randomInt } from 'node:crypto';
import { parseCookie } from 'cookie';
import type { Request, Response } from 'express';

/** The cookie the page script writes when a person saves a new name (public/js/shared/display-name.js). */
export const DISPLAY_NAME_COOKIE = 'display-name';
export const MAX_DISPLAY_NAME_CHARS = 50;
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/** Line breaks, tabs and other controls become spaces, so "Ada\nLovelace" reads "Ada Lovelace". */
const CONTROLS = /[\p{Cc}\p{Zl}\p{Zp}]/gu;
/**
 * Bidi embeddings, overrides, isolates and marks would let a name reverse the text drawn after it on the
 * page; lone surrogates are not text at all (and the SDK refuses them in connection data).
 */
const INVISIBLE = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\p{Cs}]/gu;

/**
 * Cleans what a person typed: controls removed, whitespace collapsed and trimmed, at most 50 characters
 * (code points). Returns undefined when nothing is left or the value is not text.
 */
export function cleanDisplayName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.replace(CONTROLS, ' ').replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim();
  const cleaned = Array.from(text).slice(0, MAX_DISPLAY_NAME_CHARS).join('').trimEnd();
  return cleaned === '' ? undefined : cleaned;
}

/** "Guest 4821": a name for someone who has not picked one, different enough to tell two guests apart. */
export function createDefaultDisplayName(): string {
  return `Guest ${randomInt(1000, 10000)}`;
}

/**
 * The token's connection data, which every other client reads as `connection.data`. Fifty characters stay
 * far below the platform's limit of 1000 characters even when JSON escapes each one (docs/platform.md §4.1).
 */
export function createConnectionData(displayName: string): string {
  return JSON.stringify({ name: displayName });
}

/**
 * The page's display name: `?name=` first (remembered in the cookie for later visits), then the cookie, then
 * a fresh default. A bad value never fails the page; it falls through to the next source.
 *
 * The server writes the cookie for a `?name=` link, rather than the page script, so that the cleaned name is
 * stored even when the script never runs, and the script can drop the query from the address bar at once
 * (a name saved later in the page is then not overridden by an old query on reload).
 */
export function pickDisplayName(req: Request, res: Response): string {
  const fromQuery = cleanDisplayName(req.query.name);
  if (fromQuery !== undefined) {
    // Not HttpOnly: the page script rewrites this cookie when the person saves a new name.
    res.cookie(DISPLAY_NAME_COOKIE, fromQuery, {
      maxAge: YEAR_MS,
      sameSite: 'lax',
      path: '/',
      secure: req.secure,
    });
    return fromQuery;
  }
  const header = req.headers.cookie;
  const fromCookie = header ? cleanDisplayName(parseCookie(header)[DISPLAY_NAME_COOKIE]) : undefined;
  // A default is not remembered: two tabs of one browser opened without a name stay two different guests.
  return fromCookie ?? createDefaultDisplayName();
}

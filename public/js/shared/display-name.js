// Display names in the browser: read from connection data and signals, checked, and remembered in a cookie.

/** The signal type that carries a new name to the others (its data is the name itself). */
export const DISPLAY_NAME_SIGNAL = 'display-name';
/** What a tile says when a connection carries no readable name. */
export const FALLBACK_NAME = 'Guest';

const MAX_CHARS = 50;
const COOKIE = 'display-name';
const YEAR_SECONDS = 365 * 24 * 60 * 60;
// The same rules as the server's src/app/display-name.ts: controls become spaces, bidi controls and lone
// surrogates go, so a name cannot reverse the text drawn after it.
const CONTROLS = /[\p{Cc}\p{Zl}\p{Zp}]/gu;
const INVISIBLE = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\p{Cs}]/gu;

/** A cleaned name (trimmed, at most 50 characters), or '' when nothing usable is left. */
export function cleanDisplayName(value) {
  if (typeof value !== 'string') return '';
  const text = value.replace(CONTROLS, ' ').replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim();
  return Array.from(text).slice(0, MAX_CHARS).join('').trimEnd();
}

/** The name in a connection's data (the token's `{"name":...}`); any bytes may arrive, so it is checked. */
export function readConnectionName(connectionData) {
  try {
    const parsed = JSON.parse(connectionData);
    const name = parsed && typeof parsed === 'object' ? cleanDisplayName(parsed.name) : '';
    return name || FALLBACK_NAME;
  } catch {
    return FALLBACK_NAME;
  }
}

/** A name received in a signal, or null when it is not one a page of this app would send. */
export function acceptSignalledName(data) {
  const name = cleanDisplayName(data);
  return name !== '' && name === data ? name : null;
}

/** Remembers the name for the next visit: the server reads this cookie when it mints the page's token. */
export function rememberDisplayName(name) {
  const secure = window.location.protocol === 'https:' ? '; Secure' : '';
  document.cookie = `${COOKIE}=${encodeURIComponent(name)}; Max-Age=${YEAR_SECONDS}; Path=/; SameSite=Lax${secure}`;
}

/**
 * The server has already stored a `?name=` in the cookie; dropping it from the address bar keeps a reload
 * from bringing back the old name after the person saved a new one.
 */
export function dropNameFromAddress() {
  const url = new URL(window.location.href);
  if (!url.searchParams.has('name')) return;
  url.searchParams.delete('name');
  window.history.replaceState(window.history.state, '', url);
}

/** The display name a page put in its token: connection data `{"name":"…"}`, read defensively. */

const FALLBACK_NAME = 'Guest';
/** The server limits names to 50 characters; anything longer did not come from it. */
const MAX_NAME_LENGTH = 50;

/** Any string may arrive as connection data (another app's token, a hand-made one): never throws. */
export function displayNameOf(connectionData: string | undefined): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(connectionData ?? '');
  } catch {
    return FALLBACK_NAME;
  }
  const name =
    typeof parsed === 'object' && parsed !== null ? (parsed as { name?: unknown }).name : undefined;
  if (typeof name !== 'string') return FALLBACK_NAME;
  // Control characters would draw as boxes or move the text; the server removes them, a forged token may not.
  const clean = name
    .replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, MAX_NAME_LENGTH);
  return clean || FALLBACK_NAME;
}

/** Decoding of OpenTok session IDs, used to check that a session belongs to the API key (docs/platform.md §3). */

/** The fields of a decoded OpenTok session ID. */
export interface DecodedSessionId {
  /** Field 0, always '1' in observed IDs. */
  version: string;
  /** Field 1: the API key of the project that created the session. */
  apiKey: string;
  /** Field 2: the location hint IP, '' when none. */
  location: string;
  /** Field 3: creation time as the platform wrote it (a date string or epoch ms). */
  createTime: string;
}

/**
 * Decodes `<2-char prefix><unpadded base64url of "1~apiKey~location~time~random~">`, the way
 * opentok-node's decodeSessionId does. Returns undefined when the ID does not have that shape.
 */
export function decodeSessionId(sessionId: string): DecodedSessionId | undefined {
  // Buffer's base64 decoder accepts the url-safe alphabet and missing padding, as the SDKs' manual
  // '-'→'+', '_'→'/' mapping does.
  const fields = Buffer.from(sessionId.slice(2), 'base64').toString('latin1').split('~');
  const [version, apiKey, location, createTime] = fields;
  if (version === undefined || apiKey === undefined || location === undefined || createTime === undefined) {
    return undefined;
  }
  return { version, apiKey, location, createTime };
}

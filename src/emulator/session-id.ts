/** Session IDs in the platform's format, so SDKs that check a session against its API key accept them (docs/platform.md §3). */
import { randomBytes } from 'node:crypto';

/** `1_` + unpadded base64url of `1~<apiKey>~<location>~<epoch ms>~<random>~~` (the 2021 layout, docs/platform.md §3). */
export function createSessionId(input: { apiKey: string; location: string; nowMs: number }): string {
  const random = randomBytes(18).toString('base64url').replace(/[-_]/g, 'x');
  const fields = ['1', input.apiKey, input.location, String(input.nowMs), random, '', ''];
  return `1_${Buffer.from(fields.join('~')).toString('base64url')}`;
}

/**
 * Whether an ID has the platform's layout (docs/platform.md §3): a digit and `_` (`1_` and `2_` are seen), then unpadded
 * base64url of `~`-separated fields starting with version `1` and a non-empty API key. The archive start answers
 * 400 for anything else and 404 only for a well-formed ID it does not know (docs/platform.md §5.5).
 */
export function isWellFormedSessionId(sessionId: string): boolean {
  const match = /^\d_([A-Za-z0-9_-]+)$/.exec(sessionId);
  if (!match?.[1]) return false;
  const fields = Buffer.from(match[1], 'base64url').toString('utf8').split('~');
  return fields.length >= 5 && fields[0] === '1' && fields[1] !== '';
}

/** Session IDs in the platform's format, so SDKs that check a session against its API key accept them (reference §3). */
import { randomBytes } from 'node:crypto';

/** `1_` + unpadded base64url of `1~<apiKey>~<location>~<epoch ms>~<random>~~` (the 2021 layout of §3). */
export function createSessionId(input: { apiKey: string; location: string; nowMs: number }): string {
  const random = randomBytes(18).toString('base64url').replace(/[-_]/g, 'x');
  const fields = ['1', input.apiKey, input.location, String(input.nowMs), random, '', ''];
  return `1_${Buffer.from(fields.join('~')).toString('base64url')}`;
}

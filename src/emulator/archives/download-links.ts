/** Time-limited, HMAC-signed download links, standing in for the platform's pre-signed storage URLs (docs/platform.md §7). */
import { createHmac } from 'node:crypto';
import { isSameSecret } from '../auth/secret-compare';

export interface DownloadLinks {
  /** query string `expires=<epoch s>&signature=<hex>` for an archive */
  sign(archiveId: string, nowMs: number): string;
  isValid(archiveId: string, expires: unknown, signature: unknown, nowMs: number): boolean;
}

/** epoch seconds as String(number) writes them, and the lower-case hex of an HMAC-SHA256 */
const ISSUED_EXPIRES = /^(0|[1-9]\d{0,11})$/;
const ISSUED_SIGNATURE = /^[0-9a-f]{64}$/;

export function createDownloadLinks(options: { apiSecret: string; ttlMs: number }): DownloadLinks {
  // A key of its own, derived from the secret, so a download signature can never double as an API signature.
  const key = createHmac('sha256', options.apiSecret).update('emulator download links').digest();
  const signatureOf = (archiveId: string, expires: string): Buffer =>
    createHmac('sha256', key).update(`${archiveId}\n${expires}`).digest();

  return {
    sign(archiveId, nowMs) {
      const expires = String(Math.floor((nowMs + options.ttlMs) / 1000));
      return `expires=${expires}&signature=${signatureOf(archiveId, expires).toString('hex')}`;
    },
    isValid(archiveId, expires, signature, nowMs) {
      if (typeof expires !== 'string' || typeof signature !== 'string') return false;
      // Exactly the form sign() writes: Buffer.from(…, 'hex') alone would also take upper-case digits and stop
      // at the first character that is not one, so one link would have many spellings.
      if (!ISSUED_EXPIRES.test(expires) || !ISSUED_SIGNATURE.test(signature)) return false;
      if (Number(expires) * 1000 < nowMs) return false;
      return isSameSecret(Buffer.from(signature, 'hex'), signatureOf(archiveId, expires));
    },
  };
}

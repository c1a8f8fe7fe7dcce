/** The emulator's one comparison of secrets (signatures, upload keys): it takes as long whatever bytes differ. */
import { timingSafeEqual } from 'node:crypto';

/**
 * True when both hold the same bytes. Strings are compared as UTF-8. A length mismatch answers false at once:
 * the length of a signature or key is public, only its bytes are secret.
 */
export function isSameSecret(given: string | Uint8Array, expected: string | Uint8Array): boolean {
  const a = typeof given === 'string' ? Buffer.from(given) : given;
  const b = typeof expected === 'string' ? Buffer.from(expected) : expected;
  return a.length === b.length && timingSafeEqual(a, b);
}

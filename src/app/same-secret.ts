/** The app's one comparison of secrets (the host password, CSRF tokens). */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Hashing both sides gives buffers of equal length, so the time taken says nothing about the expected
 * value: neither where the two differ nor how long it is.
 */
export function isSameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

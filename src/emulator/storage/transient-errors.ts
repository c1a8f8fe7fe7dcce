/** Which file-system failures may pass by themselves (a full disk, a failing read, no file handle free). */

const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'ENOSPC',
  'EDQUOT',
  'EIO',
  'EMFILE',
  'ENFILE',
  'EAGAIN',
  'EBUSY',
]);

/**
 * The first errno code on the error or in its chain of causes. Read by shape, not by `instanceof Error`:
 * errors of node's own modules may come from another realm (a vm context) than this module's Error.
 */
export function errorCodeOf(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; typeof current === 'object' && current !== null && depth < 10; depth += 1) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') return code;
    current = cause;
  }
  return undefined;
}

/** True for a failure that the same operation may not meet later: worth trying again, never a reason to give up. */
export function isTransientFileError(error: unknown): boolean {
  const code = errorCodeOf(error);
  return code !== undefined && TRANSIENT_CODES.has(code);
}

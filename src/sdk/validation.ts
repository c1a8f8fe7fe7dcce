/** Input checks shared by the SDK's entry points; each failure is an ArgumentError naming the parameter. */
import { isIPv4 } from 'node:net';
import { ArgumentError } from './errors';

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 60)}…` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return typeof value;
}

/** True when the string has an unpaired UTF-16 surrogate, which URL and form encoding reject. */
export function hasLoneSurrogate(value: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}

/** Counts Unicode code points (an emoji is one, not two UTF-16 units), as Ruby's `String#length` does. */
export function codePointLength(value: string): number {
  return [...value].length;
}

/** Requires a non-empty string of valid Unicode (IDs, names). */
export function requireNonEmptyString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ArgumentError({ message: `${name} must be a non-empty string (got ${show(value)})` });
  }
  if (hasLoneSurrogate(value)) {
    throw new ArgumentError({ message: `${name} must be valid Unicode text (it contains a lone surrogate)` });
  }
  return value;
}

/**
 * Requires an ID that becomes one URL path segment. `.` and `..` would survive encoding and be resolved by URL
 * parsing (as would their `%2e` forms), moving the request to another endpoint, so they are refused.
 */
export function requirePathId(name: string, value: unknown): string {
  const id = requireNonEmptyString(name, value);
  if (isDotSegment(id)) {
    throw new ArgumentError({ message: `${name} must not be '.' or '..' (got ${show(id)})` });
  }
  return id;
}

/**
 * The longest session ID accepted. opentok-node documents session IDs as at most 255 characters; the SDKs
 * check nothing more than a non-empty string.
 */
export const MAX_SESSION_ID_CHARS = 255;

/**
 * Requires a session ID of the platform's shape (docs/platform.md §3): a non-empty string of at most
 * {@link MAX_SESSION_ID_CHARS} characters from the base64url alphabet (letters, digits, `-`, `_`), which the
 * documented IDs are written in. The character check is this SDK's own: a space or a `/` can only be a
 * copying mistake, better named here than answered by the platform with a bare 400 or 404.
 */
export function requireSessionId(name: string, value: unknown): string {
  const id = requireNonEmptyString(name, value);
  if (id.length > MAX_SESSION_ID_CHARS) {
    throw new ArgumentError({
      message: `${name} must be at most ${MAX_SESSION_ID_CHARS} characters (got ${id.length})`,
    });
  }
  if (!/^[A-Za-z0-9_-]+$/.test(id)) {
    throw new ArgumentError({
      message: `${name} must be a session ID such as '1_MX4xMjM0NTZ-fg…' (letters, digits, '-' and '_'; got ${show(id)})`,
    });
  }
  return id;
}

/** True for the segments URL parsing resolves: `.` and `..`, in any mix with `%2e`/`%2E`. */
export function isDotSegment(segment: string): boolean {
  return /^(\.|%2e){1,2}$/i.test(segment);
}

/** Requires an options object; `undefined` means no options. `null`, strings and arrays are refused. */
export function requireOptions<T extends object>(name: string, value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ArgumentError({ message: `${name} must be an object (got ${show(value)})` });
  }
  return value;
}

/** Requires one of a fixed set of literal values; `undefined` yields the default. */
export function requireOneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T;
/** Requires one of a fixed set of literal values; `undefined` stays `undefined` (the option was not given). */
export function requireOneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
): T | undefined;
export function requireOneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
  fallback?: T,
): T | undefined {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new ArgumentError({
    message: `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')} (got ${show(value)})`,
  });
}

/** Requires a boolean when given. */
export function requireOptionalBoolean(name: string, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new ArgumentError({ message: `${name} must be true or false (got ${show(value)})` });
}

/** Requires a string when given. */
export function requireOptionalString(name: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw new ArgumentError({ message: `${name} must be a string (got ${show(value)})` });
}

/** Requires an integer within [min, max] when given. */
export function requireOptionalInteger(
  name: string,
  value: unknown,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ArgumentError({
      message: `${name} must be an integer from ${min} to ${max} (got ${show(value)})`,
    });
  }
  return value;
}

/** Requires an IPv4 address when given: the platform uses it as a location hint (docs/platform.md §2.1). */
export function requireOptionalIPv4(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isIPv4(value)) {
    throw new ArgumentError({
      message: `${name} must be an IPv4 address such as '12.34.56.78' (got ${show(value)})`,
    });
  }
  return value;
}

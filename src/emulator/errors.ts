/** Typed errors of the emulator; the router's error handler turns each into the platform's status and body. */

/** Body shape of the platform's REST errors (docs/platform.md §5.5): at least `message`, often `code`. */
export interface PlatformErrorBody {
  code?: number;
  message: string;
  description?: string;
  [extra: string]: unknown;
}

export type PlatformStatus = 400 | 403 | 404 | 405 | 409 | 413 | 500;

interface PlatformErrorInit {
  status: PlatformStatus;
  message: string;
  /** the exact body to send when the platform's recorded body differs from `{ code: -1, message }` */
  body?: PlatformErrorBody;
  cause?: unknown;
}

/** A request the platform would refuse; carries the HTTP status and body to answer with. */
export class PlatformError extends Error {
  override readonly name = 'PlatformError';
  readonly status: PlatformStatus;
  readonly body: PlatformErrorBody;

  constructor(init: PlatformErrorInit) {
    super(init.message, { cause: init.cause });
    this.status = init.status;
    this.body = init.body ?? { code: -1, message: init.message };
  }
}

export function badRequest(message: string, extra?: Record<string, unknown>): PlatformError {
  return new PlatformError({ status: 400, message, body: { code: -1, message, ...extra } });
}

export function notFound(message: string): PlatformError {
  return new PlatformError({ status: 404, message });
}

export function conflict(message: string, extra?: Record<string, unknown>): PlatformError {
  // The platform's recorded 409 bodies carry only `message` (fixtures/error-409-archive.json).
  return new PlatformError({ status: 409, message, body: { message, ...extra } });
}

export function tooLarge(message: string): PlatformError {
  return new PlatformError({ status: 413, message });
}

/** A client token or REST JWT that does not verify. `reason` is for logs and realtime errors, never a secret. */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
  constructor(init: { message: string; cause?: unknown }) {
    super(init.message, { cause: init.cause });
  }
}

/** An API key or secret the emulator cannot use; the one-line message says what to set. */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
  constructor(init: { message: string; cause?: unknown }) {
    super(init.message, { cause: init.cause });
  }
}

/** emulator.json or a media file could not be read or written. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly path: string;
  constructor(init: { message: string; path: string; cause?: unknown }) {
    super(init.message, { cause: init.cause });
    this.path = init.path;
  }
}

/**
 * A file of the data folder that the emulator will not start with: the state or a record that is not valid
 * JSON or not of the expected shape. The message names the file and the field; nothing was changed.
 */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
  /** the file, as a path under the data folder */
  readonly path: string;
  /** the first field found wrong, dotted (`archives.<id>.status`); null when the file as a whole is */
  readonly field: string | null;
  constructor(init: { message: string; path: string; field: string | null; cause?: unknown }) {
    super(init.message, { cause: init.cause });
    this.path = init.path;
    this.field = init.field;
  }
}

/** Errors handed to page callbacks: `name` and `message` (and `code`) as OpenTok.js reports them. */

/**
 * Names and codes follow OpenTok.js's ExceptionCodes where it defines one; OT_USER_MEDIA_ACCESS_DENIED
 * and OT_HARDWARE_UNAVAILABLE carry 1500 (unable to publish) as OpenTok.js does.
 */
export const ErrorCodes = {
  OT_AUTHENTICATION_ERROR: 1004,
  OT_INVALID_SESSION_ID: 1005,
  OT_CONNECT_FAILED: 1006,
  OT_NOT_CONNECTED: 1010,
  OT_INVALID_PARAMETER: 1011,
  OT_USER_MEDIA_ACCESS_DENIED: 1500,
  OT_HARDWARE_UNAVAILABLE: 1500,
  OT_PERMISSION_DENIED: 1500,
  OT_UNABLE_TO_PUBLISH: 1500,
  OT_UNABLE_TO_SUBSCRIBE: 1501,
  OT_STREAM_NOT_FOUND: 1600,
  OT_UNEXPECTED_SERVER_RESPONSE: 2000,
} as const;

export type OTErrorName = keyof typeof ErrorCodes;

export class OTError extends Error {
  override readonly name: OTErrorName;
  readonly code: number;

  constructor(init: { name: OTErrorName; message: string; code?: number; cause?: unknown }) {
    super(init.message, { cause: init.cause });
    this.name = init.name;
    this.code = init.code ?? ErrorCodes[init.name];
  }
}

/** Maps a getUserMedia failure to the error OpenTok.js reports for it, in words a user can act on. */
export function mediaAccessError(cause: unknown): OTError {
  const domName = cause instanceof DOMException || cause instanceof Error ? cause.name : '';
  if (domName === 'NotAllowedError' || domName === 'SecurityError' || domName === 'PermissionDeniedError') {
    return new OTError({
      name: 'OT_USER_MEDIA_ACCESS_DENIED',
      message:
        'Camera and microphone access was denied. Allow this site to use your camera and microphone in the browser settings, then reload the page.',
      cause,
    });
  }
  if (
    domName === 'NotFoundError' ||
    domName === 'OverconstrainedError' ||
    domName === 'DevicesNotFoundError'
  ) {
    return new OTError({
      name: 'OT_HARDWARE_UNAVAILABLE',
      message:
        'No camera or microphone was found. Connect one, or check that it is enabled, then reload the page.',
      cause,
    });
  }
  if (domName === 'NotReadableError' || domName === 'AbortError' || domName === 'TrackStartError') {
    return new OTError({
      name: 'OT_HARDWARE_UNAVAILABLE',
      message: 'The camera or microphone is in use by another application or could not be started.',
      cause,
    });
  }
  return new OTError({
    name: 'OT_HARDWARE_UNAVAILABLE',
    message: `The camera or microphone could not be opened (${domName || 'unknown error'}).`,
    cause,
  });
}

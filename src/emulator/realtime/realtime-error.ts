/** A realtime request the emulator refuses; sent to the client as an `ack` error or an `error` event. */

/** Error names and codes follow OpenTok.js where it has one (1004 authentication, 1005 session ID, 1500 publish). */
export type RealtimeErrorName =
  | 'OT_AUTHENTICATION_ERROR'
  | 'OT_INVALID_SESSION_ID'
  | 'OT_PERMISSION_DENIED'
  | 'OT_INVALID_PARAMETER'
  | 'OT_NOT_FOUND'
  | 'OT_NOT_CONNECTED'
  | 'OT_PROTOCOL_ERROR';

export class RealtimeError extends Error {
  override readonly name = 'RealtimeError';
  readonly code: number;
  readonly errorName: RealtimeErrorName;

  constructor(init: { code: number; errorName: RealtimeErrorName; message: string; cause?: unknown }) {
    super(init.message, { cause: init.cause });
    this.code = init.code;
    this.errorName = init.errorName;
  }

  toWire(): { code: number; name: string; message: string } {
    return { code: this.code, name: this.errorName, message: this.message };
  }
}

export function notConnected(): RealtimeError {
  return new RealtimeError({
    code: 500,
    errorName: 'OT_NOT_CONNECTED',
    message: 'Not connected to the session',
  });
}

export function permissionDenied(message: string): RealtimeError {
  return new RealtimeError({ code: 1500, errorName: 'OT_PERMISSION_DENIED', message });
}

export function invalidParameter(message: string, code = 400): RealtimeError {
  return new RealtimeError({ code, errorName: 'OT_INVALID_PARAMETER', message });
}

export function notFoundInSession(message: string): RealtimeError {
  return new RealtimeError({ code: 404, errorName: 'OT_NOT_FOUND', message });
}

/**
 * opentok-ts-sdk: the server SDK for the OpenTok / Vonage Video platform — sessions, client tokens,
 * archives and their layout, and the layout classes of streams. This is the only module applications import.
 *
 * @example
 * ```ts
 * import { OpenTok } from './sdk';
 * const opentok = new OpenTok({ apiKey: '123456', apiSecret: 'your-api-secret' });
 * const session = await opentok.createSession();
 * const token = session.generateToken({ role: 'publisher' });
 * ```
 *
 * @packageDocumentation
 */
export { OpenTok } from './opentok';
export { OPENTOK_API_URL, VONAGE_API_URL } from './opentok-options';
export type {
  ApplicationCredentials,
  CommonOptions,
  OpenTokOptions,
  ProjectCredentials,
} from './opentok-options';
export type { SessionOptions } from './session-create';
export { Session } from './session';
export type { ArchiveMode, MediaMode, TokenOptions, TokenType } from './session';
export { Archive } from './archive';
export { Archives, DEFAULT_LIST_COUNT } from './archives';
export type { ArchiveList } from './archives';
export type {
  ArchiveCreateOptions,
  ArchiveLayout,
  ArchiveListOptions,
  ArchiveStatus,
  ArchiveStream,
  ArchiveTranscriptionProperties,
  LayoutType,
  OutputMode,
  Resolution,
  StreamMode,
} from './archive-types';
export type { ArchiveWire } from './archive-wire';
export { Streams } from './streams';
export type { Stream, StreamClassList } from './stream-types';
export type { StreamWire } from './stream-wire';
export type { Role } from './tokens';
export { ROLES } from './tokens';
export {
  ArchiveError,
  ArgumentError,
  AuthenticationError,
  OpenTokError,
  RequestError,
  StreamError,
  TimeoutError,
} from './errors';
export type { OpenTokErrorInit } from './errors';
export { DEFAULT_TIMEOUT_MS } from './http';
export { SDK_VERSION } from './version';

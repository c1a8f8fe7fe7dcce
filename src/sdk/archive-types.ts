/** The public types of archives and their options, with the lists of values each literal union allows. */

/**
 * Where an archive is in its lifecycle (docs/platform.md §5.4). Only `available` archives have a `url`.
 *
 * @example
 * ```ts
 * const canDownload = (status: ArchiveStatus) => status === 'available';
 * ```
 */
export type ArchiveStatus =
  'started' | 'paused' | 'stopped' | 'uploaded' | 'available' | 'expired' | 'failed' | 'deleted';
/**
 * One MP4 of all streams (`composed`) or one file per stream in a ZIP (`individual`).
 *
 * @example
 * ```ts
 * await opentok.archives.create(sessionId, { outputMode: 'individual' satisfies OutputMode });
 * ```
 */
export type OutputMode = 'composed' | 'individual';
/**
 * `auto` records every stream; `manual` records only the streams added through the REST API.
 *
 * @example
 * ```ts
 * await opentok.archives.create(sessionId, { streamMode: 'auto' satisfies StreamMode });
 * ```
 */
export type StreamMode = 'auto' | 'manual';
/**
 * Composed-archive resolutions the platform accepts.
 *
 * @example
 * ```ts
 * await opentok.archives.create(sessionId, { resolution: '1280x720' satisfies Resolution });
 * ```
 */
export type Resolution = '640x480' | '1280x720' | '1920x1080' | '480x640' | '720x1280' | '1080x1920';
/**
 * Layouts of a composed archive.
 *
 * @example
 * ```ts
 * const type: LayoutType = 'bestFit';
 * ```
 */
export type LayoutType = 'bestFit' | 'custom' | 'horizontalPresentation' | 'pip' | 'verticalPresentation';

// The runtime lists behind the unions above: request options are checked against them and replies are
// checked against the statuses.
export const ARCHIVE_STATUSES: readonly ArchiveStatus[] = [
  'started',
  'paused',
  'stopped',
  'uploaded',
  'available',
  'expired',
  'failed',
  'deleted',
];
export const OUTPUT_MODES: readonly OutputMode[] = ['composed', 'individual'];
export const STREAM_MODES: readonly StreamMode[] = ['auto', 'manual'];
export const RESOLUTIONS: readonly Resolution[] = [
  '640x480',
  '1280x720',
  '1920x1080',
  '480x640',
  '720x1280',
  '1080x1920',
];
export const LAYOUT_TYPES: readonly LayoutType[] = [
  'bestFit',
  'custom',
  'horizontalPresentation',
  'pip',
  'verticalPresentation',
];

/**
 * Layout of a composed archive.
 *
 * @example
 * ```ts
 * const layout: ArchiveLayout = { type: 'bestFit', screenshareType: 'horizontalPresentation' };
 * ```
 */
export interface ArchiveLayout {
  /** How streams are arranged. */
  type: LayoutType;
  /** CSS for the `custom` layout; only allowed with it. */
  stylesheet?: string;
  /** Layout used while a screen is shared; only allowed with type `bestFit`. */
  screenshareType?: Exclude<LayoutType, 'custom'>;
}

/**
 * Options of {@link Archives.create}. Every field is optional; the platform's defaults apply.
 *
 * @example
 * ```ts
 * const options: ArchiveCreateOptions = { name: 'Demo', hasVideo: true, resolution: '1280x720' };
 * ```
 */
export interface ArchiveCreateOptions {
  /** Shown in archive lists; the platform stores `null` when omitted. */
  name?: string;
  /** Record audio (default true). */
  hasAudio?: boolean;
  /** Record video (default true). `hasAudio` and `hasVideo` cannot both be false. */
  hasVideo?: boolean;
  /** Default `composed`. */
  outputMode?: OutputMode;
  /** Composed archives only; default `640x480`. */
  resolution?: Resolution;
  /** Composed archives only; default `bestFit`. */
  layout?: ArchiveLayout;
  /** Default `auto`. */
  streamMode?: StreamMode;
  /** Lets several archives of one session record at once. */
  multiArchiveTag?: string;
}

/**
 * Options of {@link Archives.all}.
 *
 * @example
 * ```ts
 * const page2: ArchiveListOptions = { offset: 20, count: 20 };
 * ```
 */
export interface ArchiveListOptions {
  /** Skip this many archives, newest first (default 0). */
  offset?: number;
  /** How many to return, 0 to 1000 (default 50, the platform's default). */
  count?: number;
  /** Only archives of this session. */
  sessionId?: string;
}

/**
 * A stream recorded by a `manual` stream-mode archive. The platform's element shape is not documented;
 * some replies carry plain stream IDs.
 *
 * @example
 * ```ts
 * const ids = archive.streams.map((s: ArchiveStream) => (typeof s === 'string' ? s : s.streamId));
 * ```
 */
export type ArchiveStream =
  | string
  | {
      /** The recorded stream. */
      streamId: string;
      /** Whether its audio is recorded. */
      hasAudio?: boolean;
      /** Whether its video is recorded. */
      hasVideo?: boolean;
    };

/**
 * Post-processing transcription of an archive, as the platform reports it (docs/platform.md §5.2, §5.3).
 *
 * @example
 * ```ts
 * const language = archive.transcriptionProperties?.primaryLanguageCode ?? 'not transcribed';
 * ```
 */
export interface ArchiveTranscriptionProperties {
  /** The language spoken in the archive, in BCP-47 form such as `en-US`. */
  primaryLanguageCode?: string;
  /** Whether the transcription comes with a summary. */
  hasSummary?: boolean;
}

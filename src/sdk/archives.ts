/** The Archives resource (start, stop, get, list, delete) and the mapping of archive JSON to Archive. */
import { ArgumentError } from './errors';
import { HttpClient, pathOf, unexpectedShape, type HttpReply, parseJsonReply } from './http';
import {
  requireNonEmptyString,
  requirePathId,
  requireOneOf,
  requireOptionalBoolean,
  requireOptionalInteger,
  requireOptionalString,
  requireOptions,
} from './validation';

/**
 * Where an archive is in its lifecycle (reference §5.4). Only `available` archives have a `url`.
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

const STATUSES: readonly ArchiveStatus[] = [
  'started',
  'paused',
  'stopped',
  'uploaded',
  'available',
  'expired',
  'failed',
  'deleted',
];
const OUTPUT_MODES: readonly OutputMode[] = ['composed', 'individual'];
const STREAM_MODES: readonly StreamMode[] = ['auto', 'manual'];
const RESOLUTIONS: readonly Resolution[] = [
  '640x480',
  '1280x720',
  '1920x1080',
  '480x640',
  '720x1280',
  '1080x1920',
];
const LAYOUT_TYPES: readonly LayoutType[] = [
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
 * A page of archives.
 *
 * @example
 * ```ts
 * const { total, items }: ArchiveList = await opentok.archives.all();
 * ```
 */
export interface ArchiveList {
  /** How many archives match in total (not the length of `items`). */
  total: number;
  /** The archives of this page, newest first. */
  items: Archive[];
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
 * Post-processing transcription of an archive, as the platform reports it (reference §5.2, §5.3).
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

/**
 * Archive JSON as the platform sends it; unknown properties are kept and ignored.
 *
 * @example
 * ```ts
 * const json: ArchiveWire = archive.toJSON();
 * ```
 */
export interface ArchiveWire {
  /** Archive ID. */
  id: string;
  /** One of {@link ArchiveStatus}. */
  status: string;
  /** The recorded session. */
  sessionId: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Every other property, as sent. */
  [property: string]: unknown;
}

/**
 * Default number of archives per page, the platform's own default.
 *
 * @example
 * ```ts
 * const { items } = await opentok.archives.all(); // items.length <= DEFAULT_LIST_COUNT
 * ```
 */
export const DEFAULT_LIST_COUNT = 50;

function stringOr<T>(value: unknown, fallback: T): string | T {
  return typeof value === 'string' ? value : fallback;
}
function numberOr<T>(value: unknown, fallback: T): number | T {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
function booleanOr<T>(value: unknown, fallback: T): boolean | T {
  return typeof value === 'boolean' ? value : fallback;
}
function idOr(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
function transcriptionPropertiesOr(value: unknown): ArchiveTranscriptionProperties | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { primaryLanguageCode, hasSummary } = value as Record<string, unknown>;
  const properties: ArchiveTranscriptionProperties = {};
  if (typeof primaryLanguageCode === 'string') properties.primaryLanguageCode = primaryLanguageCode;
  if (typeof hasSummary === 'boolean') properties.hasSummary = hasSummary;
  return properties;
}

/**
 * A recording of a session (reference §5.3). Fields are read-only snapshots; call
 * {@link Archives.find} again for fresh values (the download `url` is valid for 10 minutes).
 *
 * @example
 * ```ts
 * const archive = await opentok.archives.find(archiveId);
 * if (archive.status === 'available') console.log(archive.url, `${archive.duration} s`);
 * ```
 */
export class Archive {
  /** Archive ID (a UUID). */
  readonly id: string;
  /** Where the archive is in its lifecycle; only `available` archives can be downloaded. */
  readonly status: ArchiveStatus;
  /** The name given at start; `null` when none was given. */
  readonly name: string | null;
  /** Why it stopped or failed, e.g. `"user initiated"`; `""` while recording. */
  readonly reason: string;
  /** The session that was recorded. */
  readonly sessionId: string;
  /** The project's API key or application ID. */
  readonly projectId: string | undefined;
  /** Older name of `projectId`, still sent by the platform. */
  readonly partnerId: string | undefined;
  /** When recording started, epoch milliseconds. */
  readonly createdAt: number;
  /** Last status change, epoch milliseconds, when the platform reports it. */
  readonly updatedAt: number | undefined;
  /** File size in bytes; 0 until the file exists. */
  readonly size: number;
  /** Length in seconds; 0 while recording. */
  readonly duration: number;
  /** One composed MP4 or one file per stream. */
  readonly outputMode: OutputMode;
  /** Whether audio was recorded. */
  readonly hasAudio: boolean;
  /** Whether video was recorded. */
  readonly hasVideo: boolean;
  /**
   * Composed archives only, e.g. `"640x480"`. The platform is not known to send values outside
   * {@link Resolution}, but reference §5.3 gives the field only by example, so any other string is
   * passed through rather than dropped (`string & {}` keeps the known values suggested by editors).
   */
  readonly resolution: Resolution | (string & {}) | undefined;
  /** Whether every stream is recorded (`auto`) or only those added through the API (`manual`). */
  readonly streamMode: StreamMode;
  /** Streams currently recorded (`manual` stream mode while started). */
  readonly streams: readonly ArchiveStream[];
  /** Download URL when the status is `available`, otherwise `null`. Valid for 10 minutes. */
  readonly url: string | null;
  /** Encryption password; `""` unless storage encryption is configured. */
  readonly password: string;
  /** Base64 SHA-256 of the file, `""` when unknown. */
  readonly sha256sum: string;
  /** Echoed when set at start. */
  readonly multiArchiveTag: string | undefined;
  /** Maximum video bitrate in bits per second; echoed when set at start (composed archives only). */
  readonly maxBitrate: number | undefined;
  /** Video quantization level (15–40); echoed when set at start instead of `maxBitrate`. */
  readonly quantizationParameter: number | undefined;
  /**
   * `"archive"` in status callback bodies and some replies, absent otherwise. Only `"archive"` has been
   * seen (reference §5.3, §8); another string is passed through rather than dropped.
   */
  readonly event: 'archive' | (string & {}) | undefined;
  /** Whether the archive is transcribed after recording; absent when the platform does not say. */
  readonly hasTranscription: boolean | undefined;
  /** Transcription settings, reported along with `hasTranscription`. */
  readonly transcriptionProperties: ArchiveTranscriptionProperties | undefined;
  readonly #wire: ArchiveWire;
  readonly #archives: Archives;

  /**
   * Built by {@link Archives}; applications do not construct archives themselves.
   * @internal
   */
  constructor(archives: Archives, wire: ArchiveWire) {
    this.#archives = archives;
    this.#wire = wire;
    this.id = wire.id;
    this.status = wire.status as ArchiveStatus;
    this.name = stringOr(wire.name, null);
    this.reason = stringOr(wire.reason, '');
    this.sessionId = wire.sessionId;
    this.projectId = idOr(wire.projectId) ?? idOr(wire.partnerId);
    this.partnerId = idOr(wire.partnerId) ?? idOr(wire.projectId);
    this.createdAt = wire.createdAt;
    this.updatedAt = numberOr(wire.updatedAt, undefined);
    this.size = numberOr(wire.size, 0);
    this.duration = numberOr(wire.duration, 0);
    this.outputMode = wire.outputMode === 'individual' ? 'individual' : 'composed';
    this.hasAudio = booleanOr(wire.hasAudio, true);
    this.hasVideo = booleanOr(wire.hasVideo, true);
    this.resolution = stringOr(wire.resolution, undefined);
    this.streamMode = wire.streamMode === 'manual' ? 'manual' : 'auto';
    this.streams = Array.isArray(wire.streams) ? (wire.streams as ArchiveStream[]) : [];
    this.url = stringOr(wire.url, null);
    this.password = stringOr(wire.password, '');
    this.sha256sum = stringOr(wire.sha256sum, '');
    this.multiArchiveTag = stringOr(wire.multiArchiveTag, undefined);
    this.maxBitrate = numberOr(wire.maxBitrate, undefined);
    this.quantizationParameter = numberOr(wire.quantizationParameter, undefined);
    this.event = stringOr(wire.event, undefined);
    this.hasTranscription = booleanOr(wire.hasTranscription, undefined);
    this.transcriptionProperties = transcriptionPropertiesOr(wire.transcriptionProperties);
  }

  /**
   * Stops the recording; resolves with the stopped archive (this object keeps its old snapshot).
   *
   * @example
   * ```ts
   * const stopped = await archive.stop(); // stopped.status === 'stopped'
   * ```
   */
  stop(): Promise<Archive> {
    return this.#archives.stopById(this.id);
  }

  /**
   * Deletes the archive; allowed once its status is `available` or `uploaded`.
   *
   * @example
   * ```ts
   * await archive.delete();
   * ```
   */
  delete(): Promise<void> {
    return this.#archives.deleteById(this.id);
  }

  /**
   * The archive as the platform sent it (its JSON properties, unknown ones included).
   *
   * @example
   * ```ts
   * res.json(archive); // sends the platform's JSON
   * ```
   */
  toJSON(): ArchiveWire {
    return { ...this.#wire };
  }
}

/** Checks the few properties an Archive cannot do without. */
function readArchiveWire(value: unknown, reply: HttpReply): ArchiveWire {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw unexpectedShape(reply, 'expected an archive object');
  }
  const wire = value as Record<string, unknown>;
  if (typeof wire.id !== 'string' || wire.id === '') throw unexpectedShape(reply, 'archive without an id');
  if (typeof wire.status !== 'string' || !(STATUSES as readonly string[]).includes(wire.status)) {
    throw unexpectedShape(reply, `unknown archive status ${JSON.stringify(wire.status)}`);
  }
  if (typeof wire.sessionId !== 'string') throw unexpectedShape(reply, 'archive without a sessionId');
  if (typeof wire.createdAt !== 'number') throw unexpectedShape(reply, 'archive without a numeric createdAt');
  return wire as ArchiveWire;
}

function validateLayout(layout: unknown): ArchiveLayout {
  if (typeof layout !== 'object' || layout === null) {
    throw new ArgumentError({ message: 'layout must be an object such as { type: "bestFit" }' });
  }
  const { type, stylesheet, screenshareType } = layout as Record<string, unknown>;
  const checkedType = requireOneOf('layout.type', type, LAYOUT_TYPES);
  if (checkedType === undefined) {
    throw new ArgumentError({
      message: `layout.type must be one of ${LAYOUT_TYPES.map((t) => `'${t}'`).join(', ')}`,
    });
  }
  const result: ArchiveLayout = { type: checkedType };
  if (checkedType === 'custom') {
    result.stylesheet = requireNonEmptyString(
      'layout.stylesheet (required with layout.type custom)',
      stylesheet,
    );
  } else if (stylesheet !== undefined) {
    throw new ArgumentError({ message: "layout.stylesheet is only allowed with layout.type 'custom'" });
  }
  if (screenshareType !== undefined) {
    if (checkedType !== 'bestFit') {
      throw new ArgumentError({
        message: "layout.screenshareType is only allowed with layout.type 'bestFit'",
      });
    }
    result.screenshareType = requireOneOf(
      'layout.screenshareType',
      screenshareType,
      LAYOUT_TYPES.filter((t): t is Exclude<LayoutType, 'custom'> => t !== 'custom'),
    );
  }
  return result;
}

/** Builds the start request body, sending only the options given (the platform applies its defaults). */
function startBody(sessionId: string, options: ArchiveCreateOptions): Record<string, unknown> {
  const name = requireOptionalString('name', options.name);
  const hasAudio = requireOptionalBoolean('hasAudio', options.hasAudio);
  const hasVideo = requireOptionalBoolean('hasVideo', options.hasVideo);
  if (hasAudio === false && hasVideo === false) {
    throw new ArgumentError({
      message: 'hasAudio and hasVideo cannot both be false: an archive must record something',
    });
  }
  const outputMode = requireOneOf('outputMode', options.outputMode, OUTPUT_MODES);
  const resolution = requireOneOf('resolution', options.resolution, RESOLUTIONS);
  const layout = options.layout === undefined ? undefined : validateLayout(options.layout);
  if (outputMode === 'individual' && resolution !== undefined) {
    throw new ArgumentError({
      message: "resolution is only allowed with outputMode 'composed' (got outputMode 'individual')",
    });
  }
  if (outputMode === 'individual' && layout !== undefined) {
    throw new ArgumentError({
      message: "layout is only allowed with outputMode 'composed' (got outputMode 'individual')",
    });
  }
  const streamMode = requireOneOf('streamMode', options.streamMode, STREAM_MODES);
  const multiArchiveTag = requireOptionalString('multiArchiveTag', options.multiArchiveTag);

  const body: Record<string, unknown> = { sessionId };
  const optional = { name, hasAudio, hasVideo, outputMode, resolution, layout, streamMode, multiArchiveTag };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) body[key] = value;
  }
  return body;
}

/**
 * Archives of the project: start, stop, find, list and delete recordings.
 * Reached through {@link OpenTok.archives}.
 *
 * @example
 * ```ts
 * const archive = await opentok.archives.create(sessionId, { name: 'Team call' });
 * await opentok.archives.stopById(archive.id);
 * ```
 */
export class Archives {
  readonly #http: HttpClient;
  readonly #basePath: string;

  /**
   * Built by {@link OpenTok}; `projectId` is the API key or application ID.
   * @internal
   */
  constructor(http: HttpClient, projectId: string) {
    this.#http = http;
    this.#basePath = `${pathOf('v2', 'project', projectId)}/archive`;
  }

  /**
   * Starts recording a routed session that has connected clients.
   *
   * @example
   * ```ts
   * const archive = await opentok.archives.create(sessionId, { name: 'Demo', outputMode: 'composed' });
   * ```
   */
  async create(sessionId: string, options?: ArchiveCreateOptions): Promise<Archive> {
    requireNonEmptyString('sessionId', sessionId);
    const json = startBody(sessionId, requireOptions('options', options));
    return this.#archiveFrom(
      await this.#http.send({ operation: 'startArchive', method: 'POST', path: this.#basePath, json }),
    );
  }

  /**
   * Gets one archive, with a fresh download URL if it is available.
   *
   * @example
   * ```ts
   * const archive = await opentok.archives.find('b40ef09b-3811-4726-b508-e41a0f96c68f');
   * ```
   */
  async find(archiveId: string): Promise<Archive> {
    requirePathId('archiveId', archiveId);
    return this.#archiveFrom(
      await this.#http.send({
        operation: 'getArchive',
        method: 'GET',
        path: `${this.#basePath}${pathOf(archiveId)}`,
        archiveId,
      }),
    );
  }

  /**
   * Lists archives, newest first.
   *
   * @example
   * ```ts
   * const { total, items } = await opentok.archives.all({ offset: 0, count: 5 });
   * ```
   */
  async all(listOptions?: ArchiveListOptions): Promise<ArchiveList> {
    const options = requireOptions('options', listOptions);
    const offset = requireOptionalInteger('offset', options.offset, 0, Number.MAX_SAFE_INTEGER);
    const count = requireOptionalInteger('count', options.count, 0, 1000) ?? DEFAULT_LIST_COUNT;
    const sessionId =
      options.sessionId === undefined ? undefined : requireNonEmptyString('sessionId', options.sessionId);
    const reply = await this.#http.send({
      operation: 'listArchives',
      method: 'GET',
      path: this.#basePath,
      query: { offset, count, sessionId },
    });
    const json = parseJsonReply(reply);
    if (typeof json !== 'object' || json === null) throw unexpectedShape(reply, 'expected { count, items }');
    const { count: total, items } = json as { count?: unknown; items?: unknown };
    if (typeof total !== 'number' || !Array.isArray(items))
      throw unexpectedShape(reply, 'expected { count, items }');
    return { total, items: items.map((item) => new Archive(this, readArchiveWire(item, reply))) };
  }

  /**
   * Stops a recording by ID; resolves with the stopped archive.
   *
   * @example
   * ```ts
   * const archive = await opentok.archives.stopById(archiveId);
   * ```
   */
  async stopById(archiveId: string): Promise<Archive> {
    requirePathId('archiveId', archiveId);
    return this.#archiveFrom(
      await this.#http.send({
        operation: 'stopArchive',
        method: 'POST',
        path: `${this.#basePath}${pathOf(archiveId, 'stop')}`,
        archiveId,
      }),
    );
  }

  /**
   * Deletes an archive by ID; allowed once its status is `available` or `uploaded`.
   *
   * @example
   * ```ts
   * await opentok.archives.deleteById(archiveId);
   * ```
   */
  async deleteById(archiveId: string): Promise<void> {
    requirePathId('archiveId', archiveId);
    await this.#http.send({
      operation: 'deleteArchive',
      method: 'DELETE',
      path: `${this.#basePath}${pathOf(archiveId)}`,
      archiveId,
    });
  }

  #archiveFrom(reply: HttpReply): Archive {
    return new Archive(this, readArchiveWire(parseJsonReply(reply), reply));
  }
}

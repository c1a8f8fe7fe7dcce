/** One archive: the Archive class, whose fields are read from the platform's archive JSON. */
import type {
  ArchiveStatus,
  ArchiveStream,
  ArchiveTranscriptionProperties,
  OutputMode,
  Resolution,
  StreamMode,
} from './archive-types';
import {
  booleanOr,
  idOr,
  numberOr,
  stringOr,
  transcriptionPropertiesOr,
  type ArchiveWire,
} from './archive-wire';

/** Anything that can stop and delete archives by ID ({@link Archives} does). @internal */
export interface ArchiveActions {
  /** Stops a recording; see {@link Archives.stopById}. */
  stopById(archiveId: string): Promise<Archive>;
  /** Deletes an archive; see {@link Archives.deleteById}. */
  deleteById(archiveId: string): Promise<void>;
}

/**
 * A recording of a session (docs/platform.md §5.3). Fields are read-only snapshots; call
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
   * {@link Resolution}, but docs/platform.md §5.3 gives the field only by example, so any other string is
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
   * seen (docs/platform.md §5.3, §8); another string is passed through rather than dropped.
   */
  readonly event: 'archive' | (string & {}) | undefined;
  /** Whether the archive is transcribed after recording; absent when the platform does not say. */
  readonly hasTranscription: boolean | undefined;
  /** Transcription settings, reported along with `hasTranscription`. */
  readonly transcriptionProperties: ArchiveTranscriptionProperties | undefined;
  readonly #wire: ArchiveWire;
  readonly #archives: ArchiveActions;

  /**
   * Built by {@link Archives}; applications do not construct archives themselves.
   * @internal
   */
  constructor(archives: ArchiveActions, wire: ArchiveWire) {
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

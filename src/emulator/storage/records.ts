/** The records the emulator keeps about sessions and archives; the shape of `emulator.json`. */
import type { OutputMode, VideoType } from '../../protocol/realtime';

export type MediaMode = 'relayed' | 'routed';
export type ArchiveMode = 'manual' | 'always';
export type ArchiveStatus = 'started' | 'paused' | 'stopped' | 'available' | 'failed' | 'deleted';
export type ArchiveReason = '' | 'user initiated' | 'session ended' | 'maximum duration exceeded' | 'failure';
export type StreamMode = 'auto' | 'manual';

export interface SessionRecord {
  sessionId: string;
  apiKey: string;
  mediaMode: MediaMode;
  archiveMode: ArchiveMode;
  location: string;
  e2ee: boolean;
  archiveName: string | null;
  archiveResolution: string | null;
  createdAt: number;
}

export interface ArchiveLayout {
  type: string;
  stylesheet?: string;
  screenshareType?: string;
}

/** One uploaded media stream of an archive; composed archives have one per recorder. */
export interface UploadRecord {
  streamId: string;
  connectionId: string;
  connectionData: string;
  videoType: VideoType;
  nextSeq: number;
  bytes: number;
  /** the client sent its finish; the upload is complete once `chunksSent` chunks are stored too */
  finished: boolean;
  /** how many chunks the finish said were sent; absent before it, and from clients that do not say */
  chunksSent?: number;
  startTimeOffset: number | null;
  stopTimeOffset: number | null;
  note: string | null;
}

/** A client that recorded (part of) a composed archive. */
export interface RecorderRecord {
  connectionId: string;
  electedAt: number;
  endedAt: number | null;
  note: string | null;
}

export interface ArchiveFile {
  /** file name under dataDir/archives */
  fileName: string;
  contentType: 'application/zip' | 'video/webm';
}

export interface ArchiveRecord {
  id: string;
  apiKey: string;
  sessionId: string;
  name: string | null;
  status: ArchiveStatus;
  reason: ArchiveReason;
  createdAt: number;
  updatedAt: number;
  stoppedAt: number | null;
  size: number;
  duration: number;
  outputMode: OutputMode;
  hasAudio: boolean;
  hasVideo: boolean;
  resolution: string | null;
  streamMode: StreamMode;
  layout: ArchiveLayout | null;
  multiArchiveTag: string | null;
  maxBitrate: number | null;
  quantizationParameter: number | null;
  /** manual stream mode: the streams added with PATCH …/streams */
  streams: Array<{ streamId: string; hasAudio: boolean; hasVideo: boolean }>;
  sha256sum: string;
  /** keyed by upload key: the streamId, or `composed~<connectionId>` for a composed recorder */
  uploads: Record<string, UploadRecord>;
  recorders: RecorderRecord[];
  file: ArchiveFile | null;
}

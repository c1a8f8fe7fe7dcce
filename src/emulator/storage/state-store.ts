/** The emulator's sessions and archives, kept in memory and saved atomically to dataDir/emulator.json. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { OutputMode, VideoType } from '../../protocol/realtime';
import { StorageError } from '../errors';
import { removeStaleTempFiles, writeFileAtomic } from './atomic-file';

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
  finished: boolean;
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

interface StateFile {
  version: 1;
  sessions: Record<string, SessionRecord>;
  archives: Record<string, ArchiveRecord>;
}

export interface StateStore {
  readonly sessions: Map<string, SessionRecord>;
  readonly archives: Map<string, ArchiveRecord>;
  /** resolves once a snapshot taken after this call is on disk */
  save(): Promise<void>;
}

const STATE_FILE = 'emulator.json';

export async function openStateStore(dataDir: string): Promise<StateStore> {
  const filePath = path.join(dataDir, STATE_FILE);
  await fs.mkdir(dataDir, { recursive: true });
  await removeStaleTempFiles(dataDir);
  const sessions = new Map<string, SessionRecord>();
  const archives = new Map<string, ArchiveRecord>();
  const text = await fs.readFile(filePath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new StorageError({ message: `Could not read ${filePath}`, path: filePath, cause: error });
  });
  if (text !== null) {
    let parsed: StateFile;
    try {
      parsed = JSON.parse(text) as StateFile;
    } catch (cause) {
      throw new StorageError({
        message: `${filePath} is not valid JSON; move it away to start afresh`,
        path: filePath,
        cause,
      });
    }
    for (const [id, s] of Object.entries(parsed.sessions ?? {})) sessions.set(id, s);
    for (const [id, a] of Object.entries(parsed.archives ?? {})) archives.set(id, a);
  }

  // Saves are serialised and coalesced: while one write runs, later callers share the next one.
  let writing: Promise<void> | null = null;
  let queued: Promise<void> | null = null;

  const writeSnapshot = async (): Promise<void> => {
    const snapshot: StateFile = {
      version: 1,
      sessions: Object.fromEntries(sessions),
      archives: Object.fromEntries(archives),
    };
    await writeFileAtomic(filePath, JSON.stringify(snapshot));
  };

  const save = (): Promise<void> => {
    if (queued) return queued;
    if (!writing) {
      writing = writeSnapshot().finally(() => {
        writing = null;
      });
      return writing;
    }
    const previous = writing;
    queued = previous
      .catch(() => undefined)
      .then(() => {
        queued = null;
        return save();
      });
    return queued;
  };

  return { sessions, archives, save };
}

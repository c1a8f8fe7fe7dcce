/** The stored archive as the platform's REST JSON (docs/platform.md §5.3) and as the realtime protocol's ArchiveInfo. */
import type { ArchiveInfo } from '../../protocol/realtime';
import type { ArchiveRecord } from '../storage/records';

export interface ArchiveJson {
  id: string;
  status: ArchiveRecord['status'];
  name: string | null;
  reason: string;
  sessionId: string;
  projectId: number | string;
  partnerId: number | string;
  createdAt: number;
  updatedAt: number;
  size: number;
  duration: number;
  outputMode: ArchiveRecord['outputMode'];
  hasAudio: boolean;
  hasVideo: boolean;
  resolution?: string;
  streamMode: ArchiveRecord['streamMode'];
  streams: ArchiveRecord['streams'];
  sha256sum: string;
  password: string;
  url: string | null;
  multiArchiveTag?: string;
  maxBitrate?: number;
  quantizationParameter?: number;
}

/** `urlFor` builds the signed download link; it is called only for `available` archives. */
export function toArchiveJson(record: ArchiveRecord, urlFor: (record: ArchiveRecord) => string): ArchiveJson {
  // Recorded responses carry the key as a number (123456); keys that are not digits stay strings.
  const key = /^\d{1,15}$/.test(record.apiKey) ? Number(record.apiKey) : record.apiKey;
  const running = record.status === 'started' || record.status === 'paused';
  return {
    id: record.id,
    status: record.status,
    name: record.name,
    reason: record.reason,
    sessionId: record.sessionId,
    projectId: key,
    partnerId: key,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    size: record.size,
    duration: record.duration,
    outputMode: record.outputMode,
    hasAudio: record.hasAudio,
    hasVideo: record.hasVideo,
    ...(record.resolution !== null ? { resolution: record.resolution } : {}),
    streamMode: record.streamMode,
    // Only a running manual-mode archive lists its streams (docs/platform.md §5.3).
    streams: running && record.streamMode === 'manual' ? record.streams : [],
    sha256sum: record.sha256sum,
    password: '',
    url: record.status === 'available' ? urlFor(record) : null,
    ...(record.multiArchiveTag !== null ? { multiArchiveTag: record.multiArchiveTag } : {}),
    ...(record.maxBitrate !== null ? { maxBitrate: record.maxBitrate } : {}),
    ...(record.quantizationParameter !== null ? { quantizationParameter: record.quantizationParameter } : {}),
  };
}

/** What clients are told of an archive (`connected`, `archiveStarted`, `archiveStopped`). */
export function toArchiveInfo(archive: ArchiveRecord): ArchiveInfo {
  return {
    id: archive.id,
    name: archive.name,
    outputMode: archive.outputMode,
    hasAudio: archive.hasAudio,
    hasVideo: archive.hasVideo,
    createdAt: archive.createdAt,
  };
}

/** Stored session and archive records, and emulator.json states built from them, for tests that seed a data folder. */
import type { ArchiveRecord, SessionRecord, UploadRecord } from '../../../src/emulator/storage/records';

export const SEED_API_KEY = '100000001';
export const SEED_SESSION_ID = '1_MX4xMDAwMDAwMDF-fjE3MDAwMDAwMDAwMDB-dGVzdA-fg';
export const SEED_ARCHIVE_ID = '6b1d2f7e-3c44-4a55-9e61-0d2f3a4b5c6d';
const SEED_TIME = 1_700_000_000_000;

export function sessionRecord(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    sessionId: SEED_SESSION_ID,
    apiKey: SEED_API_KEY,
    mediaMode: 'routed',
    archiveMode: 'manual',
    location: '',
    e2ee: false,
    archiveName: null,
    archiveResolution: null,
    createdAt: SEED_TIME,
    ...overrides,
  };
}

/** A finished upload of one stream. */
export function uploadRecord(streamId: string, overrides: Partial<UploadRecord> = {}): UploadRecord {
  return {
    streamId,
    connectionId: `${streamId}-connection`,
    connectionData: streamId,
    videoType: 'camera',
    nextSeq: 0,
    bytes: 0,
    finished: true,
    startTimeOffset: 0,
    stopTimeOffset: 1000,
    note: null,
    ...overrides,
  };
}

/** An available composed archive of the seed session. */
export function archiveRecord(overrides: Partial<ArchiveRecord> = {}): ArchiveRecord {
  return {
    id: SEED_ARCHIVE_ID,
    apiKey: SEED_API_KEY,
    sessionId: SEED_SESSION_ID,
    name: null,
    status: 'available',
    reason: 'user initiated',
    createdAt: SEED_TIME,
    updatedAt: SEED_TIME,
    stoppedAt: SEED_TIME,
    size: 0,
    duration: 0,
    outputMode: 'composed',
    hasAudio: true,
    hasVideo: true,
    resolution: '640x480',
    streamMode: 'auto',
    layout: null,
    multiArchiveTag: null,
    maxBitrate: null,
    quantizationParameter: null,
    streams: [],
    sha256sum: '',
    uploads: {},
    recorders: [],
    file: null,
    ...overrides,
  };
}

/** An individual archive stopped four seconds in, waiting for its assembly. */
export function stoppedArchive(overrides: Partial<ArchiveRecord> = {}): ArchiveRecord {
  return archiveRecord({
    status: 'stopped',
    createdAt: 1_000,
    updatedAt: 5_000,
    stoppedAt: 5_000,
    duration: 4,
    outputMode: 'individual',
    resolution: null,
    ...overrides,
  });
}

/**
 * An emulator.json of an earlier version holding a long history: `sessions` sessions and `archives` deleted
 * individual archives (one per session, in order), each archive's own fields from `archiveOf`.
 */
export function historyState(
  sessions: number,
  archives: number,
  archiveOf: (n: number) => Partial<ArchiveRecord> = () => ({}),
): string {
  const sessionRecords: Record<string, SessionRecord> = {};
  const sessionIds: string[] = [];
  for (let n = 0; n < sessions; n++) {
    const sessionId = `1_MX4xMDAwMDAwMDF-fjE3MDAwMDAwMDAwMDB-history${n}`;
    sessionIds.push(sessionId);
    sessionRecords[sessionId] = sessionRecord({
      sessionId,
      archiveName: `meeting ${n}`,
      createdAt: SEED_TIME + n,
    });
  }
  const archiveRecords: Record<string, ArchiveRecord> = {};
  for (let n = 0; n < archives; n++) {
    const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    archiveRecords[id] = archiveRecord({
      id,
      sessionId: sessionIds[n % sessionIds.length],
      name: `recording ${n}`,
      status: 'deleted',
      createdAt: SEED_TIME + n,
      outputMode: 'individual',
      resolution: null,
      ...archiveOf(n),
    });
  }
  return JSON.stringify({ version: 1, sessions: sessionRecords, archives: archiveRecords });
}

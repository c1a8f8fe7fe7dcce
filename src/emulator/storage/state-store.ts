/**
 * What the emulator asks of its storage. Callers see operations, never the storage's own structures, so that
 * another storage (per-record files, a journal, an embedded database) can take the JSON file's place unseen.
 */
import type { ArchiveRecord, SessionRecord } from './records';

export interface ArchiveQuery {
  sessionId?: string;
}

/**
 * Records go in and come out as copies: changing a record one holds changes nothing until it is put again.
 * A put is seen at once by every later get or list, and is on disk once a save() called after it resolves.
 */
export interface StateStore {
  getSession(sessionId: string): SessionRecord | undefined;
  /** adds the session, or replaces the one with its ID */
  putSession(session: SessionRecord): void;
  getArchive(archiveId: string): ArchiveRecord | undefined;
  /** in the order the archives were first put: oldest first */
  listArchives(query?: ArchiveQuery): ArchiveRecord[];
  /** adds the archive, or replaces the one with its ID */
  putArchive(archive: ArchiveRecord): void;
  /** resolves once everything put before this call is on disk */
  save(): Promise<void>;
}

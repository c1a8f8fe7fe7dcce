/** Archive records in the state store: read by any module, changed only by the modules of the archive lifecycle. */
import type { Logger } from 'pino';
import { notFound } from '../errors';
import type { ArchiveReason, ArchiveRecord, RecorderRecord } from '../storage/records';
import type { ArchiveQuery, StateStore } from '../storage/state-store';

export interface ArchiveRecords {
  find(archiveId: string): ArchiveRecord | undefined;
  /** the archive, if it belongs to this API key; a 404 PlatformError otherwise */
  require(apiKey: string, archiveId: string): ArchiveRecord;
  /** oldest first */
  list(query?: ArchiveQuery): ArchiveRecord[];
  /** started or paused archives of the session, oldest first */
  running(sessionId: string): ArchiveRecord[];
  create(archive: ArchiveRecord): void;
  /** applies `change` to the stored archive and stores the result, which it returns */
  update(archiveId: string, change: (archive: ArchiveRecord) => void): ArchiveRecord;
  /** resolves once every change made before the call is on disk */
  save(): Promise<void>;
  /** saves without waiting: a failure is logged, and the next save writes the change */
  saveInBackground(): void;
}

export function isRunning(archive: ArchiveRecord): boolean {
  return archive.status === 'started' || archive.status === 'paused';
}

export function currentRecorder(archive: ArchiveRecord): RecorderRecord | undefined {
  return archive.recorders.find((r) => r.endedAt === null);
}

/** The one place a recording ends: by a stop now, or, after a crash, when its media last arrived. */
export function markStopped(archive: ArchiveRecord, at: number, reason: ArchiveReason): void {
  archive.status = 'stopped';
  archive.reason = reason;
  archive.stoppedAt = at;
  archive.duration = Math.round(Math.max(0, at - archive.createdAt) / 1000);
  archive.updatedAt = at;
  const recorder = currentRecorder(archive);
  if (recorder) recorder.endedAt = at;
}

export function createArchiveRecords(deps: { store: StateStore; logger: Logger }): ArchiveRecords {
  const { store, logger } = deps;
  return {
    find: (archiveId) => store.getArchive(archiveId),

    require(apiKey, archiveId) {
      const archive = store.getArchive(archiveId);
      if (!archive || archive.apiKey !== apiKey)
        throw notFound('Not found. You passed in an invalid archive ID.');
      return archive;
    },

    list: (query) => store.listArchives(query),
    running: (sessionId) => store.listArchives({ sessionId }).filter(isRunning),

    create(archive) {
      store.putArchive(archive);
      logLifecycle(logger, archive);
    },

    update(archiveId, change) {
      const archive = store.getArchive(archiveId);
      if (!archive) throw new Error(`No archive ${archiveId} to update`);
      const before = archive.status;
      change(archive);
      store.putArchive(archive);
      if (archive.status !== before) logLifecycle(logger, archive);
      return archive;
    },

    save: () => store.save(),

    saveInBackground() {
      store.save().catch((error: unknown) => logger.error({ err: error }, 'could not save emulator state'));
    },
  };
}

const LOGGED_STATUSES: ReadonlySet<ArchiveRecord['status']> = new Set([
  'started',
  'stopped',
  'available',
  'failed',
  'deleted',
]);

/**
 * Every status change passes through this module, so one info line here follows each archive through its life.
 * Only named fields: a record also holds upload keys, which grant uploads on their own.
 */
function logLifecycle(logger: Logger, archive: ArchiveRecord): void {
  if (!LOGGED_STATUSES.has(archive.status)) return;
  const { id: archiveId, name, sessionId, outputMode, reason } = archive;
  const fields = { archiveId, name, sessionId, outputMode };
  if (archive.status === 'stopped' || archive.status === 'failed') {
    logger.info({ ...fields, reason }, `archive ${archive.status}`);
  } else if (archive.status === 'available') {
    logger.info({ ...fields, size: archive.size, duration: archive.duration }, 'archive available');
  } else {
    logger.info(fields, `archive ${archive.status}`);
  }
}

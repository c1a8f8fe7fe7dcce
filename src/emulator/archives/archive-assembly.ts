/**
 * From uploads to an archive file: an archive that stopped is assembled once every upload finished, or at the
 * finish deadline with what arrived; after a restart, whatever was recording or stopped is assembled too. An
 * archive fails only when none of its media can be read: when writing its file fails instead (a full disk, an
 * I/O error), the media is kept, the archive stays stopped and is assembled again later, and at the next start.
 */
import type { Logger } from 'pino';
import type { Assembly, MediaFiles, StoredItem, StoredItemFate } from '../media/media-files';
import type { PresenceRegistry } from '../realtime/presence-registry';
import { archiveIdOfFileName } from '../storage/record-ids';
import type { ArchiveRecord, UploadRecord } from '../storage/records';
import { isRunning, markStopped, type ArchiveRecords } from './archive-records';
import { createKeyedTimers } from './keyed-timers';

export interface ArchiveAssembly {
  /** true while uploads for this archive may still arrive */
  isAcceptingMedia(archive: ArchiveRecord): boolean;
  /** forgets the upload credentials of clients that left the session and whose media no archive awaits */
  releaseDepartedUploaders(sessionId: string): void;
  /**
   * the archive stopped: assembles it now when every upload finished, its recorders' and those of the streams
   * published now included, or else at the finish deadline
   */
  scheduleAfterStop(archiveId: string): void;
  /**
   * a chunk of the archive is being stored: an assembly that begins before the returned function is called
   * waits for it, so that a chunk the emulator acknowledges is never left out of the file
   */
  chunkArriving(archiveId: string): () => void;
  /**
   * an upload finished, or a finished upload got a chunk: assembles a stopped archive once its last upload is
   * complete
   */
  uploadFinished(archiveId: string): void;
  /**
   * after a restart: archives that were recording are stopped and assembled from what arrived; then files
   * the state no longer needs are removed, and files it does not know are moved to orphans/
   */
  recover(): Promise<void>;
  /** cancels the deadlines and retries, and waits for assemblies under way */
  close(): Promise<void>;
}

/** How long a failed assembly waits before it is tried again: doubling from the first delay up to the last. */
export interface AssemblyRetryDelays {
  firstMs: number;
  maxMs: number;
}

/**
 * Finished, and holding every chunk its finish counted: a closing page sends its last chunks and its finish
 * at once, so the finish may arrive first. A finish without a count (older clients) completes the upload.
 */
function isComplete(upload: UploadRecord): boolean {
  return upload.finished && (upload.chunksSent === undefined || upload.nextSeq >= upload.chunksSent);
}

/**
 * True once no more media can be expected: every upload is complete, and so is that of each recorder of a
 * composed archive and of each stream published into an individual one when it stopped. Those who have not
 * sent a chunk yet have no upload, so the uploads alone cannot say who is missing: a client that left and
 * finished would otherwise have the archive assembled without the clients still recording.
 */
function allUploadsFinished(archive: ArchiveRecord, streamsAtStop: readonly string[]): boolean {
  const uploads = Object.values(archive.uploads);
  const completedBy = (expected: (u: UploadRecord) => boolean): boolean =>
    uploads.some((u) => isComplete(u) && expected(u));
  const everyoneFinished =
    archive.outputMode === 'composed'
      ? archive.recorders.every((r) => completedBy((u) => u.connectionId === r.connectionId))
      : streamsAtStop.every((streamId) => completedBy((u) => u.streamId === streamId));
  return uploads.length > 0 && uploads.every(isComplete) && everyoneFinished;
}

export function createArchiveAssembly(deps: {
  records: ArchiveRecords;
  media: MediaFiles;
  presence: Pick<PresenceRegistry, 'releaseDeparted' | 'streamsOf'>;
  finishDeadlineMs: number;
  retryDelays: AssemblyRetryDelays;
  clock: () => number;
  logger: Logger;
}): ArchiveAssembly {
  const { records, media, clock, logger } = deps;
  const deadlines = createKeyedTimers(logger);
  const retries = createKeyedTimers(logger);
  const assembling = new Map<string, Promise<void>>();
  /** failed attempts of archives waiting to be assembled again */
  const attempts = new Map<string, number>();
  /** chunks being stored, by archive: each settles once its chunk is on disk and recorded, or failed */
  const arriving = new Map<string, Set<Promise<void>>>();

  const chunkArriving = (archiveId: string): (() => void) => {
    let settle = (): void => undefined;
    const stored = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const pending = arriving.get(archiveId) ?? new Set<Promise<void>>();
    pending.add(stored);
    arriving.set(archiveId, pending);
    return () => {
      settle();
      pending.delete(stored);
      if (pending.size === 0 && arriving.get(archiveId) === pending) arriving.delete(archiveId);
    };
  };

  /**
   * The streams published when each stopped individual archive stopped: their publishers record them and
   * finish when told of the stop. A stream published later is not recorded, so it is not waited for.
   */
  const streamsAtStop = new Map<string, string[]>();
  const uploadsComplete = (archive: ArchiveRecord): boolean =>
    allUploadsFinished(archive, streamsAtStop.get(archive.id) ?? []);

  // Once its assembly began, an archive takes no more media, also while it waits to be tried again.
  const isAcceptingMedia = (archive: ArchiveRecord): boolean =>
    isRunning(archive) ||
    (archive.status === 'stopped' && !assembling.has(archive.id) && !attempts.has(archive.id));

  /** true while an archive of the session that began by `at` may still take media */
  const awaitsUploads = (sessionId: string, at: number): boolean =>
    records.list({ sessionId }).some((a) => a.createdAt <= at && isAcceptingMedia(a));

  const releaseDepartedUploaders = (sessionId: string): void => {
    deps.presence.releaseDeparted(sessionId, (leftAt) => awaitsUploads(sessionId, leftAt));
  };

  /** The media stays where it is; the archive stays stopped and is assembled again after a growing delay. */
  const retryLater = (archiveId: string, error: unknown): void => {
    const attempt = (attempts.get(archiveId) ?? 0) + 1;
    attempts.set(archiveId, attempt);
    const { firstMs, maxMs } = deps.retryDelays;
    const retryInMs = Math.min(maxMs, firstMs * 2 ** Math.min(attempt - 1, 30));
    logger.error(
      { err: error, archiveId, attempt, retryInMs },
      'archive assembly failed; the media is kept and the assembly will be tried again',
    );
    retries.start(archiveId, retryInMs, () => assemble(archiveId));
  };

  const record = (archiveId: string, assembly: Assembly): ArchiveRecord =>
    records.update(archiveId, (a) => {
      if (assembly.file) {
        a.status = 'available';
        a.size = assembly.file.size;
        a.sha256sum = assembly.file.sha256sum;
        a.file = { fileName: assembly.file.fileName, contentType: assembly.file.contentType };
      } else {
        a.status = 'failed';
        a.reason = 'failure';
      }
      a.updatedAt = clock();
    });

  /**
   * The chunks of uploads left out of the file are moved to orphans/, never removed, before the state says
   * available: the chunks of the others are removed after it says so, and until then a restart assembles
   * again from what is still there.
   */
  const keepFailedUploads = async (archiveId: string, assembly: Assembly): Promise<void> => {
    if (!assembly.file || assembly.failed.length === 0) return;
    const uploadKeys = assembly.failed.map((f) => f.uploadKey);
    const movedTo = await media.moveUploadsToOrphans(archiveId, uploadKeys, clock());
    logger.warn({ archiveId, uploadKeys, movedTo }, 'kept the media of uploads left out of the archive file');
  };

  const assemble = (archiveId: string): Promise<void> => {
    const running = assembling.get(archiveId);
    if (running) return running;
    const found = records.find(archiveId);
    if (!found) return Promise.resolve();
    deadlines.clear(archiveId);
    retries.clear(archiveId);
    streamsAtStop.delete(archiveId);
    const task = (async () => {
      // No chunk is accepted from here on; those already accepted are waited for and go into the file.
      await Promise.all(arriving.get(archiveId) ?? []);
      const archive = records.find(archiveId) ?? found;
      let assembly: Assembly;
      try {
        assembly = await media.assemble(archive);
      } catch (error) {
        retryLater(archiveId, error);
        return;
      }
      for (const { uploadKey, reason } of assembly.failed) {
        logger.warn({ archiveId, uploadKey, reason }, 'an upload was left out of the archive file');
      }
      try {
        await keepFailedUploads(archiveId, assembly);
      } catch (error) {
        retryLater(archiveId, error);
        return;
      }
      attempts.delete(archiveId);
      const assembled = record(archiveId, assembly);
      try {
        await records.save();
        // Only once the state on disk says available: until then a restart assembles again from the chunks.
        if (assembled.status === 'available') await media.removeChunks(archiveId);
      } catch (error) {
        // Not saved: the next start finds the archive stopped and assembles it again. Chunks left on disk
        // are sorted out by the next start.
        logger.error({ err: error, archiveId }, 'could not save or clean up an assembled archive');
      }
      logger.info({ archiveId, status: assembled.status, size: assembled.size }, 'archive assembled');
    })().finally(() => {
      assembling.delete(archiveId);
      // The archive takes no more media: clients that left need their upload credentials no longer.
      releaseDepartedUploaders(found.sessionId);
    });
    assembling.set(archiveId, task);
    return task;
  };

  /**
   * What the start does with a file it finds: kept when the state lists it, removed when the state says it
   * is no longer needed (a delete or a clean-up a crash cut short), moved to orphans/ when the state does
   * not know it. Nothing the state does not account for is ever removed.
   */
  const fateOf = (item: StoredItem): StoredItemFate => {
    const archiveId = item.kind === 'archive file' ? archiveIdOfFileName(item.name) : item.archiveId;
    const archive = archiveId === null ? undefined : records.find(archiveId);
    if (!archive) return 'orphan';
    if (archive.status === 'deleted') return 'remove';
    if (item.kind === 'archive file') {
      if (archive.status === 'available') return archive.file?.fileName === item.name ? 'keep' : 'orphan';
      // A stopped archive is assembled again from its chunks, and its file replaced; a failed one lists none.
      return archive.status === 'failed' ? 'orphan' : 'keep';
    }
    // An available archive's chunks are in its file already.
    return archive.status === 'available' ? 'remove' : 'keep';
  };

  /** Assembly started from an event or timer: it must never become an unhandled rejection of the process. */
  const assembleInBackground = (archiveId: string): void => {
    assemble(archiveId).catch((error: unknown) =>
      logger.error({ err: error, archiveId }, 'archive assembly failed'),
    );
  };

  return {
    isAcceptingMedia,
    releaseDepartedUploaders,
    chunkArriving,

    scheduleAfterStop(archiveId) {
      const archive = records.find(archiveId);
      if (archive?.outputMode === 'individual') {
        const published = deps.presence.streamsOf(archive.sessionId).map((s) => s.streamId);
        streamsAtStop.set(archiveId, published);
      }
      if (archive && uploadsComplete(archive)) {
        assembleInBackground(archiveId);
        return;
      }
      deadlines.start(archiveId, deps.finishDeadlineMs, () => assemble(archiveId));
    },

    uploadFinished(archiveId) {
      const archive = records.find(archiveId);
      if (archive?.status === 'stopped' && uploadsComplete(archive)) assembleInBackground(archiveId);
    },

    async recover() {
      for (const archive of records.list()) {
        // The recording ended when the emulator went down, not when it came back: the last change saved (a
        // chunk arriving, a pause, a layout) is the latest moment known to belong to the recording.
        if (isRunning(archive)) {
          records.update(archive.id, (a) => {
            markStopped(a, Math.max(a.createdAt, a.updatedAt), 'session ended');
          });
        }
      }
      await records.save();
      // Sorted before any assembly begins, so that no file is looked at while an assembly writes it.
      const sorted = await media.sortStoredItems(fateOf, clock());
      if (sorted.removed.length > 0) {
        logger.info({ removed: sorted.removed }, 'removed files of deleted or assembled archives');
      }
      if (sorted.orphaned.length > 0) {
        logger.warn(
          { moved: sorted.orphaned, to: sorted.orphansDir },
          'moved files the state does not list to the orphans folder; nothing was deleted',
        );
      }
      // Upload credentials live in memory only, so nothing more can arrive: assemble what is on disk.
      const stopped = records.list().filter((a) => a.status === 'stopped');
      await Promise.all(stopped.map((a) => assemble(a.id)));
    },

    async close() {
      deadlines.close();
      retries.close();
      streamsAtStop.clear();
      await Promise.allSettled([...assembling.values()]);
    },
  };
}

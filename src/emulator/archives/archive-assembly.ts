/**
 * From uploads to an archive file: an archive that stopped is assembled once every upload finished, or at the
 * finish deadline with what arrived; after a restart, whatever was recording or stopped is assembled too.
 */
import type { Logger } from 'pino';
import type { MediaFiles } from '../media/media-files';
import type { PresenceRegistry } from '../realtime/presence-registry';
import type { ArchiveRecord } from '../storage/records';
import { isRunning, markStopped, type ArchiveRecords } from './archive-records';
import { createKeyedTimers } from './keyed-timers';

export interface ArchiveAssembly {
  /** true while uploads for this archive may still arrive */
  isAcceptingMedia(archive: ArchiveRecord): boolean;
  /** forgets the upload credentials of clients that left the session and whose media no archive awaits */
  releaseDepartedUploaders(sessionId: string): void;
  /** the archive stopped: assembles it now when every upload finished, or else at the finish deadline */
  scheduleAfterStop(archiveId: string): void;
  /** an upload finished: assembles a stopped archive when it was the last one */
  uploadFinished(archiveId: string): void;
  /** after a restart: archives that were recording are stopped and assembled from what arrived */
  recover(): Promise<void>;
  /** cancels the deadlines and waits for assemblies under way */
  close(): Promise<void>;
}

function allUploadsFinished(archive: ArchiveRecord): boolean {
  const uploads = Object.values(archive.uploads);
  return uploads.length > 0 && uploads.every((u) => u.finished);
}

export function createArchiveAssembly(deps: {
  records: ArchiveRecords;
  media: MediaFiles;
  presence: Pick<PresenceRegistry, 'releaseDeparted'>;
  finishDeadlineMs: number;
  clock: () => number;
  logger: Logger;
}): ArchiveAssembly {
  const { records, media, clock, logger } = deps;
  const deadlines = createKeyedTimers(logger);
  const assembling = new Map<string, Promise<void>>();

  const isAcceptingMedia = (archive: ArchiveRecord): boolean =>
    isRunning(archive) || (archive.status === 'stopped' && !assembling.has(archive.id));

  /** true while an archive of the session that began by `at` may still take media */
  const awaitsUploads = (sessionId: string, at: number): boolean =>
    records.list({ sessionId }).some((a) => a.createdAt <= at && isAcceptingMedia(a));

  const releaseDepartedUploaders = (sessionId: string): void => {
    deps.presence.releaseDeparted(sessionId, (leftAt) => awaitsUploads(sessionId, leftAt));
  };

  const writeFile = async (archive: ArchiveRecord): Promise<(a: ArchiveRecord) => void> => {
    const failed = (a: ArchiveRecord): void => {
      a.status = 'failed';
      a.reason = 'failure';
    };
    try {
      const file = await media.assemble(archive);
      if (!file) return failed;
      return (a) => {
        a.status = 'available';
        a.size = file.size;
        a.sha256sum = file.sha256sum;
        a.file = { fileName: file.fileName, contentType: file.contentType };
      };
    } catch (error) {
      logger.error({ err: error, archiveId: archive.id }, 'archive assembly failed');
      return failed;
    }
  };

  const assemble = (archiveId: string): Promise<void> => {
    const running = assembling.get(archiveId);
    if (running) return running;
    const archive = records.find(archiveId);
    if (!archive) return Promise.resolve();
    deadlines.clear(archiveId);
    const task = (async () => {
      const outcome = await writeFile(archive);
      const assembled = records.update(archiveId, (a) => {
        outcome(a);
        a.updatedAt = clock();
      });
      try {
        await records.save();
        // Only once the state on disk says available: until then a restart assembles again from the chunks.
        if (assembled.status === 'available') await media.removeChunks(archiveId);
      } catch (error) {
        // Not saved: the next start finds the archive stopped and assembles it again. Chunks left on disk
        // are removed by the next start's clean-up.
        logger.error({ err: error, archiveId }, 'could not save or clean up an assembled archive');
      }
      logger.info({ archiveId, status: assembled.status, size: assembled.size }, 'archive assembled');
    })().finally(() => {
      assembling.delete(archiveId);
      // The archive takes no more media: clients that left need their upload credentials no longer.
      releaseDepartedUploaders(archive.sessionId);
    });
    assembling.set(archiveId, task);
    return task;
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

    scheduleAfterStop(archiveId) {
      const archive = records.find(archiveId);
      if (archive && allUploadsFinished(archive)) {
        assembleInBackground(archiveId);
        return;
      }
      deadlines.start(archiveId, deps.finishDeadlineMs, () => assemble(archiveId));
    },

    uploadFinished(archiveId) {
      const archive = records.find(archiveId);
      if (archive?.status === 'stopped' && allUploadsFinished(archive)) assembleInBackground(archiveId);
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
      // Upload credentials live in memory only, so nothing more can arrive: assemble what is on disk.
      const stopped = records.list().filter((a) => a.status === 'stopped');
      await records.save();
      await Promise.all(stopped.map((a) => assemble(a.id)));
      // A crash between saving the state and touching the files can leave an archive file nobody lists
      // (a delete) or chunks already copied into an archive file (an assembly): remove both.
      const archives = records.list();
      await media.removeUnreferenced({
        fileNames: new Set(
          archives.flatMap((a) => (a.status === 'available' && a.file ? [a.file.fileName] : [])),
        ),
        chunkArchiveIds: new Set(
          archives.filter((a) => a.status !== 'available' && a.status !== 'deleted').map((a) => a.id),
        ),
      });
    },

    async close() {
      deadlines.close();
      await Promise.allSettled([...assembling.values()]);
    },
  };
}

/** Changes the REST API makes to an archive besides start and stop: delete, layout, and streams in manual mode. */
import { PlatformError, badRequest, conflict, notFound } from '../errors';
import type { MediaFiles } from '../media/media-files';
import type { PresenceReader } from '../realtime/presence-registry';
import type { ArchiveLayout, ArchiveRecord } from '../storage/records';
import { isRunning, type ArchiveRecords } from './archive-records';
import type { RecorderElection } from './recorder-election';

export type StreamChange =
  { addStream: string; hasAudio: boolean; hasVideo: boolean } | { removeStream: string };

export interface ArchiveEdits {
  remove(apiKey: string, archiveId: string): Promise<void>;
  setLayout(apiKey: string, archiveId: string, layout: ArchiveLayout): Promise<void>;
  changeStreams(apiKey: string, archiveId: string, change: StreamChange): Promise<void>;
}

const DELETABLE: ReadonlySet<ArchiveRecord['status']> = new Set(['available', 'deleted', 'failed']);

export function createArchiveEdits(deps: {
  records: ArchiveRecords;
  media: MediaFiles;
  presence: Pick<PresenceReader, 'knownStream'>;
  /** tells the recorder of a composed archive its new layout */
  election: Pick<RecorderElection, 'announceLayout'>;
  clock: () => number;
}): ArchiveEdits {
  const { records, clock } = deps;

  return {
    async remove(apiKey, archiveId) {
      const archive = records.require(apiKey, archiveId);
      // A deliberate choice: the platform deletes available, uploaded and deleted archives and answers 409
      // otherwise (docs/platform.md §5.4), but whether a failed (or expired) archive can be deleted is unknown there,
      // and the official SDKs do not check the status before a delete. Here a failed archive can be deleted,
      // because a local recording that failed must be removable from the list and its chunks from the disk.
      if (!DELETABLE.has(archive.status)) {
        throw conflict(
          `Conflict. You can only delete an archive that is available or failed; this one is ${archive.status}.`,
        );
      }
      // Saved as deleted before the files go: a crash in between leaves an orphan file, which the next
      // start removes, instead of an archive listed as available whose file is gone.
      records.update(archiveId, (a) => {
        a.status = 'deleted';
        a.file = null;
        a.updatedAt = clock();
      });
      await records.save();
      await deps.media.removeArchive(archive);
    },

    async setLayout(apiKey, archiveId, layout) {
      const archive = records.require(apiKey, archiveId);
      if (archive.outputMode !== 'composed')
        throw badRequest('Invalid request. Only composed archives have a layout.');
      // The documented statuses of a layout change hold no 409 (docs/platform.md §5.6), so a change that can no
      // longer apply is the platform's invalid request.
      if (!isRunning(archive)) {
        throw badRequest(
          `Invalid request. The layout of an archive can change only while it records; this one is ${archive.status}.`,
        );
      }
      records.update(archiveId, (a) => {
        a.layout = layout;
        a.updatedAt = clock();
      });
      await records.save();
      deps.election.announceLayout(archiveId);
    },

    async changeStreams(apiKey, archiveId, change) {
      const archive = records.require(apiKey, archiveId);
      if (archive.streamMode !== 'manual') {
        throw new PlatformError({
          status: 405,
          message: 'Method not allowed. The archive is in automatic stream mode.',
        });
      }
      if ('addStream' in change) {
        const known = deps.presence.knownStream(change.addStream);
        if (!known || known.sessionId !== archive.sessionId)
          throw notFound('Not found. The stream does not exist.');
      } else if (!archive.streams.some((s) => s.streamId === change.removeStream)) {
        throw notFound('Not found. The stream is not in the archive.');
      }
      records.update(archiveId, (a) => {
        if ('addStream' in change) {
          a.streams = a.streams.filter((s) => s.streamId !== change.addStream);
          a.streams.push({
            streamId: change.addStream,
            hasAudio: change.hasAudio,
            hasVideo: change.hasVideo,
          });
        } else {
          a.streams = a.streams.filter((s) => s.streamId !== change.removeStream);
        }
        a.updatedAt = clock();
      });
      await records.save();
    },
  };
}

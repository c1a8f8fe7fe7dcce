/** What the upload API stored for an archive, written into its record: chunks received, uploads finished. */
import { COMPOSED_STREAM_ID } from '../../protocol/media-upload';
import type { ArchiveRecord, UploadRecord } from '../storage/records';
import type { ArchiveAssembly } from './archive-assembly';
import type { ArchiveRecords } from './archive-records';

/** Who writes an upload: the stream's publisher, or for a composed archive its recorder. */
export type Uploader = Pick<UploadRecord, 'streamId' | 'connectionId' | 'connectionData' | 'videoType'>;

export interface UploadLedger {
  /**
   * stores chunk `seq` of the upload with `write` and records it; resolves once the record says so on disk too.
   * Call it right after checking that the archive takes media: an assembly that begins meanwhile waits for it.
   */
  recordChunk(input: {
    archiveId: string;
    uploadKey: string;
    uploader: Uploader;
    seq: number;
    bytes: number;
    write: () => Promise<void>;
  }): Promise<UploadRecord>;
  /**
   * the client finished the upload; a stopped archive is assembled once its last upload has finished and
   * holds the chunks its finish counted
   */
  recordFinish(input: {
    archiveId: string;
    uploadKey: string;
    uploader: Uploader;
    startTimeOffset: number;
    stopTimeOffset: number;
    note: string | null;
    /** how many chunks the client sent, when it said */
    chunksSent: number | undefined;
  }): Promise<UploadRecord>;
}

/** The archive's upload under `uploadKey`, added when this is its first chunk or its finish. */
function uploadOf(archive: ArchiveRecord, uploadKey: string, uploader: Uploader): UploadRecord {
  const existing = archive.uploads[uploadKey];
  if (existing) return existing;
  const created: UploadRecord = {
    streamId: uploader.streamId,
    connectionId: uploader.connectionId,
    connectionData: uploader.connectionData,
    videoType: uploader.videoType,
    nextSeq: 0,
    bytes: 0,
    finished: false,
    startTimeOffset: null,
    stopTimeOffset: null,
    note: null,
  };
  archive.uploads[uploadKey] = created;
  return created;
}

export function createUploadLedger(deps: {
  records: ArchiveRecords;
  assembly: Pick<ArchiveAssembly, 'uploadFinished' | 'chunkArriving'>;
  clock: () => number;
}): UploadLedger {
  const { records, clock } = deps;
  return {
    async recordChunk({ archiveId, uploadKey, uploader, seq, bytes, write }) {
      // Counted from before the write, in the same turn as the caller's check that the archive takes media.
      const arrived = deps.assembly.chunkArriving(archiveId);
      let upload: UploadRecord;
      try {
        await write();
        const archive = records.update(archiveId, (a) => {
          const stored = uploadOf(a, uploadKey, uploader);
          stored.nextSeq = seq + 1;
          stored.bytes += bytes;
          // The last time media arrived: after a crash, the recording is taken to have ended then.
          a.updatedAt = clock();
        });
        await records.save();
        upload = uploadOf(archive, uploadKey, uploader);
      } finally {
        arrived();
      }
      // A chunk the finish overtook: it may be the last one the archive waited for.
      if (upload.finished) deps.assembly.uploadFinished(archiveId);
      return upload;
    },

    async recordFinish({
      archiveId,
      uploadKey,
      uploader,
      startTimeOffset,
      stopTimeOffset,
      note,
      chunksSent,
    }) {
      const archive = records.update(archiveId, (a) => {
        const upload = uploadOf(a, uploadKey, uploader);
        upload.finished = true;
        if (chunksSent !== undefined) upload.chunksSent = chunksSent;
        upload.startTimeOffset = startTimeOffset;
        upload.stopTimeOffset = stopTimeOffset;
        upload.note = note;
        if (uploader.streamId === COMPOSED_STREAM_ID && note) {
          const recorder = a.recorders.find((r) => r.connectionId === uploader.connectionId);
          if (recorder) recorder.note = note;
        }
      });
      await records.save();
      deps.assembly.uploadFinished(archiveId);
      return uploadOf(archive, uploadKey, uploader);
    },
  };
}

/** Chunked, resumable media uploads from clients (src/protocol/media-upload.ts): ordered, idempotent, bounded. */
import { z } from 'zod';
import type { ArchiveLifecycle, Uploader } from '../archives/archive-lifecycle';
import { describeIssues } from '../archives/start-options';
import { isSameSecret } from '../auth/secret-compare';
import { PlatformError, badRequest, conflict, notFound, tooLarge } from '../errors';
import type { EmulatorLimits } from '../limits';
import { COMPOSED_STREAM_ID, MAX_UPLOAD_CHUNKS, type FinishUploadBody } from '../../protocol/media-upload';
import type { ConnectionCredentials, PresenceReader } from '../realtime/presence-registry';
import type { ArchiveRecord } from '../storage/records';
import type { MediaFiles } from './media-files';

export interface UploadCaller {
  connectionId: string | undefined;
  uploadKey: string | undefined;
}

export interface UploadState {
  nextSeq: number;
  finished: boolean;
}

export interface Uploads {
  /**
   * checks everything but the body: the caller's realtime credentials (403), the archive in its session (404) and
   * its right to the stream (400, 403); an upload request's body is read only after this
   */
  authorize(input: { caller: UploadCaller; archiveId: string; streamId: string }): void;
  putChunk(input: {
    caller: UploadCaller;
    archiveId: string;
    streamId: string;
    seq: string;
    body: Uint8Array;
  }): Promise<UploadState>;
  status(input: { caller: UploadCaller; archiveId: string; streamId: string }): UploadState;
  finish(input: {
    caller: UploadCaller;
    archiveId: string;
    streamId: string;
    body: unknown;
  }): Promise<UploadState>;
}

const finishSchema = z
  .object({
    startTimeOffset: z.number().min(0),
    stopTimeOffset: z.number().min(0),
    note: z.string().max(500).optional(),
    chunks: z.number().int().min(0).max(MAX_UPLOAD_CHUNKS).optional(),
  })
  .refine((b) => b.stopTimeOffset >= b.startTimeOffset, 'stopTimeOffset must not be before startTimeOffset');

function forbidden(message: string): PlatformError {
  return new PlatformError({ status: 403, message });
}

export function createUploads(deps: {
  presence: Pick<PresenceReader, 'credentials' | 'knownStream'>;
  archives: Pick<ArchiveLifecycle, 'find' | 'isAcceptingMedia' | 'recordChunk' | 'recordFinish'>;
  media: Pick<MediaFiles, 'writeChunk'>;
  limits: EmulatorLimits;
}): Uploads {
  const { presence, archives, media, limits } = deps;
  // One chunk at a time per upload, so a client that sends seq n+1 right after n is not told about a gap.
  const tails = new Map<string, Promise<unknown>>();
  const serialized = <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const run = (tails.get(key) ?? Promise.resolve()).catch(() => undefined).then(task);
    tails.set(key, run);
    void run
      .finally(() => {
        if (tails.get(key) === run) tails.delete(key);
      })
      .catch(() => undefined);
    return run;
  };

  const authenticate = (caller: UploadCaller): ConnectionCredentials => {
    const credentials = caller.connectionId ? presence.credentials(caller.connectionId) : undefined;
    if (!credentials || !caller.uploadKey || !isSameSecret(caller.uploadKey, credentials.uploadKey)) {
      throw forbidden('Forbidden. Send the X-Connection-Id and X-Upload-Key of your realtime connection.');
    }
    return credentials;
  };

  /** Who may write which upload: the stream's publisher (individual) or an elected recorder (composed). */
  const authorize = (
    caller: UploadCaller,
    archiveId: string,
    streamId: string,
  ): { uploadKey: string; uploader: Uploader } => {
    const credentials = authenticate(caller);
    const archive = archives.find(archiveId);
    if (!archive || archive.sessionId !== credentials.sessionId)
      throw notFound('Not found. No such archive in your session.');
    const { connectionId, connectionData } = credentials;
    if (streamId === COMPOSED_STREAM_ID) {
      if (archive.outputMode !== 'composed')
        throw badRequest('Invalid request. This archive records individual streams.');
      if (!archive.recorders.some((r) => r.connectionId === connectionId)) {
        throw forbidden('Forbidden. This connection was not elected to record the archive.');
      }
      return {
        uploadKey: `${COMPOSED_STREAM_ID}~${connectionId}`,
        uploader: { streamId, connectionId, connectionData, videoType: 'custom' },
      };
    }
    if (archive.outputMode !== 'individual') {
      throw badRequest(`Invalid request. A composed archive takes only the "${COMPOSED_STREAM_ID}" stream.`);
    }
    const stream = presence.knownStream(streamId);
    if (!stream || stream.connectionId !== connectionId || stream.sessionId !== archive.sessionId) {
      throw forbidden('Forbidden. This connection does not publish that stream.');
    }
    return {
      uploadKey: streamId,
      uploader: { streamId, connectionId, connectionData, videoType: stream.videoType },
    };
  };

  /** The archive as it is now: a chunk queued behind another must see what that one recorded. */
  const currentArchive = (archiveId: string): ArchiveRecord => {
    const archive = archives.find(archiveId);
    if (!archive) throw notFound('Not found. No such archive in your session.');
    return archive;
  };

  const requireAccepting = (archive: ArchiveRecord): void => {
    if (!archives.isAcceptingMedia(archive)) {
      throw conflict(`Conflict. The archive is ${archive.status} and takes no more media.`);
    }
  };

  return {
    authorize({ caller, archiveId, streamId }) {
      authorize(caller, archiveId, streamId);
    },

    putChunk({ caller, archiveId, streamId, seq, body }) {
      const { uploadKey, uploader } = authorize(caller, archiveId, streamId);
      if (!/^\d{1,9}$/.test(seq)) throw badRequest('Invalid request. seq must be a non-negative integer.');
      const n = Number(seq);
      return serialized(`${archiveId}/${uploadKey}`, async () => {
        const archive = currentArchive(archiveId);
        const existing = archive.uploads[uploadKey];
        // A chunk stored before is acknowledged again: the client may not have seen the first answer.
        if (existing && n < existing.nextSeq)
          return { nextSeq: existing.nextSeq, finished: existing.finished };
        // A closing page sends its last chunks and its finish at once, so the finish may overtake them: a chunk
        // after it is kept for as long as the archive takes media.
        requireAccepting(archive);
        if (existing?.chunksSent !== undefined && n >= existing.chunksSent) {
          throw conflict(`Conflict. The upload was finished with ${existing.chunksSent} chunks.`);
        }
        const expected = existing?.nextSeq ?? 0;
        if (n !== expected) throw conflict(`Conflict. Expected chunk ${expected}.`, { nextSeq: expected });
        const archiveBytes = Object.values(archive.uploads).reduce((sum, u) => sum + u.bytes, 0);
        if (archiveBytes + body.length > limits.maxArchiveBytes) {
          throw tooLarge(
            `Payload too large. An archive holds at most ${limits.maxArchiveBytes} bytes of media.`,
          );
        }
        const upload = await archives.recordChunk({
          archiveId,
          uploadKey,
          uploader,
          seq: n,
          bytes: body.length,
          write: () => media.writeChunk(archiveId, uploadKey, n, body),
        });
        return { nextSeq: upload.nextSeq, finished: upload.finished };
      });
    },

    status({ caller, archiveId, streamId }) {
      const { uploadKey } = authorize(caller, archiveId, streamId);
      const upload = currentArchive(archiveId).uploads[uploadKey];
      return { nextSeq: upload?.nextSeq ?? 0, finished: upload?.finished ?? false };
    },

    finish({ caller, archiveId, streamId, body }) {
      const { uploadKey, uploader } = authorize(caller, archiveId, streamId);
      const parsed = finishSchema.safeParse(body);
      if (!parsed.success) throw badRequest(`Invalid request. ${describeIssues(parsed.error)}`);
      const offsets: FinishUploadBody = parsed.data;
      if (offsets.stopTimeOffset > limits.maxArchiveDurationMs + limits.finishDeadlineMs) {
        throw badRequest(`Invalid request. A recording is at most ${limits.maxArchiveDurationMs} ms long.`);
      }
      return serialized(`${archiveId}/${uploadKey}`, async () => {
        const archive = currentArchive(archiveId);
        const existing = archive.uploads[uploadKey];
        if (existing?.finished) return { nextSeq: existing.nextSeq, finished: true };
        requireAccepting(archive);
        const held = existing?.nextSeq ?? 0;
        if (offsets.chunks !== undefined && offsets.chunks < held) {
          throw conflict(`Conflict. ${held} chunks are stored already.`, { nextSeq: held });
        }
        const upload = await archives.recordFinish({
          archiveId,
          uploadKey,
          uploader,
          startTimeOffset: offsets.startTimeOffset,
          stopTimeOffset: offsets.stopTimeOffset,
          note: offsets.note ?? null,
          chunksSent: offsets.chunks,
        });
        return { nextSeq: upload.nextSeq, finished: true };
      });
    },
  };
}

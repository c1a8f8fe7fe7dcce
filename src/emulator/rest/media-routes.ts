/** HTTP side of media uploads (PUT chunk, GET resume state, POST finish) and of archive downloads. */
import type { Request, RequestHandler } from 'express';
import type { ArchiveLifecycle } from '../archives/archive-lifecycle';
import type { DownloadLinks } from '../archives/download-links';
import { createDownloadDisposition } from '../archives/download-filename';
import { PlatformError } from '../errors';
import type { MediaFiles } from '../media/media-files';
import type { UploadCaller, Uploads } from '../media/uploads';

export interface MediaHandlers {
  /** refuses, before any body is read, callers that may not upload to the archive and stream of the path */
  authorize: RequestHandler;
  putChunk: RequestHandler;
  status: RequestHandler;
  finish: RequestHandler;
  download: RequestHandler;
}

function callerOf(req: Request): UploadCaller {
  return { connectionId: req.get('x-connection-id'), uploadKey: req.get('x-upload-key') };
}

export function createMediaHandlers(deps: {
  uploads: Uploads;
  archives: Pick<ArchiveLifecycle, 'find'>;
  media: Pick<MediaFiles, 'archiveFilePath'>;
  links: DownloadLinks;
  clock: () => number;
}): MediaHandlers {
  const params = (req: Request) => ({
    archiveId: String(req.params.archiveId),
    streamId: String(req.params.streamId),
  });
  return {
    authorize(req, _res, next) {
      deps.uploads.authorize({ caller: callerOf(req), ...params(req) });
      next();
    },
    async putChunk(req, res) {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      res.json(
        await deps.uploads.putChunk({
          caller: callerOf(req),
          ...params(req),
          seq: String(req.params.seq),
          body,
        }),
      );
    },
    status(req, res) {
      res.json(deps.uploads.status({ caller: callerOf(req), ...params(req) }));
    },
    async finish(req, res) {
      res.json(await deps.uploads.finish({ caller: callerOf(req), ...params(req), body: req.body }));
    },
    download(req, res, next) {
      const archiveId = String(req.params.archiveId);
      // Like an expired or tampered pre-signed storage URL: 403, whatever the archive.
      if (!deps.links.isValid(archiveId, req.query.expires, req.query.signature, deps.clock())) {
        throw new PlatformError({
          status: 403,
          message:
            'Forbidden. The download link is invalid or has expired; get the archive again for a fresh url.',
        });
      }
      const archive = deps.archives.find(archiveId);
      if (!archive || archive.status !== 'available' || !archive.file) {
        throw new PlatformError({ status: 404, message: 'Not found. The archive has no file to download.' });
      }
      const extension = archive.file.contentType === 'application/zip' ? 'zip' : 'webm';
      res.set(
        'Content-Disposition',
        createDownloadDisposition({ name: archive.name, createdAt: archive.createdAt, extension }),
      );
      // A recording is private: no shared cache may keep it, and no browser cache outlives the signed link.
      res.sendFile(
        deps.media.archiveFilePath(archive.file),
        {
          cacheControl: false,
          headers: { 'Content-Type': archive.file.contentType, 'Cache-Control': 'private, no-store' },
        },
        (error?: Error) => {
          if (!error) return;
          // A range outside the file is the client's mistake, as storage answers it: 416 with the size in
          // Content-Range (already set), not the 500 of a failure.
          if ('status' in error && error.status === 416 && !res.headersSent) {
            res.status(416).end();
            return;
          }
          // As Express does without a callback: a client that went away is not an error of the emulator.
          if ('code' in error && error.code === 'ECONNABORTED') return;
          if ('syscall' in error && error.syscall === 'write') return;
          next(error);
        },
      );
    },
  };
}

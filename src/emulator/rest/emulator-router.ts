/** The emulator's route table: the platform's REST API, media uploads and downloads, one error handler. */
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { requireProjectAuth, type RestAuthOptions } from '../auth/rest-auth';
import { PlatformError, badRequest, tooLarge } from '../errors';
import type { ArchiveHandlers } from './archive-routes';
import type { MediaHandlers } from './media-routes';
import { createRequestLog } from './request-log';
import { createSecurityHeaders } from './security-headers';
import type { SessionControlHandlers } from './session-control-routes';
import type { StreamHandlers } from './stream-routes';

export interface RouterDeps {
  auth: RestAuthOptions;
  createSession: RequestHandler;
  archives: ArchiveHandlers;
  media: MediaHandlers;
  sessionControl: SessionControlHandlers;
  streams: StreamHandlers;
  maxChunkBytes: number;
  logger: Logger;
}

/** Errors thrown by express's body parsers carry `status` and `type`; a body over the limit also has `limit`. */
interface ParserError {
  status: number;
  type: string;
  limit?: unknown;
}

function isParserError(error: unknown): error is ParserError {
  return typeof error === 'object' && error !== null && 'status' in error && 'type' in error;
}

/**
 * The raw parser for media chunks, whose 413 names the chunk limit rather than a body limit. Chunks are WebM,
 * already compressed, so no client needs Content-Encoding; refused (415) before a byte is read, a 16 KB gzip
 * body cannot inflate to a full chunk.
 */
function createChunkParser(maxChunkBytes: number): RequestHandler {
  const raw = express.raw({ type: () => true, limit: maxChunkBytes, inflate: false });
  return (req, res, next) => {
    raw(req, res, (error?: unknown) => {
      if (isParserError(error) && error.status === 413) {
        next(tooLarge(`Payload too large. A media chunk holds at most ${maxChunkBytes} bytes.`));
        return;
      }
      next(error);
    });
  };
}

/** Express throws a URIError with status 400 (and no `type`) when a path parameter is not valid %-encoded UTF-8. */
function isUndecodablePathError(error: unknown): boolean {
  return error instanceof URIError && 'status' in error && error.status === 400;
}

function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    if (error instanceof PlatformError) {
      res.status(error.status).json(error.body);
      return;
    }
    if (isUndecodablePathError(error)) {
      const refusal = badRequest(
        'Invalid request. The path is not valid percent-encoded UTF-8: encode each ID in it with encodeURIComponent.',
      );
      res.status(refusal.status).json(refusal.body);
      return;
    }
    if (isParserError(error) && error.status >= 400 && error.status < 500) {
      const message =
        error.status === 413
          ? `Payload too large. The body exceeds the emulator's limit${typeof error.limit === 'number' ? ` of ${error.limit} bytes` : ''}.`
          : error.status === 415
            ? 'Unsupported Media Type. Send this body without Content-Encoding, in UTF-8.'
            : 'Invalid request. The body could not be parsed.';
      res.status(error.status).json({ code: -1, message });
      return;
    }
    logger.error({ err: error }, 'emulator request failed');
    res.status(500).json({ code: 500, message: 'System error' });
  };
}

/** The platform's 404 for a path no route serves. */
export const answerNotFound: RequestHandler = (_req, res) => {
  res.status(404).json({ code: -1, message: 'Not found. No such endpoint on the emulator.' });
};

export function createEmulatorRouter(deps: RouterDeps): express.Router {
  const router = express.Router();
  // Each limit holds for the inflated body too: body-parser counts the bytes after Content-Encoding is undone.
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  const json = express.json({ limit: '1mb' });
  // Two offsets and a note of at most 500 characters.
  const finishJson = express.json({ limit: '16kb' });
  // Chunks are opaque bytes whatever Content-Type the browser puts on them.
  const raw = createChunkParser(deps.maxChunkBytes);
  const auth = requireProjectAuth(deps.auth);
  const { archives, media, sessionControl, streams } = deps;

  router.use(createRequestLog(deps.logger), createSecurityHeaders());

  router.post('/session/create', auth, form, deps.createSession);

  router.post('/v2/project/:apiKey/archive', auth, json, archives.start);
  router.get('/v2/project/:apiKey/archive', auth, archives.list);
  router.get('/v2/project/:apiKey/archive/:archiveId', auth, archives.get);
  router.post('/v2/project/:apiKey/archive/:archiveId/stop', auth, json, archives.stop);
  router.delete('/v2/project/:apiKey/archive/:archiveId', auth, archives.remove);
  router.put('/v2/project/:apiKey/archive/:archiveId/layout', auth, json, archives.setLayout);
  router.patch('/v2/project/:apiKey/archive/:archiveId/streams', auth, json, archives.changeStreams);

  const session = '/v2/project/:apiKey/session/:sessionId';
  router.post(`${session}/signal`, auth, json, sessionControl.signal);
  router.post(`${session}/connection/:connectionId/signal`, auth, json, sessionControl.signal);
  router.delete(`${session}/connection/:connectionId`, auth, sessionControl.forceDisconnect);
  router.get(`${session}/stream`, auth, streams.list);
  router.put(`${session}/stream`, auth, json, streams.setClassLists);
  router.get(`${session}/stream/:streamId`, auth, streams.get);

  // Caller, archive and stream are all checked before a body parser runs: only the stream's own uploader can
  // make the emulator read a body, and never more than one chunk of it.
  router.put('/media/:archiveId/:streamId/:seq', media.authorize, raw, media.putChunk);
  router.get('/media/:archiveId/:streamId', media.authorize, media.status);
  router.post('/media/:archiveId/:streamId/finish', media.authorize, finishJson, media.finish);
  router.get('/downloads/:archiveId', media.download);

  router.use(answerNotFound);
  router.use(createErrorHandler(deps.logger));
  return router;
}

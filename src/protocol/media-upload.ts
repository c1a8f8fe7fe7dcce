/**
 * The media upload contract between the local-mode browser client and the emulator (HTTP, not the WebSocket).
 *
 * While an archive records, each publishing client uploads its stream's WebM in ordered chunks:
 *   PUT  <basePath>/media/<archiveId>/<streamId>/<seq>   body: raw bytes (application/octet-stream)
 *        headers: X-Connection-Id, X-Upload-Key (from `connected`)
 *        seq starts at 0; a chunk already stored answers 200 again (idempotent), a gap answers 409
 *        with { nextSeq }.
 *   GET  <basePath>/media/<archiveId>/<streamId>          → { nextSeq, finished } to resume after a reconnect
 *   POST <basePath>/media/<archiveId>/<streamId>/finish   JSON FinishUploadBody: no more chunks
 * The composed recording uses streamId 'composed'.
 */

export const COMPOSED_STREAM_ID = 'composed';

export interface FinishUploadBody {
  /** ms since the archive's createdAt */
  startTimeOffset: number;
  stopTimeOffset: number;
  /** composed only: why this recorder ended (e.g. 'recorder left' when another client took over) */
  note?: string;
}

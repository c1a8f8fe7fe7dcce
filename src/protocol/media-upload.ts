/**
 * The media upload contract between the local-mode browser client and the emulator (HTTP, not the WebSocket).
 *
 * While an archive records, each publishing client uploads its stream's WebM in ordered chunks:
 *   PUT  <basePath>/media/<archiveId>/<streamId>/<seq>   body: raw bytes (application/octet-stream)
 *        headers: X-Connection-Id, X-Upload-Key (from `connected`)
 *        seq starts at 0; a chunk already stored answers 200 again (idempotent), a gap answers 409
 *        with { nextSeq }.
 *   GET  <basePath>/media/<archiveId>/<streamId>          → { nextSeq, finished } to resume after a reconnect
 *   POST <basePath>/media/<archiveId>/<streamId>/finish   JSON FinishUploadBody: no more chunks; with `chunks`,
 *        the upload is complete once that many are stored, so a chunk the finish overtook is still taken
 * The composed recording uses streamId 'composed'.
 */

export const COMPOSED_STREAM_ID = 'composed';

/** seq is at most 9 digits, so no upload holds more chunks than this */
export const MAX_UPLOAD_CHUNKS = 1_000_000_000;

export interface FinishUploadBody {
  /** ms since the archive's createdAt */
  startTimeOffset: number;
  stopTimeOffset: number;
  /**
   * how many chunks were sent (the last seq + 1; 0 when nothing was recorded). Clients that leave it out are
   * taken to have sent every chunk before the finish.
   */
  chunks?: number;
  /** composed only: why this recorder ended (e.g. 'recorder left' when another client took over) */
  note?: string;
}

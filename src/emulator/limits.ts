/** Limits and grace periods of the emulator, with the defaults a local user gets. Tests shorten them. */

export interface EmulatorLimits {
  /** largest single media chunk accepted by PUT /media/… (413 above) */
  maxChunkBytes: number;
  /** largest total of media per archive (413 above) */
  maxArchiveBytes: number;
  /** an archive stops by itself with reason "maximum duration exceeded" after this long */
  maxArchiveDurationMs: number;
  /** when the last client leaves, a running archive stops ("session ended") after this long (platform: 60 s) */
  emptySessionGraceMs: number;
  /** after a stop, how long uploads may still finish before the archive is assembled from what arrived */
  finishDeadlineMs: number;
  /** how long a connection that dropped without goodbye can be resumed before others see it leave */
  reconnectGraceMs: number;
  /** WebSocket ping interval; a socket that answers none of two pings in a row is dropped */
  pingIntervalMs: number;
  /** bytes a realtime socket may hold unsent (the client is not reading) before it is closed */
  maxSocketBufferBytes: number;
  /** how long the download link in an archive's `url` stays valid (platform: 10 minutes) */
  downloadUrlTtlMs: number;
  /** clock skew tolerated on the `exp` of REST JWTs and client tokens */
  clockSkewMs: number;
  /** after an assembly failed for the disk's sake (full, an I/O error), the wait before the first retry */
  assemblyRetryFirstMs: number;
  /** the longest wait between retries; each failure doubles the wait up to this */
  assemblyRetryMaxMs: number;
}

export const DEFAULT_LIMITS: EmulatorLimits = Object.freeze({
  maxChunkBytes: 16 * 1024 * 1024,
  maxArchiveBytes: 1024 * 1024 * 1024,
  // 2 hours: the limit the Ruby 4.x and Python SDKs document (docs/platform.md §5.4)
  maxArchiveDurationMs: 2 * 60 * 60 * 1000,
  emptySessionGraceMs: 60_000,
  finishDeadlineMs: 30_000,
  reconnectGraceMs: 10_000,
  pingIntervalMs: 15_000,
  maxSocketBufferBytes: 1024 * 1024,
  downloadUrlTtlMs: 10 * 60 * 1000,
  clockSkewMs: 30_000,
  assemblyRetryFirstMs: 1000,
  assemblyRetryMaxMs: 60_000,
});

export function resolveLimits(overrides: Partial<EmulatorLimits> | undefined): EmulatorLimits {
  return Object.freeze({ ...DEFAULT_LIMITS, ...overrides });
}

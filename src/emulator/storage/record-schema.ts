/**
 * The shape every stored session and archive must have to be loaded, checked at start: a record that would
 * build a path (an archive file, an upload folder) passes the same ID rules as a request first.
 */
import { z } from 'zod';
import { MAX_UPLOAD_CHUNKS } from '../../protocol/media-upload';
import type { ArchiveRecord, SessionRecord } from './records';
import { SAFE_ID_PATTERN, SESSION_ID_PATTERN, archiveFileName, isUploadKey } from './record-ids';

const epochMs = z.number().int().min(0);
const safeId = z.string().regex(SAFE_ID_PATTERN, 'must be 1 to 64 letters, digits, _ or -');

export const sessionRecordSchema: z.ZodType<SessionRecord> = z.object({
  sessionId: z.string().regex(SESSION_ID_PATTERN, 'is not a session ID in the platform format'),
  apiKey: z.string().min(1),
  mediaMode: z.enum(['relayed', 'routed']),
  archiveMode: z.enum(['manual', 'always']),
  location: z.string(),
  e2ee: z.boolean(),
  archiveName: z.string().nullable(),
  archiveResolution: z.string().nullable(),
  createdAt: epochMs,
});

const uploadRecordSchema = z.object({
  streamId: z.string().min(1),
  connectionId: z.string().min(1),
  connectionData: z.string(),
  videoType: z.enum(['camera', 'screen', 'custom']),
  nextSeq: z.number().int().min(0),
  bytes: z.number().int().min(0),
  finished: z.boolean(),
  // Records saved before finishes carried a count have none.
  chunksSent: z.number().int().min(0).max(MAX_UPLOAD_CHUNKS).optional(),
  startTimeOffset: z.number().min(0).nullable(),
  stopTimeOffset: z.number().min(0).nullable(),
  note: z.string().nullable(),
});

export const archiveRecordSchema: z.ZodType<ArchiveRecord> = z
  .object({
    id: safeId,
    apiKey: z.string().min(1),
    sessionId: z.string().min(1),
    name: z.string().nullable(),
    status: z.enum(['started', 'paused', 'stopped', 'available', 'failed', 'deleted']),
    reason: z.enum(['', 'user initiated', 'session ended', 'maximum duration exceeded', 'failure']),
    createdAt: epochMs,
    updatedAt: epochMs,
    stoppedAt: epochMs.nullable(),
    size: z.number().int().min(0),
    duration: z.number().min(0),
    outputMode: z.enum(['composed', 'individual']),
    hasAudio: z.boolean(),
    hasVideo: z.boolean(),
    resolution: z.string().nullable(),
    streamMode: z.enum(['auto', 'manual']),
    layout: z
      .object({
        type: z.string(),
        stylesheet: z.string().optional(),
        screenshareType: z.string().optional(),
      })
      .nullable(),
    multiArchiveTag: z.string().nullable(),
    maxBitrate: z.number().nullable(),
    quantizationParameter: z.number().nullable(),
    streams: z.array(z.object({ streamId: z.string(), hasAudio: z.boolean(), hasVideo: z.boolean() })),
    sha256sum: z.string(),
    uploads: z.record(
      z.string().refine(isUploadKey, 'is not an upload key (a stream ID, or composed~ and a connection ID)'),
      uploadRecordSchema,
    ),
    recorders: z.array(
      z.object({
        connectionId: z.string().min(1),
        electedAt: epochMs,
        endedAt: epochMs.nullable(),
        note: z.string().nullable(),
      }),
    ),
    file: z
      .object({
        fileName: z.string(),
        contentType: z.enum(['application/zip', 'video/webm']),
      })
      .nullable(),
  })
  .superRefine((archive, context) => {
    // The file name is derived, never trusted: a stored name is a path the download would serve.
    if (archive.file && archive.file.fileName !== archiveFileName(archive.id, archive.file.contentType)) {
      context.addIssue({
        code: 'custom',
        path: ['file', 'fileName'],
        message: `must be ${archiveFileName(archive.id, archive.file.contentType)}`,
      });
    }
  });

const MAX_ISSUES_SHOWN = 3;

/** The first issue's field, dotted; null when the value as a whole is wrong. */
export function fieldOf(error: z.ZodError, prefix: readonly PropertyKey[] = []): string | null {
  const path = [...prefix, ...(error.issues[0]?.path ?? [])];
  return path.length > 0 ? path.map(String).join('.') : null;
}

/** The issues of a parse, `field: message`, at most a few of them. */
export function describeRecordIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): string {
  const shown = error.issues.slice(0, MAX_ISSUES_SHOWN).map((issue) => {
    const path = [...prefix, ...issue.path].map(String).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  const more = error.issues.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ');
}

/** GET /archive/:archiveId/streams: the streams of an individual recording, read from the manifest in its zip. */
import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import type { OpenTok } from '../../sdk';
import { HttpError } from '../errors';
import { formatDuration, formatSize } from './history-view';
import { rethrowRefusal } from './platform-refusals';
import { readZipEntry, ZipReadError } from './ranged-zip';

export interface StreamRow {
  streamId: string;
  /** The publisher's display name from its connection data, when it carries one. */
  name: string | null;
  videoType: string | null;
  startOffsetMs: number;
  stopOffsetMs: number;
  /** "0:03 – 1:12" from the recording's start. */
  spanText: string;
  durationText: string;
  sizeText: string;
}

export interface StreamList {
  id: string;
  streams: StreamRow[];
}

/** A manifest of a few hundred streams is a few hundred kB; anything far beyond is not one. */
const MAX_MANIFEST_BYTES = 1024 * 1024;
const MAX_NAME_LENGTH = 100;

// Only the fields the list shows; the manifest has more (docs/platform.md §7), and unknown ones are ignored.
const manifestSchema = z.object({
  files: z
    .array(
      z.object({
        filename: z.string(),
        streamId: z.string().optional(),
        startTimeOffset: z.number().nonnegative(),
        stopTimeOffset: z.number().nonnegative(),
        size: z.number().nonnegative(),
        videoType: z.string().optional(),
        connectionData: z.string().optional(),
      }),
    )
    .max(10_000),
});

export function createArchiveStreamsHandler(deps: {
  opentok: OpenTok;
  readArchiveId: (req: Request) => string;
  /** The zip is read with this fetch; the global one when absent. */
  fetch?: typeof fetch;
}): RequestHandler {
  return async (req, res) => {
    const archive = await deps.opentok.archives
      .find(deps.readArchiveId(req))
      .catch(rethrowRefusal('download'));
    if (archive.outputMode !== 'individual') {
      throw new HttpError({
        status: 409,
        message: 'This recording is composed: one video of everyone, with no separate streams to list.',
      });
    }
    if (archive.status !== 'available' || !archive.url) {
      throw new HttpError({
        status: 409,
        message: 'The streams of a recording can be listed once it is available. Reload the history page.',
      });
    }
    const bytes = await readZipEntry({
      url: archive.url,
      entryName: `${archive.id}.json`,
      maxEntryBytes: MAX_MANIFEST_BYTES,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    }).catch(explainZipFailure);
    if (!bytes) {
      throw new HttpError({
        status: 502,
        message: 'The recording’s zip has no list of its streams. Download it to see the files inside.',
      });
    }
    const body: StreamList = { id: archive.id, streams: readStreams(bytes) };
    res.set('Cache-Control', 'no-store');
    res.json(body);
  };
}

/** The manifest's files as rows, in the order the recording started them. */
export function readStreams(manifest: Buffer): StreamRow[] {
  let parsed: z.infer<typeof manifestSchema>;
  try {
    parsed = manifestSchema.parse(JSON.parse(manifest.toString('utf8')));
  } catch (error) {
    throw new HttpError({
      status: 502,
      message:
        'The list of streams in the recording’s zip could not be read. Download it to see the files inside.',
      cause: error,
    });
  }
  return parsed.files
    .map((file) => ({
      streamId: file.streamId ?? file.filename,
      name: readDisplayName(file.connectionData),
      videoType: file.videoType ?? null,
      startOffsetMs: file.startTimeOffset,
      stopOffsetMs: file.stopTimeOffset,
      spanText: `${formatOffset(file.startTimeOffset)} – ${formatOffset(file.stopTimeOffset)}`,
      durationText: formatDuration((file.stopTimeOffset - file.startTimeOffset) / 1000),
      sizeText: formatSize(file.size),
    }))
    .sort((a, b) => a.startOffsetMs - b.startOffsetMs);
}

/**
 * Connection data is whatever the app put in the token: a name as `{"name": …}` JSON or as a `name=…` form
 * field is shown; other data is not a name and is left out.
 */
export function readDisplayName(connectionData: string | undefined): string | null {
  if (!connectionData) return null;
  let name: unknown;
  if (connectionData.trimStart().startsWith('{')) {
    try {
      name = (JSON.parse(connectionData) as { name?: unknown }).name;
    } catch {
      return null;
    }
  } else {
    name = new URLSearchParams(connectionData).get('name');
  }
  if (typeof name !== 'string') return null;
  // Controls become spaces; bidi overrides and isolates, which could turn the text after them around, go.
  const clean = name
    .replace(/\p{Cc}/gu, ' ')
    .replace(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu, '')
    .trim();
  return clean ? clean.slice(0, MAX_NAME_LENGTH) : null;
}

/** Milliseconds from the recording's start as "m:ss". */
function formatOffset(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

function explainZipFailure(error: unknown): never {
  if (!(error instanceof ZipReadError)) throw error;
  const message =
    error.reason === 'unreachable'
      ? 'The recording’s file could not be reached just now. Try again in a moment.'
      : 'The list of streams could not be read from the recording’s zip. Download it to see the files inside.';
  throw new HttpError({ status: 502, message, cause: error });
}

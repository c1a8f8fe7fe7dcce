/** GET /archive/:archiveId: one recording's state for the host page, so it can say what happened while it was away. */
import type { Request, RequestHandler } from 'express';
import { ArchiveError, type Archive, type OpenTok } from '../../sdk';
import { HttpError } from '../errors';

/** What the page learns: no download URL or password, which the platform also returns. */
export interface ArchiveStatus {
  id: string;
  name: string | null;
  status: Archive['status'];
  /** The platform's words for why it stopped (docs/platform.md §5.3); "" while recording. */
  reason: string;
  outputMode: Archive['outputMode'];
  hasAudio: boolean;
  hasVideo: boolean;
  createdAt: number;
}

export interface ArchiveStatusDeps {
  opentok: OpenTok;
  /** The route's archive ID, checked as on every other archive route. */
  readArchiveId: (req: Request) => string;
}

export function createArchiveStatusHandler({ opentok, readArchiveId }: ArchiveStatusDeps): RequestHandler {
  return async (req, res) => {
    const archive = await opentok.archives.find(readArchiveId(req)).catch(explainNotFound);
    res.set('Cache-Control', 'no-store');
    res.json(toArchiveStatus(archive));
  };
}

export function toArchiveStatus(archive: Archive): ArchiveStatus {
  return {
    id: archive.id,
    name: archive.name ?? null,
    status: archive.status,
    reason: archive.reason,
    outputMode: archive.outputMode,
    hasAudio: archive.hasAudio,
    hasVideo: archive.hasVideo,
    createdAt: archive.createdAt,
  };
}

/** A get answers 400 for an ID it cannot read and 404 for one it does not know (docs/platform.md §5.5): to the page both are "gone". */
function explainNotFound(error: unknown): never {
  if (error instanceof ArchiveError && (error.status === 400 || error.status === 404)) {
    throw new HttpError({
      status: 404,
      message: 'That recording no longer exists. Reload the page to see the current state.',
      cause: error,
    });
  }
  throw error;
}

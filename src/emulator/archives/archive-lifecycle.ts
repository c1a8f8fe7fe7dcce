/**
 * The archive lifecycle, started ⇄ paused → stopped → available | failed → deleted, put together from modules
 * of one job each. It hears of presence from the session hub (PresenceListener), talks to clients through the
 * messenger, reads who is present from the registry, and is the only writer of archive records.
 */
import type { Logger } from 'pino';
import type { ArchiveInfo } from '../../protocol/realtime';
import type { EmulatorLimits } from '../limits';
import type { MediaFiles } from '../media/media-files';
import type { ClientMessenger } from '../realtime/client-messenger';
import type { PresenceReader, PresenceRegistry } from '../realtime/presence-registry';
import type { ArchiveStatusSource, PresenceListener } from '../realtime/session-hub';
import type { ArchiveReason, ArchiveRecord } from '../storage/records';
import type { StateStore } from '../storage/state-store';
import { createArchiveAssembly } from './archive-assembly';
import { createArchiveEdits, type ArchiveEdits } from './archive-edits';
import { toArchiveInfo } from './archive-json';
import { createArchiveRecords } from './archive-records';
import { createArchiveRecording } from './archive-recording';
import { createPresenceReactions } from './presence-reactions';
import { createRecorderElection } from './recorder-election';
import type { StartArchiveOptions } from './start-options';
import { createUploadLedger, type UploadLedger } from './upload-ledger';

export type { StreamChange } from './archive-edits';
export type { Uploader } from './upload-ledger';

export interface ListArchivesQuery {
  apiKey: string;
  offset: number;
  count: number;
  sessionId?: string;
}

export interface ArchiveLifecycle extends PresenceListener, ArchiveStatusSource, ArchiveEdits, UploadLedger {
  start(apiKey: string, options: StartArchiveOptions): Promise<ArchiveRecord>;
  stop(archiveId: string, reason: ArchiveReason): Promise<ArchiveRecord>;
  /** the archive, if it belongs to this API key; a 404 PlatformError otherwise */
  get(apiKey: string, archiveId: string): ArchiveRecord;
  /** the archive, whoever it belongs to (the upload and download APIs check access their own way) */
  find(archiveId: string): ArchiveRecord | undefined;
  /** newest first, without deleted archives; `count` is the total */
  list(query: ListArchivesQuery): { count: number; items: ArchiveRecord[] };
  /** true while uploads for this archive may still arrive */
  isAcceptingMedia(archive: ArchiveRecord): boolean;
  /** the layout classes of the session's streams changed: the recorders of its composed archives are told */
  streamClassesChanged(sessionId: string): void;
  /** after a restart: archives that were recording are stopped and assembled from what arrived */
  recover(): Promise<void>;
  close(): Promise<void>;
}

export function createArchiveLifecycle(deps: {
  store: StateStore;
  media: MediaFiles;
  presence: PresenceReader & Pick<PresenceRegistry, 'releaseDeparted' | 'streamsOf'>;
  messenger: ClientMessenger;
  clock: () => number;
  limits: EmulatorLimits;
  logger: Logger;
}): ArchiveLifecycle {
  const { media, presence, messenger, clock, limits, logger } = deps;
  const records = createArchiveRecords({ store: deps.store, logger });
  const election = createRecorderElection({ records, presence, messenger, clock });
  const assembly = createArchiveAssembly({
    records,
    media,
    presence,
    finishDeadlineMs: limits.finishDeadlineMs,
    retryDelays: { firstMs: limits.assemblyRetryFirstMs, maxMs: limits.assemblyRetryMaxMs },
    clock,
    logger,
  });
  const recording = createArchiveRecording({
    sessions: deps.store,
    records,
    presence,
    messenger,
    election,
    assembly,
    maxArchiveDurationMs: limits.maxArchiveDurationMs,
    clock,
    logger,
  });
  const reactions = createPresenceReactions({
    records,
    presence,
    election,
    recording,
    assembly,
    emptySessionGraceMs: limits.emptySessionGraceMs,
    logger,
  });
  const edits = createArchiveEdits({ records, media, presence, election, clock });
  const ledger = createUploadLedger({ records, assembly, clock });

  return {
    start: recording.start,
    stop: recording.stop,
    get: records.require,
    find: records.find,

    list({ apiKey, offset, count, sessionId }) {
      // Reversed first so that archives started in the same millisecond still list newest first (stable sort).
      const matching = records
        .list({ sessionId })
        .reverse()
        .filter((a) => a.apiKey === apiKey && a.status !== 'deleted')
        .sort((a, b) => b.createdAt - a.createdAt);
      return { count: matching.length, items: matching.slice(offset, offset + count) };
    },

    remove: edits.remove,
    setLayout: edits.setLayout,
    changeStreams: edits.changeStreams,

    isAcceptingMedia: assembly.isAcceptingMedia,
    recordChunk: ledger.recordChunk,
    recordFinish: ledger.recordFinish,

    currentArchive(sessionId): ArchiveInfo | null {
      const oldest = records.running(sessionId).sort((a, b) => a.createdAt - b.createdAt)[0];
      return oldest ? toArchiveInfo(oldest) : null;
    },
    connectionCreated: reactions.connectionCreated,
    connectionDestroyed: reactions.connectionDestroyed,
    streamsChanged(sessionId) {
      reactions.streamsChanged(sessionId);
      // A stream published while recording starts with its token's layout classes, which the recorder needs.
      election.announceLayouts(sessionId);
    },
    streamClassesChanged: election.announceLayouts,

    recover: assembly.recover,

    async close() {
      recording.close();
      reactions.close();
      await assembly.close();
      await records.save();
    },
  };
}

/**
 * Starting and stopping archives: a start checks the session and its clients and tells them; a recording
 * pauses while nobody publishes, and stops by a stop call, at its maximum length, or when the session empties.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { badRequest, conflict, notFound } from '../errors';
import type { ClientMessenger } from '../realtime/client-messenger';
import type { PresenceReader } from '../realtime/presence-registry';
import type { ArchiveReason, ArchiveRecord } from '../storage/records';
import type { StateStore } from '../storage/state-store';
import type { ArchiveAssembly } from './archive-assembly';
import { toArchiveInfo } from './archive-json';
import { currentRecorder, isRunning, markStopped, type ArchiveRecords } from './archive-records';
import { createKeyedTimers } from './keyed-timers';
import type { RecorderElection } from './recorder-election';
import type { StartArchiveOptions } from './start-options';

export interface ArchiveRecording {
  start(apiKey: string, options: StartArchiveOptions): Promise<ArchiveRecord>;
  stop(archiveId: string, reason: ArchiveReason): Promise<ArchiveRecord>;
  /** started while someone publishes, paused while nobody does; true when the status changed */
  updatePaused(archiveId: string): boolean;
  /** a session created with archiveMode always records a composed archive whenever a client is there */
  startAlwaysArchive(sessionId: string): void;
  /** cancels the maximum-length timers */
  close(): void;
}

const NOT_RECORDING_MESSAGE = 'Conflict. You are trying to stop an archive that is not recording.';

export function createArchiveRecording(deps: {
  sessions: Pick<StateStore, 'getSession'>;
  records: ArchiveRecords;
  presence: Pick<PresenceReader, 'connectionIds' | 'streamCount'>;
  messenger: ClientMessenger;
  election: RecorderElection;
  assembly: Pick<ArchiveAssembly, 'scheduleAfterStop'>;
  maxArchiveDurationMs: number;
  clock: () => number;
  logger: Logger;
}): ArchiveRecording {
  const { records, presence, messenger, clock, logger } = deps;
  const lengthLimits = createKeyedTimers(logger);

  const updatePaused = (archiveId: string): boolean => {
    const archive = records.find(archiveId);
    if (!archive) return false;
    const next = presence.streamCount(archive.sessionId) > 0 ? 'started' : 'paused';
    if (archive.status === next) return false;
    records.update(archiveId, (a) => {
      a.status = next;
      a.updatedAt = clock();
    });
    return true;
  };

  const stop = async (archiveId: string, reason: ArchiveReason): Promise<ArchiveRecord> => {
    const archive = records.find(archiveId);
    if (!archive) throw notFound('Not found. You passed in an invalid archive ID.');
    if (!isRunning(archive)) throw conflict(NOT_RECORDING_MESSAGE);
    const recorder = currentRecorder(archive);
    const stopped = records.update(archiveId, (a) => {
      markStopped(a, clock(), reason);
    });
    lengthLimits.clear(archiveId);
    if (recorder) deps.election.dismiss(archiveId, recorder);
    messenger.broadcast(stopped.sessionId, { type: 'archiveStopped', archive: toArchiveInfo(stopped) });
    await records.save();
    deps.assembly.scheduleAfterStop(archiveId);
    return stopped;
  };

  const start = async (apiKey: string, options: StartArchiveOptions): Promise<ArchiveRecord> => {
    const session = deps.sessions.getSession(options.sessionId);
    if (!session || session.apiKey !== apiKey) throw notFound('Not found. The session does not exist.');
    if (session.mediaMode === 'relayed') {
      throw conflict(
        'Conflict. Only routed sessions can be archived; create the session with mediaMode routed.',
      );
    }
    const tag = options.multiArchiveTag;
    if (records.running(session.sessionId).some((a) => a.multiArchiveTag === tag)) {
      throw conflict('Conflict. The session is already being recorded.');
    }
    if (presence.connectionIds(session.sessionId).length === 0) {
      throw badRequest('Invalid request. No clients are actively connected to the session.');
    }
    const now = clock();
    const archive: ArchiveRecord = {
      id: randomUUID(),
      apiKey,
      sessionId: session.sessionId,
      name: options.name,
      status: 'started',
      reason: '',
      createdAt: now,
      updatedAt: now,
      stoppedAt: null,
      size: 0,
      duration: 0,
      outputMode: options.outputMode,
      hasAudio: options.hasAudio,
      hasVideo: options.hasVideo,
      resolution: options.resolution,
      streamMode: options.streamMode,
      layout: options.layout,
      multiArchiveTag: tag,
      maxBitrate: options.maxBitrate,
      quantizationParameter: options.quantizationParameter,
      streams: [],
      sha256sum: '',
      uploads: {},
      recorders: [],
      file: null,
    };
    records.create(archive);
    messenger.broadcast(archive.sessionId, { type: 'archiveStarted', archive: toArchiveInfo(archive) });
    if (archive.outputMode === 'composed') deps.election.elect(archive.id);
    // opentok-node rejects a start reply whose status is not "started" (docs/platform.md §5.4), so the reply says
    // started and the stored archive pauses right after when nobody publishes.
    const reply = records.require(apiKey, archive.id);
    updatePaused(archive.id);
    lengthLimits.start(archive.id, deps.maxArchiveDurationMs, () =>
      stop(archive.id, 'maximum duration exceeded'),
    );
    await records.save();
    return reply;
  };

  return {
    start,
    stop,
    updatePaused,

    startAlwaysArchive(sessionId) {
      const session = deps.sessions.getSession(sessionId);
      if (!session || session.archiveMode !== 'always') return;
      if (records.running(sessionId).some((a) => a.multiArchiveTag === null)) return;
      start(session.apiKey, {
        sessionId,
        name: session.archiveName,
        hasAudio: true,
        hasVideo: true,
        outputMode: 'composed',
        resolution: session.archiveResolution ?? '640x480',
        layout: null,
        streamMode: 'auto',
        multiArchiveTag: null,
        maxBitrate: null,
        quantizationParameter: null,
      }).catch((error: unknown) =>
        logger.error({ err: error, sessionId }, 'could not start the automatic archive'),
      );
    },

    close() {
      lengthLimits.close();
    },
  };
}

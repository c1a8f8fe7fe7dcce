/** Archive lifecycle: started ⇄ paused → stopped → available | failed → deleted, driven by REST calls, presence and timers. */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { PlatformError, badRequest, conflict, notFound } from '../errors';
import type { EmulatorLimits } from '../limits';
import type { MediaFiles } from '../media/media-files';
import type { ArchiveInfo } from '../../protocol/realtime';
import type { PresenceListener, SessionHub } from '../realtime/session-hub';
import type { ArchiveLayout, ArchiveReason, ArchiveRecord, StateStore } from '../storage/state-store';
import type { StartArchiveOptions } from './start-options';

export interface ListArchivesQuery {
  apiKey: string;
  offset: number;
  count: number;
  sessionId?: string;
}

export type StreamChange =
  { addStream: string; hasAudio: boolean; hasVideo: boolean } | { removeStream: string };

export interface ArchiveLifecycle extends PresenceListener {
  start(apiKey: string, options: StartArchiveOptions): Promise<ArchiveRecord>;
  stop(archiveId: string, reason: ArchiveReason): Promise<ArchiveRecord>;
  get(apiKey: string, archiveId: string): ArchiveRecord;
  list(query: ListArchivesQuery): { count: number; items: ArchiveRecord[] };
  remove(apiKey: string, archiveId: string): Promise<void>;
  setLayout(apiKey: string, archiveId: string, layout: ArchiveLayout): Promise<void>;
  changeStreams(apiKey: string, archiveId: string, change: StreamChange): Promise<void>;
  /** true while uploads for this archive may still arrive */
  isAcceptingMedia(archive: ArchiveRecord): boolean;
  /** an upload finished: assemble the archive when it was the last one */
  onUploadFinished(archiveId: string): void;
  /** after a restart: archives that were recording are stopped and assembled from what arrived */
  recover(): Promise<void>;
  close(): Promise<void>;
}

const NOT_RECORDING_MESSAGE = 'Conflict. You are trying to stop an archive that is not recording.';
const DELETABLE: ReadonlySet<ArchiveRecord['status']> = new Set(['available', 'deleted', 'failed']);

function isRunning(archive: ArchiveRecord): boolean {
  return archive.status === 'started' || archive.status === 'paused';
}

export function archiveInfoOf(archive: ArchiveRecord): ArchiveInfo {
  return {
    id: archive.id,
    name: archive.name,
    outputMode: archive.outputMode,
    hasAudio: archive.hasAudio,
    hasVideo: archive.hasVideo,
    createdAt: archive.createdAt,
  };
}

export function createArchiveLifecycle(deps: {
  store: StateStore;
  media: MediaFiles;
  hub: () => SessionHub;
  clock: () => number;
  limits: EmulatorLimits;
  logger: Logger;
}): ArchiveLifecycle {
  const { store, media, clock, limits, logger } = deps;
  const maxDurationTimers = new Map<string, NodeJS.Timeout>();
  const finishDeadlineTimers = new Map<string, NodeJS.Timeout>();
  const emptySessionTimers = new Map<string, NodeJS.Timeout>();
  const assembling = new Map<string, Promise<void>>();
  let closed = false;

  const persist = (): void => {
    store.save().catch((error: unknown) => logger.error({ err: error }, 'could not save emulator state'));
  };

  const startTimer = (
    map: Map<string, NodeJS.Timeout>,
    key: string,
    ms: number,
    task: () => Promise<unknown>,
  ): void => {
    clearTimer(map, key);
    const timer = setTimeout(() => {
      map.delete(key);
      if (closed) return;
      task().catch((error: unknown) => logger.error({ err: error, key }, 'archive timer task failed'));
    }, ms);
    timer.unref();
    map.set(key, timer);
  };

  function clearTimer(map: Map<string, NodeJS.Timeout>, key: string): void {
    const timer = map.get(key);
    if (timer) clearTimeout(timer);
    map.delete(key);
  }

  const runningArchivesOf = (sessionId: string): ArchiveRecord[] =>
    [...store.archives.values()].filter((a) => a.sessionId === sessionId && isRunning(a));

  const requireArchive = (apiKey: string, archiveId: string): ArchiveRecord => {
    const archive = store.archives.get(archiveId);
    if (!archive || archive.apiKey !== apiKey)
      throw notFound('Not found. You passed in an invalid archive ID.');
    return archive;
  };

  const touch = (archive: ArchiveRecord): void => {
    archive.updatedAt = clock();
  };

  const currentRecorder = (archive: ArchiveRecord) => archive.recorders.find((r) => r.endedAt === null);

  /** Composed archives are recorded by one client: the oldest connection allowed to subscribe. */
  const electRecorder = (archive: ArchiveRecord, excludeId?: string): void => {
    const chosen = deps
      .hub()
      .subscriberCapableIds(archive.sessionId)
      .find((id) => id !== excludeId);
    if (!chosen) return;
    archive.recorders.push({ connectionId: chosen, electedAt: clock(), endedAt: null, note: null });
    deps.hub().sendTo(chosen, { type: 'recorderElected', archiveId: archive.id, recording: true });
  };

  const updatePaused = (archive: ArchiveRecord): boolean => {
    const publishing = deps.hub().streamCount(archive.sessionId) > 0;
    const next = publishing ? 'started' : 'paused';
    if (archive.status === next) return false;
    archive.status = next;
    touch(archive);
    return true;
  };

  const assemble = (archive: ArchiveRecord): Promise<void> => {
    const running = assembling.get(archive.id);
    if (running) return running;
    clearTimer(finishDeadlineTimers, archive.id);
    const task = (async () => {
      try {
        const file = await media.assemble(archive);
        if (file) {
          archive.status = 'available';
          archive.size = file.size;
          archive.sha256sum = file.sha256sum;
          archive.file = { fileName: file.fileName, contentType: file.contentType };
        } else {
          archive.status = 'failed';
          archive.reason = 'failure';
        }
      } catch (error) {
        logger.error({ err: error, archiveId: archive.id }, 'archive assembly failed');
        archive.status = 'failed';
        archive.reason = 'failure';
      }
      touch(archive);
      try {
        await store.save();
        // Only once the state on disk says available: until then a restart assembles again from the chunks.
        if (archive.status === 'available') await media.removeChunks(archive.id);
      } catch (error) {
        // Not saved: the next start finds the archive stopped and assembles it again. Chunks left on disk
        // are removed by the next start's clean-up.
        logger.error(
          { err: error, archiveId: archive.id },
          'could not save or clean up an assembled archive',
        );
      }
      logger.info({ archiveId: archive.id, status: archive.status, size: archive.size }, 'archive assembled');
    })().finally(() => {
      assembling.delete(archive.id);
      // The archive takes no more media: clients that left need their upload credentials no longer.
      deps.hub().releaseDeparted(archive.sessionId);
    });
    assembling.set(archive.id, task);
    return task;
  };

  /** Assembly started from an event or timer: it must never become an unhandled rejection of the process. */
  const assembleInBackground = (archive: ArchiveRecord): void => {
    assemble(archive).catch((error: unknown) =>
      logger.error({ err: error, archiveId: archive.id }, 'archive assembly failed'),
    );
  };

  const isAcceptingMedia = (archive: ArchiveRecord): boolean =>
    isRunning(archive) || (archive.status === 'stopped' && !assembling.has(archive.id));

  const allUploadsFinished = (archive: ArchiveRecord): boolean => {
    const uploads = Object.values(archive.uploads);
    return uploads.length > 0 && uploads.every((u) => u.finished);
  };

  const scheduleAssembly = (archive: ArchiveRecord): void => {
    if (allUploadsFinished(archive)) {
      assembleInBackground(archive);
      return;
    }
    startTimer(finishDeadlineTimers, archive.id, limits.finishDeadlineMs, () => assemble(archive));
  };

  /** The one place a recording ends: by a stop now, or, after a crash, when its media last arrived. */
  const markStopped = (archive: ArchiveRecord, at: number, reason: ArchiveReason) => {
    archive.status = 'stopped';
    archive.reason = reason;
    archive.stoppedAt = at;
    archive.duration = Math.round(Math.max(0, at - archive.createdAt) / 1000);
    archive.updatedAt = at;
    const recorder = currentRecorder(archive);
    if (recorder) recorder.endedAt = at;
    return recorder;
  };

  const stop = async (archiveId: string, reason: ArchiveReason): Promise<ArchiveRecord> => {
    const archive = store.archives.get(archiveId);
    if (!archive) throw notFound('Not found. You passed in an invalid archive ID.');
    if (!isRunning(archive)) throw conflict(NOT_RECORDING_MESSAGE);
    const recorder = markStopped(archive, clock(), reason);
    clearTimer(maxDurationTimers, archive.id);
    if (recorder) {
      deps
        .hub()
        .sendTo(recorder.connectionId, { type: 'recorderElected', archiveId: archive.id, recording: false });
    }
    deps.hub().broadcast(archive.sessionId, { type: 'archiveStopped', archive: archiveInfoOf(archive) });
    const snapshot = structuredClone(archive);
    await store.save();
    scheduleAssembly(archive);
    return snapshot;
  };

  const start = async (apiKey: string, options: StartArchiveOptions): Promise<ArchiveRecord> => {
    const session = store.sessions.get(options.sessionId);
    if (!session || session.apiKey !== apiKey) throw notFound('Not found. The session does not exist.');
    if (session.mediaMode === 'relayed') {
      throw conflict(
        'Conflict. Only routed sessions can be archived; create the session with mediaMode routed.',
      );
    }
    const tag = options.multiArchiveTag;
    if (runningArchivesOf(session.sessionId).some((a) => a.multiArchiveTag === tag)) {
      throw conflict('Conflict. The session is already being recorded.');
    }
    if (deps.hub().connectionIds(session.sessionId).length === 0) {
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
    store.archives.set(archive.id, archive);
    deps.hub().broadcast(archive.sessionId, { type: 'archiveStarted', archive: archiveInfoOf(archive) });
    if (archive.outputMode === 'composed') electRecorder(archive);
    // opentok-node rejects a start reply whose status is not "started" (reference §5.4), so the reply says
    // started and the stored archive pauses right after when nobody publishes.
    const snapshot = structuredClone(archive);
    updatePaused(archive);
    startTimer(maxDurationTimers, archive.id, limits.maxArchiveDurationMs, () =>
      stop(archive.id, 'maximum duration exceeded'),
    );
    await store.save();
    return snapshot;
  };

  const autoStartAlwaysArchive = (sessionId: string): void => {
    const session = store.sessions.get(sessionId);
    if (!session || session.archiveMode !== 'always') return;
    if (runningArchivesOf(sessionId).some((a) => a.multiArchiveTag === null)) return;
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
  };

  return {
    start,
    stop,

    get: requireArchive,

    list({ apiKey, offset, count, sessionId }) {
      // Reversed first so that archives started in the same millisecond still list newest first (stable sort).
      const matching = [...store.archives.values()]
        .reverse()
        .filter((a) => a.apiKey === apiKey && a.status !== 'deleted')
        .filter((a) => sessionId === undefined || a.sessionId === sessionId)
        .sort((a, b) => b.createdAt - a.createdAt);
      return { count: matching.length, items: matching.slice(offset, offset + count) };
    },

    async remove(apiKey, archiveId) {
      const archive = requireArchive(apiKey, archiveId);
      // A deliberate choice: the platform deletes available, uploaded and deleted archives and answers 409
      // otherwise (reference §5.4), but whether a failed (or expired) archive can be deleted is unknown there,
      // and the official SDKs do not check the status before a delete. Here a failed archive can be deleted,
      // because a local recording that failed must be removable from the list and its chunks from the disk.
      if (!DELETABLE.has(archive.status)) {
        throw conflict(
          `Conflict. You can only delete an archive that is available or failed; this one is ${archive.status}.`,
        );
      }
      // Saved as deleted before the files go: a crash in between leaves an orphan file, which the next
      // start removes, instead of an archive listed as available whose file is gone.
      const files = structuredClone(archive);
      archive.status = 'deleted';
      archive.file = null;
      touch(archive);
      await store.save();
      await media.removeArchive(files);
    },

    async setLayout(apiKey, archiveId, layout) {
      const archive = requireArchive(apiKey, archiveId);
      if (archive.outputMode !== 'composed')
        throw badRequest('Invalid request. Only composed archives have a layout.');
      if (!isRunning(archive)) throw conflict('Conflict. The archive is not recording.');
      archive.layout = layout;
      touch(archive);
      await store.save();
    },

    async changeStreams(apiKey, archiveId, change) {
      const archive = requireArchive(apiKey, archiveId);
      if (archive.streamMode !== 'manual') {
        throw new PlatformError({
          status: 405,
          message: 'Method not allowed. The archive is in automatic stream mode.',
        });
      }
      if ('addStream' in change) {
        const known = deps.hub().knownStream(change.addStream);
        if (!known || known.sessionId !== archive.sessionId)
          throw notFound('Not found. The stream does not exist.');
        archive.streams = archive.streams.filter((s) => s.streamId !== change.addStream);
        archive.streams.push({
          streamId: change.addStream,
          hasAudio: change.hasAudio,
          hasVideo: change.hasVideo,
        });
      } else {
        if (!archive.streams.some((s) => s.streamId === change.removeStream)) {
          throw notFound('Not found. The stream is not in the archive.');
        }
        archive.streams = archive.streams.filter((s) => s.streamId !== change.removeStream);
      }
      touch(archive);
      await store.save();
    },

    isAcceptingMedia,

    onUploadFinished(archiveId) {
      const archive = store.archives.get(archiveId);
      if (archive?.status === 'stopped' && allUploadsFinished(archive)) assembleInBackground(archive);
    },

    currentArchive(sessionId) {
      const running = runningArchivesOf(sessionId).sort((a, b) => a.createdAt - b.createdAt)[0];
      return running ? archiveInfoOf(running) : null;
    },

    onConnectionCreated(sessionId) {
      clearTimer(emptySessionTimers, sessionId);
      let changed = false;
      for (const archive of runningArchivesOf(sessionId)) {
        if (archive.outputMode !== 'composed' || currentRecorder(archive)) continue;
        const before = archive.recorders.length;
        electRecorder(archive);
        changed = changed || archive.recorders.length !== before;
      }
      if (changed) persist();
      autoStartAlwaysArchive(sessionId);
    },

    onConnectionDestroyed(sessionId, connectionId) {
      const running = runningArchivesOf(sessionId);
      for (const archive of running) {
        const recorder = currentRecorder(archive);
        if (recorder?.connectionId !== connectionId) continue;
        recorder.endedAt = clock();
        recorder.note = 'recorder left';
        electRecorder(archive, connectionId);
      }
      if (running.length > 0) persist();
      if (running.length > 0 && deps.hub().connectionIds(sessionId).length === 0) {
        // The platform stops an archive 60 s after the last client leaves (reference §5.4).
        startTimer(emptySessionTimers, sessionId, limits.emptySessionGraceMs, async () => {
          for (const archive of runningArchivesOf(sessionId)) await stop(archive.id, 'session ended');
        });
      }
    },

    awaitsUploads(sessionId, at) {
      return [...store.archives.values()].some(
        (a) => a.sessionId === sessionId && a.createdAt <= at && isAcceptingMedia(a),
      );
    },

    onStreamsChanged(sessionId) {
      let changed = false;
      for (const archive of runningArchivesOf(sessionId)) changed = updatePaused(archive) || changed;
      if (changed) persist();
    },

    async recover() {
      for (const archive of store.archives.values()) {
        // The recording ended when the emulator went down, not when it came back: the last change saved (a
        // chunk arriving, a pause, a layout) is the latest moment known to belong to the recording.
        if (isRunning(archive))
          markStopped(archive, Math.max(archive.createdAt, archive.updatedAt), 'session ended');
      }
      // Upload credentials live in memory only, so nothing more can arrive: assemble what is on disk.
      const stopped = [...store.archives.values()].filter((a) => a.status === 'stopped');
      await store.save();
      await Promise.all(stopped.map((a) => assemble(a)));
      // A crash between saving the state and touching the files can leave an archive file nobody lists
      // (a delete) or chunks already copied into an archive file (an assembly): remove both.
      const archives = [...store.archives.values()];
      await media.removeUnreferenced({
        fileNames: new Set(
          archives.flatMap((a) => (a.status === 'available' && a.file ? [a.file.fileName] : [])),
        ),
        chunkArchiveIds: new Set(
          archives.filter((a) => a.status !== 'available' && a.status !== 'deleted').map((a) => a.id),
        ),
      });
    },

    async close() {
      closed = true;
      for (const map of [maxDurationTimers, finishDeadlineTimers, emptySessionTimers]) {
        for (const timer of map.values()) clearTimeout(timer);
        map.clear();
      }
      await Promise.allSettled([...assembling.values()]);
      await store.save();
    },
  };
}

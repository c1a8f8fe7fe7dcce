/**
 * What presence means for archives: a client joining may be elected recorder or start an always-on archive, a
 * recorder leaving hands over, an empty session stops its archives after a grace period, and streams coming and
 * going pause and resume the recording.
 */
import type { Logger } from 'pino';
import type { PresenceReader } from '../realtime/presence-registry';
import type { PresenceListener } from '../realtime/session-hub';
import type { ArchiveAssembly } from './archive-assembly';
import { currentRecorder, type ArchiveRecords } from './archive-records';
import type { ArchiveRecording } from './archive-recording';
import { createKeyedTimers } from './keyed-timers';
import type { RecorderElection } from './recorder-election';

export interface PresenceReactions extends PresenceListener {
  /** cancels the empty-session timers */
  close(): void;
}

export function createPresenceReactions(deps: {
  records: ArchiveRecords;
  presence: Pick<PresenceReader, 'connectionIds'>;
  election: RecorderElection;
  recording: Pick<ArchiveRecording, 'stop' | 'updatePaused' | 'startAlwaysArchive'>;
  assembly: Pick<ArchiveAssembly, 'releaseDepartedUploaders'>;
  emptySessionGraceMs: number;
  logger: Logger;
}): PresenceReactions {
  const { records, election, recording } = deps;
  const emptySessions = createKeyedTimers(deps.logger);

  return {
    connectionCreated(sessionId) {
      emptySessions.clear(sessionId);
      let changed = false;
      for (const archive of records.running(sessionId)) {
        if (archive.outputMode !== 'composed' || currentRecorder(archive)) continue;
        changed = election.elect(archive.id) || changed;
      }
      if (changed) records.saveInBackground();
      recording.startAlwaysArchive(sessionId);
    },

    connectionDestroyed(sessionId, connectionId) {
      const running = records.running(sessionId);
      for (const archive of running) election.handOver(archive.id, connectionId);
      if (running.length > 0) records.saveInBackground();
      if (running.length > 0 && deps.presence.connectionIds(sessionId).length === 0) {
        // The platform stops an archive 60 s after the last client leaves (docs/platform.md §5.4).
        emptySessions.start(sessionId, deps.emptySessionGraceMs, async () => {
          for (const archive of records.running(sessionId)) await recording.stop(archive.id, 'session ended');
        });
      }
      deps.assembly.releaseDepartedUploaders(sessionId);
    },

    streamsChanged(sessionId) {
      let changed = false;
      for (const archive of records.running(sessionId))
        changed = recording.updatePaused(archive.id) || changed;
      if (changed) records.saveInBackground();
    },

    close() {
      emptySessions.close();
    },
  };
}

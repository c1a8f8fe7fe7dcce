/**
 * Who records a composed archive: one client, the oldest connection allowed to subscribe. It is told when it is
 * elected and when to stop; when it leaves, the next one takes over and the manifest keeps both.
 */
import type { ClientMessenger } from '../realtime/client-messenger';
import type { PresenceReader } from '../realtime/presence-registry';
import type { RecorderRecord } from '../storage/records';
import { currentRecorder, type ArchiveRecords } from './archive-records';

export interface RecorderElection {
  /** elects a recorder other than `excludeId`, if a client can record; true when one was elected */
  elect(archiveId: string, excludeId?: string): boolean;
  /** the connection left: its turn ends and the next recorder is elected; true when it was recording */
  handOver(archiveId: string, departedId: string): boolean;
  /** the archive stopped: its last recorder stops recording */
  dismiss(archiveId: string, recorder: RecorderRecord): void;
}

export function createRecorderElection(deps: {
  records: ArchiveRecords;
  presence: Pick<PresenceReader, 'subscriberCapableIds'>;
  messenger: ClientMessenger;
  clock: () => number;
}): RecorderElection {
  const { records, presence, messenger, clock } = deps;

  const elect = (archiveId: string, excludeId?: string): boolean => {
    const archive = records.find(archiveId);
    if (!archive) return false;
    const chosen = presence.subscriberCapableIds(archive.sessionId).find((id) => id !== excludeId);
    if (!chosen) return false;
    records.update(archiveId, (a) => {
      a.recorders.push({ connectionId: chosen, electedAt: clock(), endedAt: null, note: null });
    });
    messenger.sendTo(chosen, { type: 'recorderElected', archiveId, recording: true });
    return true;
  };

  return {
    elect,

    handOver(archiveId, departedId) {
      const archive = records.find(archiveId);
      if (!archive || currentRecorder(archive)?.connectionId !== departedId) return false;
      records.update(archiveId, (a) => {
        const recorder = currentRecorder(a);
        if (!recorder) return;
        recorder.endedAt = clock();
        recorder.note = 'recorder left';
      });
      elect(archiveId, departedId);
      return true;
    },

    dismiss(archiveId, recorder) {
      messenger.sendTo(recorder.connectionId, { type: 'recorderElected', archiveId, recording: false });
    },
  };
}

/**
 * Who records a composed archive: one client, the oldest connection allowed to subscribe. It is told when it is
 * elected and when to stop, and what to draw (the layout and the streams' layout classes) from its election on;
 * when it leaves, the next one takes over and the manifest keeps both.
 */
import type { ArchiveLayoutEvent, LayoutType } from '../../protocol/realtime';
import type { ClientMessenger } from '../realtime/client-messenger';
import type { PresenceReader } from '../realtime/presence-registry';
import type { ArchiveLayout, ArchiveRecord, RecorderRecord } from '../storage/records';
import { currentRecorder, isRunning, type ArchiveRecords } from './archive-records';

export interface RecorderElection {
  /** elects a recorder other than `excludeId`, if a client can record; true when one was elected */
  elect(archiveId: string, excludeId?: string): boolean;
  /** the connection left: its turn ends and the next recorder is elected; true when it was recording */
  handOver(archiveId: string, departedId: string): boolean;
  /** the archive stopped: its last recorder stops recording */
  dismiss(archiveId: string, recorder: RecorderRecord): void;
  /** tells the archive's recorder, if it has one, the layout to draw as it is now */
  announceLayout(archiveId: string): void;
  /** the same for every running composed archive of the session (its streams or their classes changed) */
  announceLayouts(sessionId: string): void;
}

const LAYOUT_TYPES: readonly LayoutType[] = [
  'bestFit',
  'custom',
  'horizontalPresentation',
  'pip',
  'verticalPresentation',
];

/** An archive started without a layout is drawn as bestFit, the platform's default (docs/platform.md §5.6). */
function toLayoutMessage(layout: ArchiveLayout | null): ArchiveLayoutEvent['layout'] {
  const type = LAYOUT_TYPES.find((t) => t === layout?.type) ?? 'bestFit';
  return layout?.stylesheet === undefined ? { type } : { type, stylesheet: layout.stylesheet };
}

export function createRecorderElection(deps: {
  records: ArchiveRecords;
  presence: Pick<PresenceReader, 'subscriberCapableIds' | 'layoutClassLists'>;
  messenger: ClientMessenger;
  clock: () => number;
}): RecorderElection {
  const { records, presence, messenger, clock } = deps;

  const sendLayout = (archive: ArchiveRecord): void => {
    const recorder = currentRecorder(archive);
    if (!recorder || archive.outputMode !== 'composed' || !isRunning(archive)) return;
    messenger.sendTo(recorder.connectionId, {
      type: 'archiveLayout',
      archiveId: archive.id,
      layout: toLayoutMessage(archive.layout),
      streamClasses: presence.layoutClassLists(archive.sessionId),
    });
  };

  const elect = (archiveId: string, excludeId?: string): boolean => {
    const archive = records.find(archiveId);
    if (!archive) return false;
    const chosen = presence.subscriberCapableIds(archive.sessionId).find((id) => id !== excludeId);
    if (!chosen) return false;
    const updated = records.update(archiveId, (a) => {
      a.recorders.push({ connectionId: chosen, electedAt: clock(), endedAt: null, note: null });
    });
    messenger.sendTo(chosen, { type: 'recorderElected', archiveId, recording: true });
    // A recorder taking over starts from the layout as it is, not from the default.
    sendLayout(updated);
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

    announceLayout(archiveId) {
      const archive = records.find(archiveId);
      if (archive) sendLayout(archive);
    },

    announceLayouts(sessionId) {
      for (const archive of records.running(sessionId)) sendLayout(archive);
    },
  };
}

/**
 * This client's part in the session's archive: a recorder per own stream for individual archives, the composer
 * when the emulator elects this client for a composed one, and where both upload.
 */
import { COMPOSED_STREAM_ID } from '../protocol/media-upload';
import type { ArchiveInfo, ArchiveLayoutEvent, ConnectedMessage } from '../protocol/realtime';
import { Composer, type ComposerLayout, type ComposerSource } from './composer';
import type { Publisher } from './publisher';
import { StreamRecorder } from './recorder';
import type { UploadCredentials, UploadTarget } from './upload';

export class ArchiveRecording {
  readonly #emulatorPath: string;
  #archive: ArchiveInfo | null = null;
  /** kept after a disconnect: uploads still finishing then must authenticate as before */
  #credentials: UploadCredentials = { connectionId: '', uploadKey: '' };
  /** by the streamId of the own stream recorded */
  readonly #recorders = new Map<string, StreamRecorder>();
  /** how to cut short each recording that stopped and is still finishing its upload, should the page unload */
  readonly #finishing = new Set<() => void>();
  #composer: Composer | null = null;
  #composerArchiveId: string | null = null;
  /** what the emulator last said to draw, kept for a composer started after it said so */
  #layout: { archiveId: string; layout: ComposerLayout } | null = null;

  constructor(options: { emulatorPath: string }) {
    this.#emulatorPath = options.emulatorPath;
  }

  /** The archive recording now, as the emulator last said. */
  get archive(): ArchiveInfo | null {
    return this.#archive;
  }

  /** Each `connected` reply (a reconnect included) names the connection and key the uploads authenticate as. */
  useCredentialsOf(connected: ConnectedMessage): void {
    this.#credentials = { connectionId: connected.connection.connectionId, uploadKey: connected.uploadKey };
  }

  startArchive(archive: ArchiveInfo): void {
    this.#archive = archive;
  }

  /** Finishes what this client recorded for the archive, in the background. */
  stopArchive(archive: ArchiveInfo): void {
    if (this.#archive?.id === archive.id) this.#archive = null;
    this.stopAllInBackground(undefined, archive.id);
  }

  /** The session ended: the next archive is announced again on connect. */
  forgetArchive(): void {
    this.#archive = null;
  }

  /** Starts recording an own stream when an individual archive is running. */
  record(publisher: Publisher): void {
    const archive = this.#archive;
    if (archive?.outputMode !== 'individual') return;
    const media = publisher.mediaStream;
    const streamId = publisher.stream?.streamId;
    if (!media || !streamId || this.#recorders.has(streamId)) return;
    const recorder = new StreamRecorder({ archive, media, upload: this.#uploadTarget(archive.id, streamId) });
    this.#recorders.set(streamId, recorder);
    recorder.start().catch((error: unknown) => console.warn('OT: could not start recording', error));
  }

  /** An own stream ended; `finish: false` only forgets a recorder whose recording already stopped. */
  endStream(streamId: string, options: { finish: boolean }): void {
    const recorder = this.#recorders.get(streamId);
    this.#recorders.delete(streamId);
    if (recorder && options.finish) {
      this.#finish(recorder.stop(), () => recorder.abandon()).catch((error: unknown) =>
        console.warn('OT: could not finish a recording', error),
      );
    }
  }

  /**
   * The emulator elected (or released) this client as the composed archive's recorder. `sources` lists what
   * the page shows and is read on every frame.
   */
  applyElection(archiveId: string, recording: boolean, sources: () => ComposerSource[]): void {
    if (!recording) {
      if (this.#composerArchiveId === archiveId) {
        this.#stopComposer().catch((error: unknown) =>
          console.warn('OT: could not finish the composed recording', error),
        );
      }
      return;
    }
    const archive = this.#archive;
    if (!archive || archive.id !== archiveId || this.#composerArchiveId === archiveId) return;
    this.#composerArchiveId = archiveId;
    this.#composer = new Composer({
      archive,
      sources,
      upload: this.#uploadTarget(archiveId, COMPOSED_STREAM_ID),
      layout: this.#layout?.archiveId === archiveId ? this.#layout.layout : undefined,
    });
    this.#composer
      .start()
      .catch((error: unknown) => console.warn('OT: could not start the composed recording', error));
  }

  /** The layout of the composed archive this client records changed, or a stream's layout classes did. */
  applyLayout(event: ArchiveLayoutEvent): void {
    const layout: ComposerLayout = { layout: event.layout, streamClasses: event.streamClasses };
    this.#layout = { archiveId: event.archiveId, layout };
    if (this.#composerArchiveId === event.archiveId) this.#composer?.setLayout(layout);
  }

  /** Stops every recording (of one archive, if given) and resolves once their uploads are finished. */
  async stopAll(note?: string, archiveId?: string): Promise<void> {
    const recorders = [...this.#recorders.values()];
    this.#recorders.clear();
    const composerMatches = archiveId === undefined || this.#composerArchiveId === archiveId;
    await Promise.all([
      ...recorders.map((r) => this.#finish(r.stop(), () => r.abandon())),
      composerMatches ? this.#stopComposer(note) : Promise.resolve(),
    ]);
  }

  /** Stopping from an event handler: nobody awaits it, so a failure is reported here rather than lost. */
  stopAllInBackground(note?: string, archiveId?: string): void {
    this.stopAll(note, archiveId).catch((error: unknown) =>
      console.warn('OT: could not finish the recordings', error),
    );
  }

  /** The page is unloading: send what fits in the keep-alive budget, wait for nothing. */
  abandonAll(): void {
    for (const abandon of this.#finishing) abandon();
    this.#finishing.clear();
    for (const recorder of this.#recorders.values()) recorder.abandon();
    this.#recorders.clear();
    this.#composer?.abandon('recorder left');
    this.#composer = null;
    this.#composerArchiveId = null;
  }

  async #stopComposer(note?: string): Promise<void> {
    const composer = this.#composer;
    this.#composer = null;
    this.#composerArchiveId = null;
    if (composer) await this.#finish(composer.stop(note), () => composer.abandon(note ?? 'recorder left'));
  }

  /**
   * A stop waits for the last chunk and the uploads; a page unloading meanwhile would cancel them, so until
   * it is done the page's unload sends what fits with keep-alive instead, and the finish with it.
   */
  async #finish(stopping: Promise<void>, abandon: () => void): Promise<void> {
    this.#finishing.add(abandon);
    try {
      await stopping;
    } finally {
      this.#finishing.delete(abandon);
    }
  }

  #uploadTarget(archiveId: string, streamId: string): UploadTarget {
    return {
      mediaUrl: `${location.origin}${this.#emulatorPath}/media`,
      archiveId,
      streamId,
      credentials: () => this.#credentials,
    };
  }
}

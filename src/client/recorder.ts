/** Records one MediaStream as WebM with MediaRecorder and uploads it in half-second chunks while recording. */
import type { ArchiveInfo } from '../protocol/realtime';
import type { FinishUploadBody } from '../protocol/media-upload';
import { ChunkUploader, type UploadTarget } from './upload';

// A closed tab can only send what fits in the browser's 64 KiB keep-alive budget (upload.ts): half a second
// at 800 kbit/s of video plus audio is about 54 KB, so the chunk in flight still fits and a closed tab loses
// at most the slice it was recording.
const TIMESLICE_MS = 500;
const VIDEO_BITS_PER_SECOND = 800_000;

const VIDEO_TYPES = ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp8', 'video/webm'];
const AUDIO_TYPES = ['audio/webm;codecs=opus', 'audio/webm'];

function pickMimeType(hasVideo: boolean): string | undefined {
  const candidates = hasVideo ? VIDEO_TYPES : AUDIO_TYPES;
  return candidates.find((type) => MediaRecorder.isTypeSupported(type));
}

export interface RecorderOptions {
  archive: ArchiveInfo;
  media: MediaStream;
  upload: UploadTarget;
}

export class StreamRecorder {
  readonly #archive: ArchiveInfo;
  readonly #uploader: ChunkUploader;
  readonly #recorder: MediaRecorder | null;
  #startedAt = 0;
  #stopping: Promise<void> | null = null;

  constructor(options: RecorderOptions) {
    this.#archive = options.archive;
    this.#uploader = new ChunkUploader(options.upload);
    // The archive's hasAudio/hasVideo decide what goes into the file, whatever the stream carries.
    const tracks = options.media
      .getTracks()
      .filter((t) => t.readyState === 'live')
      .filter((t) => (t.kind === 'audio' ? options.archive.hasAudio : options.archive.hasVideo));
    const hasVideo = tracks.some((t) => t.kind === 'video');
    const mimeType = pickMimeType(hasVideo);
    this.#recorder =
      tracks.length === 0 || mimeType === undefined
        ? null
        : new MediaRecorder(new MediaStream(tracks), { mimeType, videoBitsPerSecond: VIDEO_BITS_PER_SECOND });
  }

  get recording(): boolean {
    return this.#recorder?.state === 'recording';
  }

  get uploadedBytes(): number {
    return this.#uploader.uploadedBytes;
  }

  async start(): Promise<void> {
    const recorder = this.#recorder;
    // A stop (archive stopped, page leaving) that came first wins: starting now would record forever.
    if (!recorder || this.#stopping) return;
    recorder.ondataavailable = (event: BlobEvent) => this.#uploader.push(event.data);
    recorder.start(TIMESLICE_MS);
    this.#startedAt = Date.now();
  }

  /**
   * Stops recording, waits for the last chunk and every upload, then tells the emulator the file is complete.
   * A recorder that recorded nothing (no track fits the archive) finishes too, with no chunks, so the
   * emulator does not wait for it until its deadline.
   */
  stop(note?: string): Promise<void> {
    if (!this.#stopping) this.#stopping = this.#stop(note);
    return this.#stopping;
  }

  /**
   * The page is unloading: no time to wait for MediaRecorder's last chunk. A stop still under way is cut
   * short too: its uploads would be cancelled with the page, so what is queued goes with keep-alive now.
   */
  abandon(note?: string): void {
    this.#stopping ??= Promise.resolve();
    if (this.#recorder && this.#recorder.state !== 'inactive') {
      this.#recorder.ondataavailable = null;
      this.#recorder.stop();
    }
    this.#uploader.abandon(this.#finishBody(note));
  }

  async #stop(note: string | undefined): Promise<void> {
    const recorder = this.#recorder;
    if (recorder && recorder.state !== 'inactive') {
      const stopped = new Promise<void>((resolve) =>
        recorder.addEventListener('stop', () => resolve(), { once: true }),
      );
      recorder.stop();
      await stopped;
    }
    await this.#uploader.finish(this.#finishBody(note));
  }

  #finishBody(note: string | undefined): Omit<FinishUploadBody, 'chunks'> {
    const started = this.#startedAt || Date.now();
    const body: Omit<FinishUploadBody, 'chunks'> = {
      startTimeOffset: Math.max(0, started - this.#archive.createdAt),
      stopTimeOffset: Math.max(0, Date.now() - this.#archive.createdAt),
    };
    if (note) body.note = note;
    return body;
  }
}

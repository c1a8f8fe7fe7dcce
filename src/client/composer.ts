/** Composed archives: draws every stream of the session onto one canvas grid, mixes all audio, records it. */
import type { ArchiveInfo } from '../protocol/realtime';
import { StreamRecorder } from './recorder';
import type { UploadTarget } from './upload';

export interface ComposerSource {
  video: HTMLVideoElement;
  media: MediaStream | null;
}

export interface ComposerOptions {
  archive: ArchiveInfo;
  /** read on every frame, so streams joining and leaving show up without a restart */
  sources: () => ComposerSource[];
  upload: UploadTarget;
}

const WIDTH = 640;
const HEIGHT = 480;
const FRAME_RATE = 15;
/** Audio sources are re-matched this often rather than on every frame. */
const AUDIO_SYNC_MS = 500;
/** A context that is allowed to start does so within this time; one still suspended then waits for a gesture. */
const AUDIO_START_GRACE_MS = 1000;

export class Composer {
  readonly #options: ComposerOptions;
  readonly #canvas: HTMLCanvasElement;
  readonly #context: CanvasRenderingContext2D | null;
  readonly #audio: AudioContext | null;
  readonly #mixDestination: MediaStreamAudioDestinationNode | null;
  readonly #audioNodes = new Map<string, MediaStreamAudioSourceNode>();
  readonly #recorder: StreamRecorder;
  #frameTimer: number | undefined;
  #audioTimer: number | undefined;
  #stopWatchingAudio: (() => void) | null = null;

  constructor(options: ComposerOptions) {
    this.#options = options;
    this.#canvas = document.createElement('canvas');
    this.#canvas.width = WIDTH;
    this.#canvas.height = HEIGHT;
    this.#context = this.#canvas.getContext('2d');
    const wantsAudio = options.archive.hasAudio;
    this.#audio = wantsAudio ? new AudioContext() : null;
    this.#mixDestination = this.#audio ? this.#audio.createMediaStreamDestination() : null;
    // Without a source node the destination track would not exist until the first stream arrives;
    // a silent oscillator keeps the audio track present from the first chunk.
    if (this.#audio && this.#mixDestination) {
      const silence = this.#audio.createGain();
      silence.gain.value = 0;
      const oscillator = this.#audio.createOscillator();
      oscillator.connect(silence).connect(this.#mixDestination);
      oscillator.start();
    }
    this.#draw();
    const media = new MediaStream([
      ...this.#canvas.captureStream(FRAME_RATE).getVideoTracks(),
      ...(this.#mixDestination?.stream.getAudioTracks() ?? []),
    ]);
    // Each recorder uploads its own segment; after a handover the emulator keeps them all, in order.
    this.#recorder = new StreamRecorder({ archive: options.archive, media, upload: options.upload });
  }

  async start(): Promise<void> {
    // Timers rather than requestAnimationFrame: rAF stops in a background tab, and the recording must not.
    this.#frameTimer = window.setInterval(() => this.#draw(), 1000 / FRAME_RATE);
    this.#audioTimer = window.setInterval(() => this.#syncAudio(), AUDIO_SYNC_MS);
    this.#syncAudio();
    if (this.#audio) this.#keepAudioRunning(this.#audio);
    await this.#recorder.start();
  }

  async stop(note?: string): Promise<void> {
    this.#stopTimers();
    await this.#recorder.stop(note);
    this.#release();
  }

  abandon(note: string): void {
    this.#stopTimers();
    this.#recorder.abandon(note);
    this.#release();
  }

  #stopTimers(): void {
    window.clearInterval(this.#frameTimer);
    window.clearInterval(this.#audioTimer);
  }

  /**
   * The context is created on the election message, not on a click, so Chrome may keep it suspended (its
   * autoplay policy) and the mix records silence. It is resumed at once when the page may play sound, otherwise
   * on the page's next click or key press; the recording goes on meanwhile, video only, and says so once.
   */
  #keepAudioRunning(audio: AudioContext): void {
    let warned = false;
    const warnSilent = (): void => {
      if (warned || audio.state !== 'suspended') return;
      warned = true;
      console.warn(
        'OT: the composed recording has no sound until someone clicks or presses a key on this page (the browser keeps its audio suspended until then)',
      );
    };
    const resume = (): void => {
      audio.resume().catch(warnSilent);
    };
    const onStateChange = (): void => {
      if (audio.state !== 'suspended') stopWatching();
    };
    const warnTimer = window.setTimeout(warnSilent, AUDIO_START_GRACE_MS);
    const stopWatching = (): void => {
      window.clearTimeout(warnTimer);
      document.removeEventListener('pointerdown', resume, true);
      document.removeEventListener('keydown', resume, true);
      audio.removeEventListener('statechange', onStateChange);
      this.#stopWatchingAudio = null;
    };
    this.#stopWatchingAudio = stopWatching;
    if (audio.state !== 'suspended') {
      stopWatching();
      return;
    }
    document.addEventListener('pointerdown', resume, true);
    document.addEventListener('keydown', resume, true);
    audio.addEventListener('statechange', onStateChange);
    resume();
  }

  #release(): void {
    this.#stopWatchingAudio?.();
    for (const node of this.#audioNodes.values()) node.disconnect();
    this.#audioNodes.clear();
    void this.#audio?.close().catch(() => undefined);
  }

  #draw(): void {
    const ctx = this.#context;
    if (!ctx) return;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
    const videos = this.#options.sources().map((s) => s.video);
    const { columns, rows } = gridFor(videos.length);
    const cellWidth = WIDTH / columns;
    const cellHeight = HEIGHT / rows;
    videos.forEach((video, index) => {
      if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) return;
      const x = (index % columns) * cellWidth;
      const y = Math.floor(index / columns) * cellHeight;
      // Letterbox each stream in its cell so faces are not stretched.
      const scale = Math.min(cellWidth / video.videoWidth, cellHeight / video.videoHeight);
      const w = video.videoWidth * scale;
      const h = video.videoHeight * scale;
      ctx.drawImage(video, x + (cellWidth - w) / 2, y + (cellHeight - h) / 2, w, h);
    });
  }

  #syncAudio(): void {
    const audio = this.#audio;
    const destination = this.#mixDestination;
    if (!audio || !destination) return;
    const live = new Map<string, MediaStreamTrack>();
    for (const source of this.#options.sources()) {
      for (const track of source.media?.getAudioTracks() ?? []) {
        if (track.readyState === 'live') live.set(track.id, track);
      }
    }
    for (const [id, node] of this.#audioNodes) {
      if (!live.has(id)) {
        node.disconnect();
        this.#audioNodes.delete(id);
      }
    }
    for (const [id, track] of live) {
      if (this.#audioNodes.has(id)) continue;
      const node = audio.createMediaStreamSource(new MediaStream([track]));
      node.connect(destination);
      this.#audioNodes.set(id, node);
    }
  }
}

/** Smallest near-square grid holding `count` cells: 1→1×1, 2→2×1, 3–4→2×2, 5–6→3×2, … */
export function gridFor(count: number): { columns: number; rows: number } {
  const columns = Math.max(1, Math.ceil(Math.sqrt(count)));
  const rows = Math.max(1, Math.ceil(count / columns));
  return { columns, rows };
}

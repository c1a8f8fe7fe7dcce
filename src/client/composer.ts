/**
 * Composed archives: draws every stream of the session onto one canvas in the archive's layout (the focused
 * stream large, see layout-geometry.ts), mixes all audio, records it.
 */
import type { ArchiveInfo } from '../protocol/realtime';
import { fitInside, placeStreams, type LayoutSpec } from './layout-geometry';
import { drawNameTile } from './name-tile';
import { StreamRecorder } from './recorder';
import type { UploadTarget } from './upload';

export interface ComposerSource {
  /** absent or null while the own stream is still being published: it has no layout classes yet */
  streamId?: string | null;
  video: HTMLVideoElement;
  media: MediaStream | null;
  /** false while the publisher has turned its camera off: the tile shows `name` instead of a black frame */
  hasVideo?: boolean;
  name?: string;
}

/** What the emulator says to draw: the archive's layout and each stream's layout classes, by stream ID. */
export interface ComposerLayout {
  layout: LayoutSpec;
  streamClasses: Readonly<Record<string, readonly string[]>>;
}

export interface ComposerOptions {
  archive: ArchiveInfo;
  /** read on every frame, so streams joining and leaving show up without a restart */
  sources: () => ComposerSource[];
  upload: UploadTarget;
  /** until the emulator says otherwise: bestFit, the platform's default */
  layout?: ComposerLayout;
}

const DEFAULT_LAYOUT: ComposerLayout = { layout: { type: 'bestFit' }, streamClasses: {} };

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
  #layout: ComposerLayout;

  constructor(options: ComposerOptions) {
    this.#options = options;
    this.#layout = options.layout ?? DEFAULT_LAYOUT;
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

  /** Draws the next frames in this layout. */
  setLayout(layout: ComposerLayout): void {
    this.#layout = layout;
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
    const sources = this.#options.sources();
    const { layout, streamClasses } = this.#layout;
    const classes = sources.map((s) => (s.streamId ? (streamClasses[s.streamId] ?? []) : []));
    for (const { index, rect } of placeStreams(layout, classes, { width: WIDTH, height: HEIGHT })) {
      const source = sources[index];
      if (!source) continue;
      if (source.hasVideo === false) {
        drawNameTile(ctx, rect, source.name ?? 'Guest');
        continue;
      }
      const { video } = source;
      // A black backing first: an overlay (pip) must hide what is under it even before its video plays.
      ctx.fillStyle = '#000';
      ctx.fillRect(rect.x, rect.y, rect.width, rect.height);
      if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) continue;
      // Letterboxed in its place so faces are not stretched.
      const fitted = fitInside(rect, video.videoWidth, video.videoHeight);
      ctx.drawImage(video, fitted.x, fitted.y, fitted.width, fitted.height);
    }
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

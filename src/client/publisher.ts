/** OT.Publisher: the local camera and microphone, shown in the page and offered to the session. */
import { createWidget, playVideo, type Widget, type WidgetOptions } from './dom';
import { mediaAccessError, OTError } from './errors';
import { createEvent, EventEmitter, type OTEvent } from './events';
import type { StreamFlag } from '../protocol/realtime';
import type { Stream } from './stream';

/** Tells the session that the page turned the published audio or video on or off. */
export type StreamFlagReporter = (flag: StreamFlag, value: boolean) => void;

export interface PublisherProperties extends WidgetOptions {
  name?: string;
  publishAudio?: boolean;
  publishVideo?: boolean;
  /** a deviceId, a MediaStreamTrack, or null/false for none */
  audioSource?: string | null | boolean | MediaStreamTrack;
  videoSource?: string | null | boolean | MediaStreamTrack;
  resolution?: '1920x1080' | '1280x960' | '1280x720' | '640x480' | '640x360' | '320x240' | '320x180';
  frameRate?: 30 | 15 | 7 | 1;
  mirror?: boolean;
  insertDefaultUI?: boolean;
  showControls?: boolean;
  style?: Record<string, unknown>;
}

export type PublisherEvents = {
  accessAllowed: OTEvent<'accessAllowed', Publisher>;
  accessDenied: OTEvent<'accessDenied', Publisher> & { message: string };
  destroyed: OTEvent<'destroyed', Publisher>;
  streamCreated: OTEvent<'streamCreated', Publisher> & { stream: Stream };
  streamDestroyed: OTEvent<'streamDestroyed', Publisher> & { stream: Stream; reason: string };
  videoElementCreated: OTEvent<'videoElementCreated', Publisher> & { element: HTMLVideoElement };
  mediaStreamAvailable: OTEvent<'mediaStreamAvailable', Publisher> & { mediaStream: MediaStream };
};

let nextPublisherId = 1;

export class Publisher extends EventEmitter<PublisherEvents> {
  readonly id = `OT_publisher_${nextPublisherId++}`;
  readonly properties: Readonly<PublisherProperties>;
  element: HTMLElement | undefined;
  stream: Stream | undefined;
  /** the Session this publisher publishes into, once published */
  session: object | undefined;
  accessAllowed = false;
  readonly #widget: Widget;
  readonly #media: Promise<MediaStream>;
  #mediaStream: MediaStream | null = null;
  #destroyed = false;
  /** what the page asked for last, applied to the tracks once the camera opens */
  #audioWanted: boolean;
  #videoWanted: boolean;
  #reportFlag: StreamFlagReporter | null = null;

  constructor(
    target: HTMLElement | string | undefined | null,
    properties: PublisherProperties = {},
    callback?: (error?: OTError) => void,
  ) {
    super();
    this.properties = { ...properties };
    this.#audioWanted = properties.publishAudio !== false;
    this.#videoWanted = properties.publishVideo !== false;
    this.#widget = createWidget('publisher', target, properties);
    this.#widget.element.id ||= this.id;
    this.element = this.#widget.element;
    if (properties.mirror !== false) this.#widget.video.style.transform = 'scaleX(-1)';
    this.#media = this.#acquire();
    this.#media.then(
      () => callback?.(),
      (error: OTError) => callback?.(error),
    );
    queueMicrotask(() =>
      this.emit(
        'videoElementCreated',
        createEvent('videoElementCreated', this, { element: this.#widget.video }),
      ),
    );
  }

  /** The camera/microphone stream once access was granted; rejects with the access error. */
  whenMedia(): Promise<MediaStream> {
    return this.#media;
  }

  get mediaStream(): MediaStream | null {
    return this.#mediaStream;
  }

  get videoElement(): HTMLVideoElement {
    return this.#widget.video;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  /**
   * Turns the microphone off (silence) or on for everyone who receives it. The stream's `hasAudio` changes, and
   * the session fires `streamPropertyChanged`, when the emulator has told every client.
   */
  publishAudio(enabled: boolean): void {
    this.#audioWanted = Boolean(enabled);
    this.#applyFlag('hasAudio', this.#mediaStream?.getAudioTracks() ?? [], this.#audioWanted);
  }

  /** Turns the camera off (black frames) or on for everyone who receives it; see publishAudio. */
  publishVideo(enabled: boolean): void {
    this.#videoWanted = Boolean(enabled);
    this.#applyFlag('hasVideo', this.#mediaStream?.getVideoTracks() ?? [], this.#videoWanted);
  }

  /** Whether the stream has audio or video for the others, as this page last asked. */
  sends(flag: StreamFlag): boolean {
    const media = this.#mediaStream;
    if (flag === 'hasAudio') return this.#audioWanted && (media?.getAudioTracks().length ?? 0) > 0;
    return this.#videoWanted && (media?.getVideoTracks().length ?? 0) > 0;
  }

  #applyFlag(flag: StreamFlag, tracks: MediaStreamTrack[], enabled: boolean): void {
    // A disabled track still flows: receivers get silence or black frames, and enabling it needs no renegotiation.
    for (const track of tracks) track.enabled = enabled;
    if (this.stream) this.#reportFlag?.(flag, this.sends(flag));
  }

  videoWidth(): number | undefined {
    return this.#widget.video.videoWidth || undefined;
  }

  videoHeight(): number | undefined {
    return this.#widget.video.videoHeight || undefined;
  }

  /** A PNG data URL (without the `data:` prefix, as OpenTok.js returns it) of the current frame. */
  getImgData(): string | null {
    const video = this.#widget.video;
    if (!video.videoWidth) return null;
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d')?.drawImage(video, 0, 0);
    return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
  }

  /** Stops the camera and removes the widget; a published publisher is unpublished first. */
  destroy(): this {
    if (this.#destroyed) return this;
    this.#destroyed = true;
    const session = this.session as { unpublish?: (p: Publisher) => void } | undefined;
    if (this.stream && session?.unpublish) session.unpublish(this);
    for (const track of this.#mediaStream?.getTracks() ?? []) track.stop();
    this.#widget.element.remove();
    this.element = undefined;
    this.emit('destroyed', createEvent('destroyed', this, {}));
    return this;
  }

  /** Called by publishing.ts once the emulator accepted the stream. */
  attachStream(stream: Stream, session: object, reportFlag: StreamFlagReporter): void {
    this.stream = stream;
    this.session = session;
    this.#reportFlag = reportFlag;
    this.emit('streamCreated', createEvent('streamCreated', this, { stream }));
  }

  /**
   * Called by publishing.ts when the stream ends; the default action (not prevented) destroys the publisher.
   * `keep` is for a stream lost in a reconnect that the session publishes again at once.
   */
  detachStream(reason: string, keep = false): void {
    const stream = this.stream;
    if (!stream) return;
    this.stream = undefined;
    this.session = undefined;
    this.#reportFlag = null;
    const event = createEvent('streamDestroyed', this, { stream, reason }, !keep);
    this.emit('streamDestroyed', event);
    if (!keep && !event.isDefaultPrevented()) this.destroy();
  }

  async #acquire(): Promise<MediaStream> {
    const p = this.properties;
    const wantAudio = p.audioSource !== null && p.audioSource !== false;
    const wantVideo = p.videoSource !== null && p.videoSource !== false;
    let media: MediaStream;
    try {
      media = await this.#getUserMedia(wantAudio, wantVideo);
    } catch (cause) {
      const error = cause instanceof OTError ? cause : mediaAccessError(cause);
      if (error.name === 'OT_USER_MEDIA_ACCESS_DENIED') {
        this.emit('accessDenied', createEvent('accessDenied', this, { message: error.message }));
      }
      // Like OpenTok.js, a publisher without media leaves nothing behind in the page.
      this.#widget.element.remove();
      this.element = undefined;
      throw error;
    }
    if (this.#destroyed) {
      for (const track of media.getTracks()) track.stop();
      throw new OTError({
        name: 'OT_UNABLE_TO_PUBLISH',
        message: 'The publisher was destroyed before the camera opened.',
      });
    }
    this.#mediaStream = media;
    this.accessAllowed = true;
    for (const track of media.getAudioTracks()) track.enabled = this.#audioWanted;
    for (const track of media.getVideoTracks()) track.enabled = this.#videoWanted;
    this.#widget.video.srcObject = media;
    void playVideo(this.#widget.video);
    this.emit('accessAllowed', createEvent('accessAllowed', this, {}));
    this.emit('mediaStreamAvailable', createEvent('mediaStreamAvailable', this, { mediaStream: media }));
    return media;
  }

  async #getUserMedia(wantAudio: boolean, wantVideo: boolean): Promise<MediaStream> {
    const p = this.properties;
    const tracks: MediaStreamTrack[] = [];
    const constraints: MediaStreamConstraints = {};
    if (p.audioSource instanceof MediaStreamTrack) tracks.push(p.audioSource);
    else if (wantAudio)
      constraints.audio = typeof p.audioSource === 'string' ? { deviceId: { exact: p.audioSource } } : true;
    if (p.videoSource instanceof MediaStreamTrack) tracks.push(p.videoSource);
    else if (wantVideo) {
      const [width, height] = (p.resolution ?? '640x480').split('x').map(Number);
      const video: MediaTrackConstraints = {
        width: { ideal: width },
        height: { ideal: height },
        frameRate: { ideal: p.frameRate ?? 30 },
      };
      if (typeof p.videoSource === 'string') video.deviceId = { exact: p.videoSource };
      constraints.video = video;
    }
    if (!constraints.audio && !constraints.video) {
      if (tracks.length === 0) {
        throw new OTError({
          name: 'OT_INVALID_PARAMETER',
          message: 'A publisher needs audio, video or both.',
        });
      }
      return new MediaStream(tracks);
    }
    if (!navigator.mediaDevices?.getUserMedia) {
      throw new OTError({
        name: 'OT_HARDWARE_UNAVAILABLE',
        message:
          'This browser cannot open the camera here: use a current browser over https or http://localhost.',
      });
    }
    const media = await navigator.mediaDevices.getUserMedia(constraints);
    for (const track of tracks) media.addTrack(track);
    return media;
  }
}

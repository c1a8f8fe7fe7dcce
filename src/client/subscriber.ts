/** OT.Subscriber: another client's stream, received over WebRTC and shown in the page. */
import { createWidget, playVideo, type Widget, type WidgetOptions } from './dom';
import type { OTError } from './errors';
import { createEvent, EventEmitter, type OTEvent } from './events';
import type { PeerState, RtcKind, SubscriberPeer } from './peer';
import type { Stream } from './stream';

export interface SubscriberProperties extends WidgetOptions {
  subscribeToAudio?: boolean;
  subscribeToVideo?: boolean;
  audioVolume?: number;
  insertDefaultUI?: boolean;
  showControls?: boolean;
  style?: Record<string, unknown>;
}

export type SubscriberEvents = {
  connected: OTEvent<'connected', Subscriber>;
  disconnected: OTEvent<'disconnected', Subscriber>;
  destroyed: OTEvent<'destroyed', Subscriber> & { reason: string };
  audioBlocked: OTEvent<'audioBlocked', Subscriber>;
  videoElementCreated: OTEvent<'videoElementCreated', Subscriber> & { element: HTMLVideoElement };
  mediaStreamAvailable: OTEvent<'mediaStreamAvailable', Subscriber> & { mediaStream: MediaStream };
};

type PeerFactory = (handlers: {
  onStream: (s: MediaStream) => void;
  onState: (s: PeerState) => void;
}) => SubscriberPeer;

let nextSubscriberId = 1;

export class Subscriber extends EventEmitter<SubscriberEvents> {
  readonly id = `OT_subscriber_${nextSubscriberId++}`;
  readonly stream: Stream;
  element: HTMLElement | undefined;
  readonly #widget: Widget;
  readonly #properties: SubscriberProperties;
  #peer: SubscriberPeer | null = null;
  #media: MediaStream | null = null;
  #destroyed = false;
  #everConnected = false;
  #onDestroy: ((subscriber: Subscriber) => void) | null = null;
  #createPeer: PeerFactory | null = null;
  #done: ((error?: OTError) => void) | null = null;

  constructor(
    stream: Stream,
    target: HTMLElement | string | undefined | null,
    properties: SubscriberProperties,
  ) {
    super();
    this.stream = stream;
    this.#properties = { ...properties };
    this.#widget = createWidget('subscriber', target, properties);
    this.#widget.element.id ||= this.id;
    this.element = this.#widget.element;
    if (properties.audioVolume !== undefined)
      this.#widget.video.volume = Math.min(1, Math.max(0, properties.audioVolume / 100));
    queueMicrotask(() =>
      this.emit(
        'videoElementCreated',
        createEvent('videoElementCreated', this, { element: this.#widget.video }),
      ),
    );
  }

  get videoElement(): HTMLVideoElement {
    return this.#widget.video;
  }

  get mediaStream(): MediaStream | null {
    return this.#media;
  }

  /** Wires the peer connection in; `done` is the page's subscribe callback, called once. */
  attachPeer(
    createPeer: PeerFactory,
    done: (error?: OTError) => void,
    onDestroy: (s: Subscriber) => void,
  ): void {
    this.#createPeer = createPeer;
    this.#done = done;
    this.#onDestroy = onDestroy;
    this.#peer = this.#newPeer();
  }

  /**
   * The publisher dropped its side because this client came back from a network loss as a new connection:
   * negotiate afresh and keep the widget where the page put it.
   */
  renegotiate(): void {
    if (this.#destroyed || !this.#createPeer) return;
    const old = this.#peer;
    this.#peer = null;
    old?.close(false);
    this.#peer = this.#newPeer();
  }

  #newPeer(): SubscriberPeer | null {
    const createPeer = this.#createPeer;
    if (!createPeer) return null;
    // Callbacks of a replaced peer are ignored: only the current one speaks for this subscriber.
    const peer: SubscriberPeer = createPeer({
      onStream: (media) => {
        if (this.#peer === peer) this.#show(media);
      },
      onState: (state) => {
        if (this.#peer !== peer) return;
        if (state === 'connected') {
          if (!this.#everConnected) {
            this.#everConnected = true;
            this.#done?.();
          } else {
            this.emit('connected', createEvent('connected', this, {}));
          }
        } else if (state === 'disconnected' && this.#everConnected) {
          this.emit('disconnected', createEvent('disconnected', this, {}));
        }
      },
    });
    return peer;
  }

  handleRtc(kind: RtcKind, payload: unknown): void {
    this.#peer?.handle(kind, payload);
  }

  subscribeToAudio(enabled: boolean): this {
    for (const track of this.#media?.getAudioTracks() ?? []) track.enabled = enabled;
    this.#properties.subscribeToAudio = enabled;
    return this;
  }

  subscribeToVideo(enabled: boolean): this {
    for (const track of this.#media?.getVideoTracks() ?? []) track.enabled = enabled;
    this.#properties.subscribeToVideo = enabled;
    return this;
  }

  setAudioVolume(volume: number): this {
    this.#widget.video.volume = Math.min(1, Math.max(0, volume / 100));
    return this;
  }

  videoWidth(): number | undefined {
    return this.#widget.video.videoWidth || undefined;
  }

  videoHeight(): number | undefined {
    return this.#widget.video.videoHeight || undefined;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Closes the peer connection (telling the publisher) and removes the widget. */
  destroy(reason = 'unsubscribe', notifyPublisher = true): this {
    if (this.#destroyed) return this;
    this.#destroyed = true;
    this.#peer?.close(notifyPublisher);
    this.#widget.video.srcObject = null;
    this.#widget.element.remove();
    this.element = undefined;
    this.#onDestroy?.(this);
    this.emit('destroyed', createEvent('destroyed', this, { reason }));
    return this;
  }

  #show(media: MediaStream): void {
    this.#media = media;
    if (this.#properties.subscribeToAudio === false) this.subscribeToAudio(false);
    if (this.#properties.subscribeToVideo === false) this.subscribeToVideo(false);
    this.#widget.video.srcObject = media;
    void playVideo(this.#widget.video).then((outcome) => {
      if (outcome === 'audioBlocked') this.emit('audioBlocked', createEvent('audioBlocked', this, {}));
    });
    this.emit('mediaStreamAvailable', createEvent('mediaStreamAvailable', this, { mediaStream: media }));
  }
}

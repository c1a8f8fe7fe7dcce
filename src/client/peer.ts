/**
 * One RTCPeerConnection per (stream, subscriber) in a mesh, negotiated through `rtc` relay messages.
 *
 * The subscriber offers (receive-only audio + video) and the publisher answers with its tracks: only the
 * subscribing client knows when a page calls subscribe(), and a connection's token role (whether it may
 * subscribe at all) is not visible to the other clients, so the publisher cannot know whom to offer to.
 */
import type { RtcEvent } from '../protocol/realtime';

export type RtcKind = RtcEvent['kind'];
export type PeerState = RTCPeerConnectionState;

export interface PeerOptions {
  iceServers: RTCIceServer[];
  /** iceConfig.transportPolicy: 'relay' keeps media on the TURN servers */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** relays one negotiation message to the other side */
  send: (kind: RtcKind, payload: unknown) => void;
  onState?: (state: PeerState) => void;
}

interface SessionDescriptionPayload {
  type: RTCSdpType;
  sdp: string;
}

function isDescription(payload: unknown): payload is SessionDescriptionPayload {
  return (
    typeof payload === 'object' &&
    payload !== null &&
    typeof (payload as { sdp?: unknown }).sdp === 'string' &&
    typeof (payload as { type?: unknown }).type === 'string'
  );
}

function isCandidate(payload: unknown): payload is RTCIceCandidateInit {
  return (
    typeof payload === 'object' &&
    payload !== null &&
    typeof (payload as { candidate?: unknown }).candidate === 'string'
  );
}

abstract class PeerLink {
  protected readonly pc: RTCPeerConnection;
  protected readonly options: PeerOptions;
  /** Negotiation steps run one after another: a candidate must not overtake the description it belongs to. */
  #chain: Promise<void> = Promise.resolve();
  readonly #earlyCandidates: RTCIceCandidateInit[] = [];
  #closed = false;

  constructor(options: PeerOptions) {
    this.options = options;
    this.pc = new RTCPeerConnection({
      iceServers: options.iceServers,
      iceTransportPolicy: options.iceTransportPolicy ?? 'all',
    });
    this.pc.onicecandidate = (event) => {
      if (event.candidate) options.send('candidate', event.candidate.toJSON());
    };
    this.pc.onconnectionstatechange = () => options.onState?.(this.pc.connectionState);
  }

  get state(): PeerState {
    return this.pc.connectionState;
  }

  /** Feeds one relayed message (answer, offer, candidate or bye) into the negotiation. */
  handle(kind: RtcKind, payload: unknown): void {
    if (kind === 'bye') {
      this.close();
      return;
    }
    this.enqueue(async () => {
      if (kind === 'candidate') {
        if (!isCandidate(payload)) return;
        if (this.pc.remoteDescription) await this.pc.addIceCandidate(payload);
        else this.#earlyCandidates.push(payload);
        return;
      }
      if (!isDescription(payload)) return;
      await this.onDescription(kind, payload);
      for (const candidate of this.#earlyCandidates.splice(0)) await this.pc.addIceCandidate(candidate);
    });
  }

  close(notify = false): void {
    if (this.#closed) return;
    this.#closed = true;
    if (notify) this.options.send('bye', null);
    this.pc.close();
    this.options.onState?.('closed');
  }

  get closed(): boolean {
    return this.#closed;
  }

  protected enqueue(step: () => Promise<void>): void {
    this.#chain = this.#chain
      .then(() => (this.#closed ? undefined : step()))
      .catch((error: unknown) => console.warn('OT: WebRTC negotiation step failed', error));
  }

  protected abstract onDescription(kind: RtcKind, description: SessionDescriptionPayload): Promise<void>;
}

/** The receiving end: offers receive-only audio and video, hands the remote MediaStream to `onStream`. */
export class SubscriberPeer extends PeerLink {
  readonly #onStream: (stream: MediaStream) => void;

  constructor(options: PeerOptions & { onStream: (stream: MediaStream) => void }) {
    super(options);
    this.#onStream = options.onStream;
    this.pc.addTransceiver('audio', { direction: 'recvonly' });
    this.pc.addTransceiver('video', { direction: 'recvonly' });
    this.enqueue(async () => {
      await this.pc.setLocalDescription(await this.pc.createOffer());
      const local = this.pc.localDescription;
      if (local) options.send('offer', { type: local.type, sdp: local.sdp });
    });
  }

  protected async onDescription(kind: RtcKind, description: SessionDescriptionPayload): Promise<void> {
    if (kind !== 'answer') return;
    await this.pc.setRemoteDescription(description);
    // The publisher attaches bare tracks (no msid stream), so the stream is built from the receivers the
    // answer enabled; a kind the publisher does not send comes back 'inactive'.
    const tracks = this.pc
      .getTransceivers()
      .filter((t) => t.currentDirection === 'recvonly')
      .map((t) => t.receiver.track);
    this.#onStream(new MediaStream(tracks));
  }
}

/** The sending end: answers a subscriber's offer with the publisher's camera and microphone tracks. */
export class PublisherPeer extends PeerLink {
  readonly #media: MediaStream;

  constructor(options: PeerOptions & { media: MediaStream }) {
    super(options);
    this.#media = options.media;
  }

  protected async onDescription(kind: RtcKind, description: SessionDescriptionPayload): Promise<void> {
    if (kind !== 'offer') return;
    await this.pc.setRemoteDescription(description);
    for (const transceiver of this.pc.getTransceivers()) {
      const wanted = transceiver.receiver.track.kind;
      const track = this.#media.getTracks().find((t) => t.kind === wanted) ?? null;
      transceiver.direction = track ? 'sendonly' : 'inactive';
      await transceiver.sender.replaceTrack(track);
    }
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    const local = this.pc.localDescription;
    if (local) this.options.send('answer', { type: local.type, sdp: local.sdp });
  }
}

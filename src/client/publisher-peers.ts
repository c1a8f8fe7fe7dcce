/** The publishing side of the mesh: one peer connection per (own stream, subscribing connection), answering offers. */
import type { RtcEvent } from '../protocol/realtime';
import { PublisherPeer } from './peer';
import type { SessionConnection } from './session-connection';

export class PublisherPeers {
  readonly #link: SessionConnection;
  /** keyed `${streamId} ${connectionId}` */
  readonly #peers = new Map<string, PublisherPeer>();

  constructor(link: SessionConnection) {
    this.#link = link;
  }

  /** Feeds one relayed message for an own stream; an offer replaces that subscriber's previous peer. */
  handle(message: RtcEvent, media: MediaStream | null): void {
    const key = `${message.streamId} ${message.from}`;
    if (message.kind === 'offer') {
      this.#peers.get(key)?.close();
      const channel = this.#link.channel;
      if (!media || !channel) return;
      const peer = new PublisherPeer({
        ...this.#link.peerConfiguration(),
        media,
        send: (kind, payload) =>
          channel.send({ type: 'rtc', to: message.from, streamId: message.streamId, kind, payload }),
        onState: (state) => {
          if ((state === 'closed' || state === 'failed') && this.#peers.get(key) === peer) {
            this.#peers.delete(key);
          }
        },
      });
      this.#peers.set(key, peer);
    }
    this.#peers.get(key)?.handle(message.kind, message.payload);
  }

  closeForStream(streamId: string): void {
    this.#closeWhere((key) => key.startsWith(`${streamId} `));
  }

  closeForConnection(connectionId: string): void {
    this.#closeWhere((key) => key.endsWith(` ${connectionId}`));
  }

  closeAll(): void {
    this.#closeWhere(() => true);
  }

  #closeWhere(matches: (key: string) => boolean): void {
    for (const [key, peer] of this.#peers) {
      if (matches(key)) {
        peer.close();
        this.#peers.delete(key);
      }
    }
  }
}

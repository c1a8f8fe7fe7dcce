/** The receiving side of the mesh: one Subscriber per remote stream, each with its own peer connection. */
import type { RtcEvent } from '../protocol/realtime';
import { OTError } from './errors';
import { SubscriberPeer } from './peer';
import type { SessionConnection } from './session-connection';
import type { SessionRegistry } from './session-registry';
import type { Stream } from './stream';
import { Subscriber, type SubscriberProperties } from './subscriber';

/** A subscribe whose peer connection has not connected by then fails with OT_UNABLE_TO_SUBSCRIBE. */
const SUBSCRIBE_TIMEOUT_MS = 20_000;

type Callback = (error?: OTError) => void;

export class Subscriptions {
  readonly #link: SessionConnection;
  readonly #registry: SessionRegistry;
  /** by streamId: one subscriber per stream (a documented limit of this client) */
  readonly #subscribers = new Map<string, Subscriber>();

  constructor(options: { link: SessionConnection; registry: SessionRegistry }) {
    this.#link = options.link;
    this.#registry = options.registry;
  }

  /** Subscribing again to a stream replaces the earlier subscriber; errors reach `callback`, never a throw. */
  subscribe(
    stream: Stream | undefined,
    target: HTMLElement | string | undefined,
    properties: SubscriberProperties,
    callback: Callback | undefined,
  ): Subscriber | undefined {
    const fail = (error: OTError): undefined => {
      queueMicrotask(() => callback?.(error));
      return undefined;
    };
    const channel = this.#link.channel;
    if (this.#link.state !== 'connected' || !channel) {
      return fail(
        new OTError({ name: 'OT_NOT_CONNECTED', message: 'Connect to the session before subscribing.' }),
      );
    }
    if (!this.#link.capabilities.subscribe) {
      return fail(
        new OTError({ name: 'OT_PERMISSION_DENIED', message: 'This token does not allow subscribing.' }),
      );
    }
    const known = stream ? this.#registry.findStream(stream.streamId) : undefined;
    if (!known) {
      return fail(
        new OTError({
          name: 'OT_STREAM_NOT_FOUND',
          message: 'That stream is not (or no longer) in this session.',
        }),
      );
    }
    this.#subscribers.get(known.streamId)?.destroy('unsubscribe');
    let subscriber: Subscriber;
    try {
      subscriber = new Subscriber(known, target, properties);
    } catch (error) {
      return fail(error as OTError);
    }
    this.#subscribers.set(known.streamId, subscriber);
    const publisherConnectionId = known.connection.connectionId;
    let answered = false;
    subscriber.attachPeer(
      (handlers) =>
        new SubscriberPeer({
          ...this.#link.peerConfiguration(),
          send: (kind, payload) =>
            channel.send({ type: 'rtc', to: publisherConnectionId, streamId: known.streamId, kind, payload }),
          onStream: handlers.onStream,
          onState: handlers.onState,
        }),
      (error) => {
        answered = true;
        callback?.(error);
      },
      (s) => {
        if (this.#subscribers.get(known.streamId) === s) this.#subscribers.delete(known.streamId);
      },
    );
    window.setTimeout(() => {
      if (!answered && !subscriber.destroyed) {
        answered = true;
        callback?.(
          new OTError({
            name: 'OT_UNABLE_TO_SUBSCRIBE',
            message: 'The video connection to that stream could not be set up.',
          }),
        );
      }
    }, SUBSCRIBE_TIMEOUT_MS);
    return subscriber;
  }

  subscribersFor(streamId: string): Subscriber[] {
    const subscriber = this.#subscribers.get(streamId);
    return subscriber ? [subscriber] : [];
  }

  all(): Subscriber[] {
    return [...this.#subscribers.values()];
  }

  /** The default action of a remote stream's streamDestroyed: its subscriber leaves the page. */
  removeFor(streamId: string): void {
    this.#subscribers.get(streamId)?.destroy('streamDestroyed', false);
  }

  /** Feeds one relayed message to the subscriber it belongs to, if it came from that stream's publisher. */
  handle(message: RtcEvent): void {
    const subscriber = this.#subscribers.get(message.streamId);
    if (subscriber && subscriber.stream.connection.connectionId === message.from) {
      subscriber.handleRtc(message.kind, message.payload);
    }
  }

  /** This client came back as a new connection, so the publishers closed their side of every peer. */
  renegotiateAll(): void {
    for (const subscriber of this.#subscribers.values()) subscriber.renegotiate();
  }
}

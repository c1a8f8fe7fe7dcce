/** OT.Session: connects to the emulator's realtime channel and keeps streams, peers and recordings in step. */
import type {
  ArchiveInfo,
  ConnectedMessage,
  RtcEvent,
  ServerMessage,
  StreamInfo,
} from '../protocol/realtime';
import { Composer, type ComposerSource } from './composer';
import { sortWidgetArguments } from './dom';
import { OTError } from './errors';
import { createEvent, EventEmitter, type OTEvent } from './events';
import { PublisherPeer, SubscriberPeer } from './peer';
import { Publisher, type PublisherProperties } from './publisher';
import { RealtimeChannel } from './realtime';
import { StreamRecorder } from './recorder';
import { Connection, Stream } from './stream';
import { Subscriber, type SubscriberProperties } from './subscriber';
import type { UploadTarget } from './upload';

/** Mirrors the protocol's constants; importing values from protocol.ts would bundle server code. */
const COMPOSED_STREAM_ID = 'composed';
const MAX_SIGNAL_DATA_BYTES = 8192;
const MAX_SIGNAL_TYPE_BYTES = 128;
const SIGNAL_TYPE_PATTERN = /^[A-Za-z0-9\-_~]*$/;

type Callback = (error?: OTError) => void;

/** OpenTok.js's iceConfig option: `includeServers: 'custom'` uses only the page's servers. */
export interface IceConfig {
  includeServers?: 'all' | 'custom';
  transportPolicy?: 'all' | 'relay';
  customServers?: RTCIceServer[];
}

export type SignalEventObject = OTEvent<string, Session> & { data?: string; from: Connection | null };

export type SessionEvents = {
  sessionConnected: OTEvent<'sessionConnected', Session> & { connections: Connection[]; streams: Stream[] };
  sessionDisconnected: OTEvent<'sessionDisconnected', Session> & { reason: string };
  sessionReconnecting: OTEvent<'sessionReconnecting', Session>;
  sessionReconnected: OTEvent<'sessionReconnected', Session>;
  connectionCreated: OTEvent<'connectionCreated', Session> & { connection: Connection };
  connectionDestroyed: OTEvent<'connectionDestroyed', Session> & { connection: Connection; reason: string };
  streamCreated: OTEvent<'streamCreated', Session> & { stream: Stream };
  streamDestroyed: OTEvent<'streamDestroyed', Session> & { stream: Stream; reason: string };
  archiveStarted: OTEvent<'archiveStarted', Session> & { id: string; name: string };
  archiveStopped: OTEvent<'archiveStopped', Session> & { id: string; name: string };
  signal: SignalEventObject;
};

export interface SessionEnvironment {
  /** where the emulator is mounted, e.g. `/emulator` */
  emulatorPath: string;
}

interface Capabilities {
  publish: number;
  subscribe: number;
  forceDisconnect: number;
  forceUnpublish: number;
  forceMute: number;
}

const NO_CAPABILITIES: Capabilities = {
  publish: 0,
  subscribe: 0,
  forceDisconnect: 0,
  forceUnpublish: 0,
  forceMute: 0,
};

export class Session extends EventEmitter<SessionEvents> {
  readonly apiKey: string;
  readonly sessionId: string;
  connection: Connection | undefined;
  capabilities: Capabilities = { ...NO_CAPABILITIES };
  currentState: 'disconnected' | 'connecting' | 'connected' | 'disconnecting' = 'disconnected';

  readonly #env: SessionEnvironment;
  readonly #iceConfig: IceConfig | undefined;
  #channel: RealtimeChannel | null = null;
  /** kept after a disconnect: uploads still finishing then must authenticate as before */
  #uploadCredentials = { connectionId: '', uploadKey: '' };
  #iceServers: RTCIceServer[] = [];
  readonly #connections = new Map<string, Connection>();
  readonly #streams = new Map<string, Stream>();
  /** own publishers by streamId */
  readonly #publishers = new Map<string, Publisher>();
  readonly #subscribers = new Map<string, Subscriber>();
  /** publisher side of each (own stream, subscribing connection) pair: `${streamId} ${connectionId}` */
  readonly #publisherPeers = new Map<string, PublisherPeer>();
  #archive: ArchiveInfo | null = null;
  readonly #recorders = new Map<string, StreamRecorder>();
  #composer: Composer | null = null;
  #composerArchiveId: string | null = null;
  readonly #onPageHide = (): void => this.#abandonRecordings();

  constructor(
    apiKey: string,
    sessionId: string,
    env: SessionEnvironment,
    options: { iceConfig?: IceConfig } = {},
  ) {
    super();
    this.apiKey = apiKey;
    this.sessionId = sessionId;
    this.#env = env;
    this.#iceConfig = options.iceConfig;
  }

  // ------------------------------------------------------------------ connect / disconnect

  connect(token: string, callback?: Callback): this {
    if (this.currentState !== 'disconnected') {
      queueMicrotask(() =>
        callback?.(
          new OTError({
            name: 'OT_CONNECT_FAILED',
            message: 'This session is already connected or connecting.',
          }),
        ),
      );
      return this;
    }
    if (typeof token !== 'string' || token === '') {
      queueMicrotask(() =>
        callback?.(
          new OTError({
            name: 'OT_AUTHENTICATION_ERROR',
            message: 'No token was given to session.connect().',
          }),
        ),
      );
      return this;
    }
    this.currentState = 'connecting';
    const channel = new RealtimeChannel({
      url: this.#realtimeUrl(),
      connect: { apiKey: this.apiKey, sessionId: this.sessionId, token },
      events: {
        message: (message) => this.#onMessage(message),
        reconnecting: () => this.#emitSimple('sessionReconnecting'),
        reconnected: (connected) => {
          this.#applyConnected(connected, true);
          this.#emitSimple('sessionReconnected');
        },
        closed: (reason) => this.#onClosed(reason),
      },
    });
    this.#channel = channel;
    channel.open().then(
      (connected) => {
        if (this.#channel !== channel) return;
        this.currentState = 'connected';
        window.addEventListener('pagehide', this.#onPageHide);
        this.#applyConnected(connected, false);
        callback?.();
      },
      (error: OTError) => {
        if (this.#channel === channel) this.#channel = null;
        this.currentState = 'disconnected';
        callback?.(error);
      },
    );
    return this;
  }

  /** Resolves once recordings in progress have been flushed to the emulator. */
  disconnect(): Promise<void> {
    if (this.currentState === 'disconnected') return Promise.resolve();
    this.currentState = 'disconnecting';
    const flushed = this.#stopRecordings('recorder left');
    this.#channel?.close();
    this.#onClosed('clientDisconnected');
    return flushed;
  }

  // ------------------------------------------------------------------ publish

  publish(publisher: Publisher, callback?: Callback): Publisher;
  publish(target: HTMLElement | string, properties?: PublisherProperties, callback?: Callback): Publisher;
  publish(
    publisherOrTarget: Publisher | HTMLElement | string,
    propertiesOrCallback?: PublisherProperties | Callback,
    maybeCallback?: Callback,
  ): Publisher {
    let publisher: Publisher;
    let callback: Callback | undefined;
    if (publisherOrTarget instanceof Publisher) {
      publisher = publisherOrTarget;
      callback = typeof propertiesOrCallback === 'function' ? propertiesOrCallback : maybeCallback;
    } else {
      const properties = typeof propertiesOrCallback === 'object' ? propertiesOrCallback : {};
      callback = typeof propertiesOrCallback === 'function' ? propertiesOrCallback : maybeCallback;
      publisher = new Publisher(publisherOrTarget, properties);
    }
    this.#publish(publisher)
      .then(
        () => callback?.(),
        (error: OTError) => callback?.(error),
      )
      .catch((error: unknown) => console.error('OT: a publish completion handler threw', error));
    return publisher;
  }

  async #publish(publisher: Publisher): Promise<void> {
    const channel = this.#requireConnected();
    if (!this.capabilities.publish) {
      throw new OTError({
        name: 'OT_PERMISSION_DENIED',
        message: 'This token does not allow publishing (its role is subscriber).',
      });
    }
    if (publisher.stream) return;
    const media = await publisher.whenMedia();
    const video = media.getVideoTracks()[0];
    const settings = video?.getSettings();
    const ack = await channel.request({
      type: 'publish',
      stream: {
        name: publisher.properties.name ?? '',
        hasAudio: media.getAudioTracks().some((t) => t.enabled),
        hasVideo: media.getVideoTracks().some((t) => t.enabled),
        videoType: 'camera',
        videoDimensions: { width: settings?.width ?? 640, height: settings?.height ?? 480 },
        frameRate: Math.round(settings?.frameRate ?? publisher.properties.frameRate ?? 30),
      },
    });
    if (!ack.stream || !this.connection) {
      throw new OTError({
        name: 'OT_UNEXPECTED_SERVER_RESPONSE',
        message: 'The emulator did not return the new stream.',
      });
    }
    const stream = new Stream(ack.stream, this.connection);
    this.#streams.set(stream.streamId, stream);
    this.#publishers.set(stream.streamId, publisher);
    publisher.attachStream(stream, this);
    if (this.#archive?.outputMode === 'individual') this.#startRecorder(publisher, this.#archive);
  }

  unpublish(publisher: Publisher): void {
    const stream = publisher.stream;
    if (!stream) return;
    this.#channel?.request({ type: 'unpublish', streamId: stream.streamId }).catch(() => undefined);
    this.#endOwnStream(stream.streamId, 'unpublished');
  }

  getPublisherForStream(stream: Stream): Publisher | undefined {
    return this.#publishers.get(stream.streamId);
  }

  // ------------------------------------------------------------------ subscribe

  subscribe(
    stream: Stream,
    target?: HTMLElement | string | SubscriberProperties | Callback,
    properties?: SubscriberProperties | Callback,
    callback?: Callback,
  ): Subscriber | undefined {
    ({ target, properties, callback } = sortWidgetArguments<SubscriberProperties, Callback>(
      target,
      properties,
      callback,
    ));
    const fail = (error: OTError): undefined => {
      queueMicrotask(() => callback?.(error));
      return undefined;
    };
    if (this.currentState !== 'connected' || !this.#channel) {
      return fail(
        new OTError({ name: 'OT_NOT_CONNECTED', message: 'Connect to the session before subscribing.' }),
      );
    }
    if (!this.capabilities.subscribe) {
      return fail(
        new OTError({ name: 'OT_PERMISSION_DENIED', message: 'This token does not allow subscribing.' }),
      );
    }
    const known = stream ? this.#streams.get(stream.streamId) : undefined;
    if (!known || this.#publishers.has(known.streamId)) {
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
      subscriber = new Subscriber(known, target as HTMLElement | string | undefined, properties ?? {});
    } catch (error) {
      return fail(error as OTError);
    }
    this.#subscribers.set(known.streamId, subscriber);
    const channel = this.#channel;
    const publisherConnectionId = known.connection.connectionId;
    let answered = false;
    subscriber.attachPeer(
      (handlers) =>
        new SubscriberPeer({
          ...this.#peerConfiguration(),
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
    }, 20_000);
    return subscriber;
  }

  unsubscribe(subscriber: Subscriber): void {
    subscriber.destroy('unsubscribe');
  }

  getSubscribersForStream(stream: Stream): Subscriber[] {
    const subscriber = this.#subscribers.get(stream.streamId);
    return subscriber ? [subscriber] : [];
  }

  // ------------------------------------------------------------------ signal, forceDisconnect

  signal(
    signal: { type?: string; data?: string; to?: Connection; retryAfterReconnect?: boolean },
    callback?: Callback,
  ): Promise<void> {
    const result = this.#signal(signal);
    result.then(
      () => callback?.(),
      (error: OTError) => callback?.(error),
    );
    return callback ? result.catch(() => undefined) : result;
  }

  async #signal(signal: { type?: string; data?: string; to?: Connection }): Promise<void> {
    const channel = this.#requireConnected();
    const type = signal.type;
    const data = signal.data;
    const encoder = new TextEncoder();
    if (
      type !== undefined &&
      (encoder.encode(type).length > MAX_SIGNAL_TYPE_BYTES || !SIGNAL_TYPE_PATTERN.test(type))
    ) {
      throw new OTError({
        name: 'OT_INVALID_PARAMETER',
        message: 'A signal type is at most 128 characters of letters, digits, "-", "_" and "~".',
      });
    }
    if (
      data !== undefined &&
      (typeof data !== 'string' || encoder.encode(data).length > MAX_SIGNAL_DATA_BYTES)
    ) {
      throw new OTError({
        name: 'OT_INVALID_PARAMETER',
        message: 'Signal data must be a string of at most 8 KB.',
      });
    }
    await channel.request({
      type: 'signal',
      ...(signal.to ? { to: signal.to.connectionId } : {}),
      ...(type !== undefined ? { signalType: type } : {}),
      ...(data !== undefined ? { data } : {}),
    });
  }

  forceDisconnect(connection: Connection, callback?: Callback): Promise<void> {
    const result = (async () => {
      const channel = this.#requireConnected();
      if (!this.capabilities.forceDisconnect) {
        throw new OTError({
          name: 'OT_PERMISSION_DENIED',
          message: 'Only a moderator token may force a disconnect.',
        });
      }
      await channel.request({ type: 'forceDisconnect', connectionId: connection.connectionId });
    })();
    result.then(
      () => callback?.(),
      (error: OTError) => callback?.(error),
    );
    return callback ? result.catch(() => undefined) : result;
  }

  // ------------------------------------------------------------------ server messages

  #applyConnected(connected: ConnectedMessage, reconnect: boolean): void {
    this.connection = new Connection(connected.connection);
    const caps = connected.capabilities;
    this.capabilities = {
      publish: caps.publish ? 1 : 0,
      subscribe: caps.subscribe ? 1 : 0,
      forceDisconnect: caps.forceDisconnect ? 1 : 0,
      forceUnpublish: caps.forceDisconnect ? 1 : 0,
      forceMute: caps.forceDisconnect ? 1 : 0,
    };
    this.#uploadCredentials = {
      connectionId: connected.connection.connectionId,
      uploadKey: connected.uploadKey,
    };
    this.#iceServers = connected.iceServers;
    const own = this.connection.connectionId;

    const others = connected.connections.filter((c) => c.connectionId !== own);
    const remoteStreams = connected.streams.filter((s) => s.connectionId !== own);
    if (!reconnect) {
      for (const info of others) this.#connections.set(info.connectionId, new Connection(info));
      for (const info of remoteStreams) this.#addStream(info);
      this.emit(
        'sessionConnected',
        createEvent('sessionConnected', this, {
          connections: [...this.#connections.values()],
          streams: [...this.#streams.values()].filter((s) => !this.#publishers.has(s.streamId)),
        }),
      );
      for (const connection of this.#connections.values()) this.#emitConnectionCreated(connection);
      for (const stream of [...this.#streams.values()]) this.#emitStreamCreated(stream);
    } else {
      // Only what changed while the socket was down becomes an event, so nothing appears twice.
      const liveConnections = new Set(others.map((c) => c.connectionId));
      for (const [id, connection] of this.#connections) {
        if (!liveConnections.has(id)) this.#removeConnection(connection, 'networkDisconnected');
      }
      for (const info of others) {
        if (this.#connections.has(info.connectionId)) continue;
        const connection = new Connection(info);
        this.#connections.set(info.connectionId, connection);
        this.#emitConnectionCreated(connection);
      }
      const liveStreams = new Set(remoteStreams.map((s) => s.streamId));
      for (const stream of [...this.#streams.values()]) {
        if (!this.#publishers.has(stream.streamId) && !liveStreams.has(stream.streamId)) {
          this.#removeRemoteStream(stream.streamId, 'networkDisconnected');
        }
      }
      for (const info of remoteStreams) {
        if (!this.#streams.has(info.streamId)) this.#emitStreamCreated(this.#addStream(info));
      }
    }

    if (reconnect) {
      // A refused resume means a new connection: none of this client's streams survived. A resume reports
      // the streams it kept; one missing there (e.g. removed by the emulator meanwhile) is published again.
      const kept = connected.resumed
        ? new Set((connected.ownStreams ?? []).map((s) => s.streamId))
        : new Set();
      const lost = [...this.#publishers.keys()].filter(
        (id) => connected.resumed === false || (connected.ownStreams !== undefined && !kept.has(id)),
      );
      if (lost.length > 0) this.#republish(lost);
      // The publishers closed their side of every peer connection of the old connection.
      if (connected.resumed === false)
        for (const subscriber of this.#subscribers.values()) subscriber.renegotiate();
    }

    const archive = connected.archive;
    if (archive && archive.id !== this.#archive?.id) this.#onArchiveStarted(archive);
    else if (!archive && this.#archive && reconnect) this.#onArchiveStopped(this.#archive);
  }

  /** Streams the others saw end while the network was away come back as new streams of the same publishers. */
  #republish(streamIds: string[]): void {
    const publishers = streamIds.flatMap((id) => {
      const publisher = this.#publishers.get(id);
      return publisher ? [publisher] : [];
    });
    for (const streamId of streamIds) this.#endOwnStream(streamId, 'networkDisconnected', true, true);
    for (const publisher of publishers) {
      this.#publish(publisher).catch((error: unknown) =>
        console.warn('OT: could not publish again after reconnecting', error),
      );
    }
  }

  #onMessage(message: ServerMessage): void {
    const own = this.connection?.connectionId;
    switch (message.type) {
      case 'connectionCreated': {
        if (message.connection.connectionId === own || this.#connections.has(message.connection.connectionId))
          return;
        const connection = new Connection(message.connection);
        this.#connections.set(connection.connectionId, connection);
        this.#emitConnectionCreated(connection);
        return;
      }
      case 'connectionDestroyed': {
        const connection = this.#connections.get(message.connection.connectionId);
        if (connection) this.#removeConnection(connection, message.reason);
        return;
      }
      case 'streamCreated':
        if (message.stream.connectionId === own || this.#streams.has(message.stream.streamId)) return;
        this.#emitStreamCreated(this.#addStream(message.stream));
        return;
      case 'streamDestroyed':
        if (this.#publishers.has(message.stream.streamId)) {
          this.#endOwnStream(
            message.stream.streamId,
            message.reason === 'forceDisconnected' ? 'forceUnpublished' : message.reason,
          );
        } else {
          this.#removeRemoteStream(message.stream.streamId, message.reason);
        }
        return;
      case 'signal':
        this.#emitSignal(message.from, message.signalType, message.data);
        return;
      case 'rtc':
        this.#onRtc(message);
        return;
      case 'archiveStarted':
        this.#onArchiveStarted(message.archive);
        return;
      case 'archiveStopped':
        this.#onArchiveStopped(message.archive);
        return;
      case 'recorderElected':
        this.#onRecorderElected(message.archiveId, message.recording);
        return;
      case 'error':
      case 'disconnected':
      case 'connected':
      case 'ack':
      case 'pong':
        // Close codes carry the outcome; these frames only precede them.
        return;
    }
  }

  #onRtc(message: RtcEvent): void {
    const publisher = this.#publishers.get(message.streamId);
    if (publisher) {
      const key = `${message.streamId} ${message.from}`;
      if (message.kind === 'offer') {
        this.#publisherPeers.get(key)?.close();
        const media = publisher.mediaStream;
        const channel = this.#channel;
        if (!media || !channel) return;
        const peer = new PublisherPeer({
          ...this.#peerConfiguration(),
          media,
          send: (kind, payload) =>
            channel.send({ type: 'rtc', to: message.from, streamId: message.streamId, kind, payload }),
          onState: (state) => {
            if ((state === 'closed' || state === 'failed') && this.#publisherPeers.get(key) === peer) {
              this.#publisherPeers.delete(key);
            }
          },
        });
        this.#publisherPeers.set(key, peer);
      }
      this.#publisherPeers.get(key)?.handle(message.kind, message.payload);
      return;
    }
    const subscriber = this.#subscribers.get(message.streamId);
    if (subscriber && subscriber.stream.connection.connectionId === message.from) {
      subscriber.handleRtc(message.kind, message.payload);
    }
  }

  #onClosed(reason: 'clientDisconnected' | 'forceDisconnected' | 'networkDisconnected'): void {
    if (this.currentState === 'disconnected') return;
    window.removeEventListener('pagehide', this.#onPageHide);
    if (reason !== 'clientDisconnected') this.#stopRecordingsInBackground('recorder left');
    this.#channel = null;
    this.currentState = 'disconnected';
    for (const peer of this.#publisherPeers.values()) peer.close();
    this.#publisherPeers.clear();
    for (const streamId of [...this.#publishers.keys()]) this.#endOwnStream(streamId, reason, false);
    for (const stream of [...this.#streams.values()]) this.#removeRemoteStream(stream.streamId, reason);
    for (const connection of [...this.#connections.values()]) this.#removeConnection(connection, reason);
    this.#archive = null;
    const event = createEvent('sessionDisconnected', this, { reason }, true);
    this.emit('sessionDisconnected', event);
    this.connection = undefined;
    this.capabilities = { ...NO_CAPABILITIES };
  }

  // ------------------------------------------------------------------ streams and connections

  #addStream(info: StreamInfo): Stream {
    const connection =
      this.#connections.get(info.connectionId) ??
      new Connection({ connectionId: info.connectionId, creationTime: info.creationTime, data: '' });
    const stream = new Stream(info, connection);
    this.#streams.set(stream.streamId, stream);
    return stream;
  }

  #emitStreamCreated(stream: Stream): void {
    this.emit('streamCreated', createEvent('streamCreated', this, { stream }));
  }

  #emitConnectionCreated(connection: Connection): void {
    this.emit('connectionCreated', createEvent('connectionCreated', this, { connection }));
  }

  #removeRemoteStream(streamId: string, reason: string): void {
    const stream = this.#streams.get(streamId);
    if (!stream) return;
    this.#streams.delete(streamId);
    const event = createEvent('streamDestroyed', this, { stream, reason }, true);
    this.emit('streamDestroyed', event);
    // Default action, as in OpenTok.js: subscribers of a gone stream are removed from the page.
    if (!event.isDefaultPrevented()) this.#subscribers.get(streamId)?.destroy('streamDestroyed', false);
  }

  #removeConnection(connection: Connection, reason: string): void {
    this.#connections.delete(connection.connectionId);
    for (const [key, peer] of this.#publisherPeers) {
      if (key.endsWith(` ${connection.connectionId}`)) {
        peer.close();
        this.#publisherPeers.delete(key);
      }
    }
    for (const stream of [...this.#streams.values()]) {
      if (
        stream.connection.connectionId === connection.connectionId &&
        !this.#publishers.has(stream.streamId)
      ) {
        this.#removeRemoteStream(stream.streamId, reason);
      }
    }
    this.emit('connectionDestroyed', createEvent('connectionDestroyed', this, { connection, reason }));
  }

  /** Ends one of this client's own streams: peers closed, recording finished, publisher told. */
  #endOwnStream(streamId: string, reason: string, finishRecording = true, keepPublisher = false): void {
    const publisher = this.#publishers.get(streamId);
    this.#publishers.delete(streamId);
    this.#streams.delete(streamId);
    for (const [key, peer] of this.#publisherPeers) {
      if (key.startsWith(`${streamId} `)) {
        peer.close();
        this.#publisherPeers.delete(key);
      }
    }
    const recorder = this.#recorders.get(streamId);
    this.#recorders.delete(streamId);
    if (recorder && finishRecording) {
      recorder.stop().catch((error: unknown) => console.warn('OT: could not finish a recording', error));
    }
    publisher?.detachStream(reason, keepPublisher);
  }

  #emitSignal(fromId: string | null, signalType: string | undefined, data: string | undefined): void {
    let from: Connection | null = null;
    if (fromId !== null) {
      from =
        fromId === this.connection?.connectionId
          ? this.connection
          : (this.#connections.get(fromId) ??
            new Connection({ connectionId: fromId, creationTime: 0, data: '' }));
    }
    // OpenTok.js dispatches a typed signal both as "signal" and as "signal:<type>"; the event's `type`
    // then reads "signal:<type>" (the reference leaves this unverified; this follows OpenTok.js's SignalEvent).
    const type = signalType ? `signal:${signalType}` : 'signal';
    const extra = { data, from };
    this.emit('signal', createEvent(type, this, extra));
    if (signalType) this.emit(type, createEvent(type, this, extra));
  }

  // ------------------------------------------------------------------ archives and recording

  #onArchiveStarted(archive: ArchiveInfo): void {
    this.#archive = archive;
    this.emit(
      'archiveStarted',
      createEvent('archiveStarted', this, { id: archive.id, name: archive.name ?? '' }),
    );
    if (archive.outputMode !== 'individual') return;
    for (const publisher of this.#publishers.values()) this.#startRecorder(publisher, archive);
  }

  #onArchiveStopped(archive: ArchiveInfo): void {
    if (this.#archive?.id === archive.id) this.#archive = null;
    this.#stopRecordingsInBackground(undefined, archive.id);
    this.emit(
      'archiveStopped',
      createEvent('archiveStopped', this, { id: archive.id, name: archive.name ?? '' }),
    );
  }

  #startRecorder(publisher: Publisher, archive: ArchiveInfo): void {
    const media = publisher.mediaStream;
    const streamId = publisher.stream?.streamId;
    if (!media || !streamId || this.#recorders.has(streamId)) return;
    const recorder = new StreamRecorder({ archive, media, upload: this.#uploadTarget(archive.id, streamId) });
    this.#recorders.set(streamId, recorder);
    recorder.start().catch((error: unknown) => console.warn('OT: could not start recording', error));
  }

  #onRecorderElected(archiveId: string, recording: boolean): void {
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
      sources: () => this.#composerSources(),
      upload: this.#uploadTarget(archiveId, COMPOSED_STREAM_ID),
    });
    this.#composer
      .start()
      .catch((error: unknown) => console.warn('OT: could not start the composed recording', error));
  }

  #composerSources(): ComposerSource[] {
    const sources: ComposerSource[] = [];
    for (const publisher of this.#publishers.values()) {
      sources.push({ video: publisher.videoElement, media: publisher.mediaStream });
    }
    for (const subscriber of this.#subscribers.values()) {
      sources.push({ video: subscriber.videoElement, media: subscriber.mediaStream });
    }
    return sources;
  }

  async #stopComposer(note?: string): Promise<void> {
    const composer = this.#composer;
    this.#composer = null;
    this.#composerArchiveId = null;
    await composer?.stop(note);
  }

  async #stopRecordings(note?: string, archiveId?: string): Promise<void> {
    const recorders = [...this.#recorders.entries()];
    this.#recorders.clear();
    const composerMatches = archiveId === undefined || this.#composerArchiveId === archiveId;
    await Promise.all([
      ...recorders.map(([, r]) => r.stop()),
      composerMatches ? this.#stopComposer(note) : Promise.resolve(),
    ]);
  }

  /** Stopping from an event handler: nobody awaits it, so a failure is reported here rather than lost. */
  #stopRecordingsInBackground(note?: string, archiveId?: string): void {
    this.#stopRecordings(note, archiveId).catch((error: unknown) =>
      console.warn('OT: could not finish the recordings', error),
    );
  }

  #abandonRecordings(): void {
    for (const recorder of this.#recorders.values()) recorder.abandon();
    this.#recorders.clear();
    this.#composer?.abandon('recorder left');
    this.#composer = null;
    this.#composerArchiveId = null;
  }

  #uploadTarget(archiveId: string, streamId: string): UploadTarget {
    return {
      mediaUrl: `${location.origin}${this.#env.emulatorPath}/media`,
      archiveId,
      streamId,
      credentials: () => this.#uploadCredentials,
    };
  }

  // ------------------------------------------------------------------ helpers

  #requireConnected(): RealtimeChannel {
    if (this.currentState !== 'connected' || !this.#channel) {
      throw new OTError({ name: 'OT_NOT_CONNECTED', message: 'Connect to the session first.' });
    }
    return this.#channel;
  }

  #emitSimple(type: 'sessionReconnecting' | 'sessionReconnected'): void {
    this.emit(type, createEvent(type, this, {}));
  }

  /** The emulator's ICE servers (ICE_SERVERS) plus the page's iceConfig, as OpenTok.js combines them. */
  #peerConfiguration(): { iceServers: RTCIceServer[]; iceTransportPolicy: RTCIceTransportPolicy } {
    const custom = this.#iceConfig?.customServers ?? [];
    return {
      iceServers: this.#iceConfig?.includeServers === 'custom' ? custom : [...this.#iceServers, ...custom],
      iceTransportPolicy: this.#iceConfig?.transportPolicy === 'relay' ? 'relay' : 'all',
    };
  }

  #realtimeUrl(): string {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}${this.#env.emulatorPath}/realtime`;
  }
}

/**
 * OT.Session: the page's API and events for one session. It owns the parts that keep the session in step with
 * the emulator (connection, registry, publishing, subscriptions, recording) and turns their reports into events.
 */
import type {
  ArchiveInfo,
  ConnectedMessage,
  ServerMessage,
  SignalEvent,
  StreamFlag,
  StreamPropertyChangedEvent,
} from '../protocol/realtime';
import { ArchiveRecording } from './archive-recording';
import type { ComposerSource } from './composer';
import { displayNameOf } from './display-name';
import { sortWidgetArguments } from './dom';
import type { OTError } from './errors';
import { createEvent, EventEmitter, type OTEvent } from './events';
import type { IceConfig } from './ice-config';
import { Publisher, type PublisherProperties } from './publisher';
import { PublisherPeers } from './publisher-peers';
import { Publishing } from './publishing';
import type { CloseReason } from './realtime';
import { SessionConnection, type SessionCapabilities, type SessionState } from './session-connection';
import { SessionRegistry } from './session-registry';
import {
  findSignalSender,
  requestForceDisconnect,
  sendSignal,
  signalEventType,
  type OutgoingSignal,
} from './signals';
import type { Connection, Stream } from './stream';
import type { Subscriber, SubscriberProperties } from './subscriber';
import { Subscriptions } from './subscriptions';

type Callback = (error?: OTError) => void;

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
  streamPropertyChanged: OTEvent<'streamPropertyChanged', Session> & {
    stream: Stream;
    changedProperty: StreamFlag;
    oldValue: boolean;
    newValue: boolean;
  };
  archiveStarted: OTEvent<'archiveStarted', Session> & { id: string; name: string };
  archiveStopped: OTEvent<'archiveStopped', Session> & { id: string; name: string };
  signal: SignalEventObject;
};

export interface SessionEnvironment {
  /** where the emulator is mounted, e.g. `/emulator` */
  emulatorPath: string;
}

export class Session extends EventEmitter<SessionEvents> {
  readonly apiKey: string;
  readonly sessionId: string;
  readonly #link: SessionConnection;
  readonly #registry: SessionRegistry;
  readonly #recording: ArchiveRecording;
  readonly #publisherPeers: PublisherPeers;
  readonly #publishing: Publishing;
  readonly #subscriptions: Subscriptions;

  constructor(
    apiKey: string,
    sessionId: string,
    env: SessionEnvironment,
    options: { iceConfig?: IceConfig } = {},
  ) {
    super();
    this.apiKey = apiKey;
    this.sessionId = sessionId;
    this.#link = new SessionConnection({
      apiKey,
      sessionId,
      emulatorPath: env.emulatorPath,
      iceConfig: options.iceConfig,
      events: {
        connected: (connected) => this.#onConnected(connected),
        reconnecting: () => this.emit('sessionReconnecting', createEvent('sessionReconnecting', this, {})),
        reconnected: (connected) => this.#onReconnected(connected),
        message: (message) => this.#onMessage(message),
        closed: (reason) => this.#onClosed(reason),
        pageHidden: () => this.#recording.abandonAll(),
      },
    });
    this.#registry = new SessionRegistry({
      connectionCreated: (connection) => this.#announceConnection(connection),
      connectionDestroyed: (connection, reason) => {
        this.#publisherPeers.closeForConnection(connection.connectionId);
        this.emit('connectionDestroyed', createEvent('connectionDestroyed', this, { connection, reason }));
      },
      streamCreated: (stream) => this.#announceStream(stream),
      streamDestroyed: (stream, reason) => {
        const event = createEvent('streamDestroyed', this, { stream, reason }, true);
        this.emit('streamDestroyed', event);
        // Default action, as in OpenTok.js: subscribers of a gone stream are removed from the page.
        if (!event.isDefaultPrevented()) this.#subscriptions.removeFor(stream.streamId);
      },
      streamPropertyChanged: (stream, changedProperty, oldValue, newValue) =>
        this.#announcePropertyChange(stream, changedProperty, oldValue, newValue),
    });
    this.#recording = new ArchiveRecording({ emulatorPath: env.emulatorPath });
    this.#publisherPeers = new PublisherPeers(this.#link);
    this.#subscriptions = new Subscriptions({ link: this.#link, registry: this.#registry });
    this.#publishing = new Publishing({
      link: this.#link,
      peers: this.#publisherPeers,
      recording: this.#recording,
      session: this,
    });
  }

  /** This client's own connection, from `sessionConnected` until `sessionDisconnected` has been handled. */
  get connection(): Connection | undefined {
    return this.#link.connection;
  }

  get capabilities(): SessionCapabilities {
    return this.#link.capabilities;
  }

  get currentState(): SessionState {
    return this.#link.state;
  }

  connect(token: string, callback?: Callback): this {
    this.#link.connect(token, callback);
    return this;
  }

  /** Resolves once recordings in progress have been flushed to the emulator. */
  disconnect(): Promise<void> {
    if (this.#link.state === 'disconnected') return Promise.resolve();
    const flushed = this.#recording.stopAll('recorder left');
    this.#link.disconnect();
    return flushed;
  }

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
    this.#publishing
      .publish(publisher)
      .then(
        () => callback?.(),
        (error: OTError) => callback?.(error),
      )
      .catch((error: unknown) => console.error('OT: a publish completion handler threw', error));
    return publisher;
  }

  unpublish(publisher: Publisher): void {
    this.#publishing.unpublish(publisher);
  }

  getPublisherForStream(stream: Stream): Publisher | undefined {
    return this.#publishing.find(stream.streamId);
  }

  subscribe(
    stream: Stream,
    target?: HTMLElement | string | SubscriberProperties | Callback,
    properties?: SubscriberProperties | Callback,
    callback?: Callback,
  ): Subscriber | undefined {
    const args = sortWidgetArguments<SubscriberProperties, Callback>(target, properties, callback);
    return this.#subscriptions.subscribe(stream, args.target, args.properties ?? {}, args.callback);
  }

  unsubscribe(subscriber: Subscriber): void {
    subscriber.destroy('unsubscribe');
  }

  getSubscribersForStream(stream: Stream): Subscriber[] {
    return this.#subscriptions.subscribersFor(stream.streamId);
  }

  signal(signal: OutgoingSignal, callback?: Callback): Promise<void> {
    return settle(sendSignal(this.#link, signal), callback);
  }

  forceDisconnect(connection: Connection, callback?: Callback): Promise<void> {
    return settle(requestForceDisconnect(this.#link, connection), callback);
  }

  #onConnected(connected: ConnectedMessage): void {
    this.#recording.useCredentialsOf(connected);
    this.#registry.load(connected);
    this.emit(
      'sessionConnected',
      createEvent('sessionConnected', this, {
        connections: this.#registry.connections(),
        streams: this.#registry.streams(),
      }),
    );
    for (const connection of this.#registry.connections()) this.#announceConnection(connection);
    for (const stream of this.#registry.streams()) this.#announceStream(stream);
    const archive = connected.archive;
    if (archive && archive.id !== this.#recording.archive?.id) this.#onArchiveStarted(archive);
  }

  #onReconnected(connected: ConnectedMessage): void {
    this.#recording.useCredentialsOf(connected);
    this.#registry.sync(connected);
    this.#publishing.republishLost(connected);
    // A change of an own stream announced while the socket was silent never arrived: the resume says how it is.
    for (const info of connected.resumed ? (connected.ownStreams ?? []) : []) {
      this.#changeOwnStream(info.streamId, 'hasAudio', info.hasAudio);
      this.#changeOwnStream(info.streamId, 'hasVideo', info.hasVideo);
    }
    this.#publishing.restoreFlags(connected);
    // A refused resume means a new connection: the publishers closed their side of every peer of the old one.
    if (connected.resumed === false) this.#subscriptions.renegotiateAll();
    const archive = connected.archive;
    const current = this.#recording.archive;
    if (archive && archive.id !== current?.id) this.#onArchiveStarted(archive);
    else if (!archive && current) this.#onArchiveStopped(current);
    this.emit('sessionReconnected', createEvent('sessionReconnected', this, {}));
  }

  #onMessage(message: ServerMessage): void {
    const own = this.#link.connection?.connectionId;
    switch (message.type) {
      case 'connectionCreated':
        if (message.connection.connectionId !== own) this.#registry.addConnection(message.connection);
        return;
      case 'connectionDestroyed':
        this.#registry.removeConnection(message.connection.connectionId, message.reason);
        return;
      case 'streamCreated':
        if (message.stream.connectionId !== own) this.#registry.addStream(message.stream);
        return;
      case 'streamDestroyed':
        if (this.#publishing.find(message.stream.streamId)) {
          this.#publishing.end(
            message.stream.streamId,
            message.reason === 'forceDisconnected' ? 'forceUnpublished' : message.reason,
          );
        } else {
          this.#registry.removeStream(message.stream.streamId, message.reason);
        }
        return;
      case 'streamPropertyChanged':
        this.#onStreamPropertyChanged(message);
        return;
      case 'signal':
        this.#onSignal(message);
        return;
      case 'rtc': {
        const publisher = this.#publishing.find(message.streamId);
        if (publisher) this.#publisherPeers.handle(message, publisher.mediaStream);
        else this.#subscriptions.handle(message);
        return;
      }
      case 'archiveStarted':
        this.#onArchiveStarted(message.archive);
        return;
      case 'archiveStopped':
        this.#onArchiveStopped(message.archive);
        return;
      case 'recorderElected':
        this.#recording.applyElection(message.archiveId, message.recording, () => this.#composerSources());
        return;
      case 'archiveLayout':
        this.#recording.applyLayout(message);
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

  #onClosed(reason: CloseReason): void {
    if (reason !== 'clientDisconnected') this.#recording.stopAllInBackground('recorder left');
    this.#publisherPeers.closeAll();
    this.#publishing.endAll(reason);
    this.#registry.clear(reason);
    this.#recording.forgetArchive();
    this.emit('sessionDisconnected', createEvent('sessionDisconnected', this, { reason }, true));
  }

  #onArchiveStarted(archive: ArchiveInfo): void {
    this.#recording.startArchive(archive);
    this.emit(
      'archiveStarted',
      createEvent('archiveStarted', this, { id: archive.id, name: archive.name ?? '' }),
    );
    for (const publisher of this.#publishing.publishers()) this.#recording.record(publisher);
  }

  #onArchiveStopped(archive: ArchiveInfo): void {
    this.#recording.stopArchive(archive);
    this.emit(
      'archiveStopped',
      createEvent('archiveStopped', this, { id: archive.id, name: archive.name ?? '' }),
    );
  }

  #onSignal(message: SignalEvent): void {
    const from = findSignalSender(message.from, this.#link, this.#registry);
    const type = signalEventType(message.signalType);
    const extra = { data: message.data, from };
    this.emit('signal', createEvent(type, this, extra));
    if (message.signalType) this.emit(type, createEvent(type, this, extra));
  }

  /** Fired for own streams too, as OpenTok.js does when the page mutes its publisher. */
  #onStreamPropertyChanged(message: StreamPropertyChangedEvent): void {
    const { stream, changedProperty, newValue } = message;
    if (this.#publishing.find(stream.streamId))
      this.#changeOwnStream(stream.streamId, changedProperty, newValue);
    else this.#registry.changeStream(stream.streamId, changedProperty, newValue);
  }

  #changeOwnStream(streamId: string, flag: StreamFlag, value: boolean): void {
    const change = this.#publishing.applyFlag(streamId, flag, value);
    if (change) this.#announcePropertyChange(change.stream, flag, change.oldValue, value);
  }

  #announcePropertyChange(
    stream: Stream,
    changedProperty: StreamFlag,
    oldValue: boolean,
    newValue: boolean,
  ): void {
    this.emit(
      'streamPropertyChanged',
      createEvent('streamPropertyChanged', this, { stream, changedProperty, oldValue, newValue }),
    );
  }

  #announceConnection(connection: Connection): void {
    this.emit('connectionCreated', createEvent('connectionCreated', this, { connection }));
  }

  #announceStream(stream: Stream): void {
    this.emit('streamCreated', createEvent('streamCreated', this, { stream }));
  }

  /** What a composed recording made here shows: this client's publishers, then its subscribers. */
  #composerSources(): ComposerSource[] {
    const ownName = displayNameOf(this.#link.connection?.data);
    return [
      ...this.#publishing.publishers().map((p) => ({
        streamId: p.stream?.streamId ?? null,
        video: p.videoElement,
        media: p.mediaStream,
        hasVideo: p.stream?.hasVideo,
        name: ownName,
      })),
      ...this.#subscriptions.all().map((s) => ({
        streamId: s.stream.streamId,
        video: s.videoElement,
        media: s.mediaStream,
        hasVideo: s.stream.hasVideo,
        name: displayNameOf(s.stream.connection.data),
      })),
    ];
  }
}

/** OpenTok.js's dual style: the promise is returned, and a callback, if given, hears the outcome instead. */
function settle(result: Promise<void>, callback: Callback | undefined): Promise<void> {
  result.then(
    () => callback?.(),
    (error: OTError) => callback?.(error),
  );
  return callback ? result.catch(() => undefined) : result;
}

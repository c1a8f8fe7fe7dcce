/** The other clients' connections and streams as this client knows them, and the changes that become events. */
import type { ConnectedMessage, ConnectionInfo, StreamFlag, StreamInfo } from '../protocol/realtime';
import { Connection, Stream } from './stream';

/** What the registry reports to the session that owns it, which turns each report into a page event. */
export interface RegistryEvents {
  connectionCreated: (connection: Connection) => void;
  connectionDestroyed: (connection: Connection, reason: string) => void;
  streamCreated: (stream: Stream) => void;
  streamDestroyed: (stream: Stream, reason: string) => void;
  streamPropertyChanged: (stream: Stream, property: StreamFlag, oldValue: boolean, newValue: boolean) => void;
}

const STREAM_FLAGS: readonly StreamFlag[] = ['hasAudio', 'hasVideo'];

export class SessionRegistry {
  readonly #events: RegistryEvents;
  readonly #connections = new Map<string, Connection>();
  readonly #streams = new Map<string, Stream>();

  constructor(events: RegistryEvents) {
    this.#events = events;
  }

  connections(): Connection[] {
    return [...this.#connections.values()];
  }

  streams(): Stream[] {
    return [...this.#streams.values()];
  }

  findConnection(connectionId: string): Connection | undefined {
    return this.#connections.get(connectionId);
  }

  findStream(streamId: string): Stream | undefined {
    return this.#streams.get(streamId);
  }

  /** Fills the registry from a first `connected` reply without reporting: the session announces it all. */
  load(connected: ConnectedMessage): void {
    const { connections, streams } = othersIn(connected);
    for (const info of connections) this.#connections.set(info.connectionId, new Connection(info));
    for (const info of streams) this.#store(info);
  }

  /** After a reconnect only what changed while the socket was down is reported, so nothing appears twice. */
  sync(connected: ConnectedMessage): void {
    const { connections, streams } = othersIn(connected);
    const liveConnections = new Set(connections.map((c) => c.connectionId));
    for (const id of [...this.#connections.keys()]) {
      if (!liveConnections.has(id)) this.removeConnection(id, 'networkDisconnected');
    }
    for (const info of connections) this.addConnection(info);
    const liveStreams = new Set(streams.map((s) => s.streamId));
    for (const id of [...this.#streams.keys()]) {
      if (!liveStreams.has(id)) this.removeStream(id, 'networkDisconnected');
    }
    for (const info of streams) {
      this.addStream(info);
      // Changes made while the socket was down arrive as the stream's current flags.
      for (const flag of STREAM_FLAGS) this.changeStream(info.streamId, flag, info[flag]);
    }
  }

  /** Adds and reports a connection not yet known; a known one is left as it is. */
  addConnection(info: ConnectionInfo): void {
    if (this.#connections.has(info.connectionId)) return;
    const connection = new Connection(info);
    this.#connections.set(connection.connectionId, connection);
    this.#events.connectionCreated(connection);
  }

  /** Adds and reports a stream not yet known; a known one is left as it is. */
  addStream(info: StreamInfo): void {
    if (this.#streams.has(info.streamId)) return;
    this.#events.streamCreated(this.#store(info));
  }

  /** Sets a known stream's audio or video flag and reports it when the value changed. */
  changeStream(streamId: string, flag: StreamFlag, value: boolean): void {
    const stream = this.#streams.get(streamId);
    if (!stream || stream[flag] === value) return;
    const oldValue = stream[flag];
    stream[flag] = value;
    this.#events.streamPropertyChanged(stream, flag, oldValue, value);
  }

  /** A connection that leaves takes its streams with it: they are reported gone first. */
  removeConnection(connectionId: string, reason: string): void {
    const connection = this.#connections.get(connectionId);
    if (!connection) return;
    this.#connections.delete(connectionId);
    for (const stream of this.streams()) {
      if (stream.connection.connectionId === connectionId) this.removeStream(stream.streamId, reason);
    }
    this.#events.connectionDestroyed(connection, reason);
  }

  removeStream(streamId: string, reason: string): void {
    const stream = this.#streams.get(streamId);
    if (!stream) return;
    this.#streams.delete(streamId);
    this.#events.streamDestroyed(stream, reason);
  }

  /** The session ended: every stream, then every connection, is reported gone. */
  clear(reason: string): void {
    for (const stream of this.streams()) this.removeStream(stream.streamId, reason);
    for (const connection of this.connections()) this.removeConnection(connection.connectionId, reason);
  }

  #store(info: StreamInfo): Stream {
    const connection =
      this.#connections.get(info.connectionId) ??
      new Connection({ connectionId: info.connectionId, creationTime: info.creationTime, data: '' });
    const stream = new Stream(info, connection);
    this.#streams.set(stream.streamId, stream);
    return stream;
  }
}

/** A `connected` reply lists this client's own connection and streams too; the registry holds only the others'. */
function othersIn(connected: ConnectedMessage): { connections: ConnectionInfo[]; streams: StreamInfo[] } {
  const own = connected.connection.connectionId;
  return {
    connections: connected.connections.filter((c) => c.connectionId !== own),
    streams: connected.streams.filter((s) => s.connectionId !== own),
  };
}

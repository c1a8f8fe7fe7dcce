/**
 * Who is in each session: connections and their live streams, as the session hub records them. A connection
 * that leaves is kept, with its upload credentials and the streams it published, until the archive side
 * releases it: its last media uploads may still arrive after it has gone.
 */
import type {
  Capabilities,
  ConnectionInfo,
  Role,
  StreamFlag,
  StreamInfo,
  VideoType,
} from '../../protocol/realtime';

export interface PresentConnection {
  info: ConnectionInfo;
  sessionId: string;
  role: Role;
  capabilities: Capabilities;
  /** proves to the upload API (and to a resume) that a request comes from this connection */
  uploadKey: string;
  /** the token's initial_layout_class_list: every stream the connection publishes starts with these classes */
  initialLayoutClassList: readonly string[];
}

/** Kept after a connection leaves, so its last media uploads still authenticate and name their stream. */
export interface ConnectionCredentials {
  connectionId: string;
  sessionId: string;
  uploadKey: string;
  connectionData: string;
}

/** A stream published in a session, live or not, for as long as its connection's credentials are kept. */
export interface KnownStream {
  streamId: string;
  sessionId: string;
  connectionId: string;
  videoType: VideoType;
  connectionData: string;
}

/** What the archive side and the upload API read. */
export interface PresenceReader {
  /** connections present in the session, in the order they joined */
  connectionIds(sessionId: string): string[];
  /** connection IDs allowed to subscribe (and so to record a composed archive), oldest first */
  subscriberCapableIds(sessionId: string): string[];
  /** live streams in the session */
  streamCount(sessionId: string): number;
  credentials(connectionId: string): ConnectionCredentials | undefined;
  knownStream(streamId: string): KnownStream | undefined;
  /** the layout classes of each live stream of the session, by stream ID */
  layoutClassLists(sessionId: string): Record<string, string[]>;
}

/** Written by the session hub; the archive side only reads, and calls releaseDeparted. */
export interface PresenceRegistry extends PresenceReader {
  addConnection(connection: PresentConnection): void;
  /** present connections only */
  connection(connectionId: string): PresentConnection | undefined;
  connectionsOf(sessionId: string): PresentConnection[];
  /** the connection is no longer present; its credentials and streams are kept until released */
  markDeparted(connectionId: string, leftAt: number): void;
  addStream(stream: StreamInfo): void;
  /** live streams only */
  stream(streamId: string): StreamInfo | undefined;
  streamsOf(sessionId: string): StreamInfo[];
  /** turns a live stream's audio or video flag on or off; returns the stream as it is now */
  setStreamFlag(streamId: string, flag: StreamFlag, value: boolean): StreamInfo | undefined;
  removeStream(streamId: string): void;
  /** replaces a live stream's layout classes (docs/platform.md §5.7); a stream that is not live is ignored */
  setLayoutClassList(streamId: string, classes: readonly string[]): void;
  /**
   * Forgets the credentials and streams of connections of the session that have left and whose media no archive
   * awaits any more: `isAwaited(leftAt)` says whether an archive may still take media from a connection that
   * left then. Called by the archive side, which knows.
   */
  releaseDeparted(sessionId: string, isAwaited: (leftAt: number) => boolean): void;
  /** forgets everything (server shutdown) */
  clear(): void;
}

export function createPresenceRegistry(): PresenceRegistry {
  const connections = new Map<string, PresentConnection>();
  const bySession = new Map<string, Set<string>>();
  const streams = new Map<string, StreamInfo>();
  const credentialsById = new Map<string, ConnectionCredentials>();
  const streamHistory = new Map<string, KnownStream>();
  const departed = new Map<string, { sessionId: string; leftAt: number }>();
  /** by the stream ID of live streams */
  const classLists = new Map<string, string[]>();

  const connectionsOf = (sessionId: string): PresentConnection[] =>
    [...(bySession.get(sessionId) ?? [])].flatMap((id) => {
      const c = connections.get(id);
      return c ? [c] : [];
    });

  const streamsOf = (sessionId: string): StreamInfo[] => {
    const ids = new Set(bySession.get(sessionId) ?? []);
    return [...streams.values()].filter((s) => ids.has(s.connectionId));
  };

  const forget = (connectionId: string): void => {
    credentialsById.delete(connectionId);
    departed.delete(connectionId);
    for (const [streamId, stream] of streamHistory) {
      if (stream.connectionId === connectionId) streamHistory.delete(streamId);
    }
  };

  return {
    addConnection(connection) {
      const id = connection.info.connectionId;
      connections.set(id, connection);
      credentialsById.set(id, {
        connectionId: id,
        sessionId: connection.sessionId,
        uploadKey: connection.uploadKey,
        connectionData: connection.info.data,
      });
      const members = bySession.get(connection.sessionId) ?? new Set<string>();
      members.add(id);
      bySession.set(connection.sessionId, members);
    },

    connection: (connectionId) => connections.get(connectionId),
    connectionsOf,

    markDeparted(connectionId, leftAt) {
      const c = connections.get(connectionId);
      if (!c) return;
      connections.delete(connectionId);
      const members = bySession.get(c.sessionId);
      members?.delete(connectionId);
      if (members?.size === 0) bySession.delete(c.sessionId);
      departed.set(connectionId, { sessionId: c.sessionId, leftAt });
    },

    addStream(stream) {
      const c = connections.get(stream.connectionId);
      if (!c) return;
      streams.set(stream.streamId, stream);
      classLists.set(stream.streamId, [...c.initialLayoutClassList]);
      streamHistory.set(stream.streamId, {
        streamId: stream.streamId,
        sessionId: c.sessionId,
        connectionId: stream.connectionId,
        videoType: stream.videoType,
        connectionData: c.info.data,
      });
    },

    stream: (streamId) => streams.get(streamId),
    streamsOf,

    setStreamFlag(streamId, flag, value) {
      const stream = streams.get(streamId);
      if (!stream) return undefined;
      // A new object: messages already sent with the old one keep saying what was true then.
      const changed = { ...stream, [flag]: value };
      streams.set(streamId, changed);
      return changed;
    },

    removeStream(streamId) {
      streams.delete(streamId);
      classLists.delete(streamId);
    },

    setLayoutClassList(streamId, classes) {
      if (streams.has(streamId)) classLists.set(streamId, [...classes]);
    },

    releaseDeparted(sessionId, isAwaited) {
      for (const [connectionId, d] of departed) {
        if (d.sessionId === sessionId && !isAwaited(d.leftAt)) forget(connectionId);
      }
    },

    connectionIds: (sessionId) => connectionsOf(sessionId).map((c) => c.info.connectionId),

    subscriberCapableIds: (sessionId) =>
      connectionsOf(sessionId)
        .filter((c) => c.capabilities.subscribe)
        .sort((a, b) => a.info.creationTime - b.info.creationTime)
        .map((c) => c.info.connectionId),

    streamCount: (sessionId) => streamsOf(sessionId).length,
    credentials: (connectionId) => credentialsById.get(connectionId),
    knownStream: (streamId) => streamHistory.get(streamId),

    layoutClassLists: (sessionId) =>
      Object.fromEntries(
        streamsOf(sessionId).map((s) => [s.streamId, [...(classLists.get(s.streamId) ?? [])]]),
      ),

    clear() {
      connections.clear();
      bySession.clear();
      streams.clear();
      classLists.clear();
      credentialsById.clear();
      streamHistory.clear();
      departed.clear();
    },
  };
}

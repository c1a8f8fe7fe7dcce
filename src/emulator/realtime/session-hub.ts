/** Connections and streams of every session, and the ordered delivery of session events to their clients. */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { ClientTokenClaims } from '../auth/client-token';
import { SAFE_ID_PATTERN } from '../media/media-files';
import {
  MAX_SIGNAL_DATA_BYTES,
  MAX_SIGNAL_TYPE_BYTES,
  SIGNAL_TYPE_PATTERN,
  type ArchiveInfo,
  type Capabilities,
  type ConnectedMessage,
  type ConnectionDestroyedEvent,
  type ConnectionInfo,
  type IceServer,
  type PublishMessage,
  type Role,
  type RtcMessage,
  type ServerMessage,
  type StreamDestroyedEvent,
  type StreamInfo,
  type VideoType,
} from '../../protocol/realtime';
import { RealtimeError, invalidParameter, notFoundInSession, permissionDenied } from './realtime-error';

/** The transport side of one client: a WebSocket in production, anything that can send and close in tests. */
export interface ClientSocket {
  send(message: ServerMessage): void;
  close(code: number, reason: string): void;
}

/** What the archive lifecycle needs to hear about, and what it tells new clients. */
export interface PresenceListener {
  currentArchive(sessionId: string): ArchiveInfo | null;
  onConnectionCreated(sessionId: string, connectionId: string): void;
  onConnectionDestroyed(sessionId: string, connectionId: string): void;
  onStreamsChanged(sessionId: string): void;
  /** true while an archive of the session that began by `at` may still take uploads */
  awaitsUploads(sessionId: string, at: number): boolean;
}

interface HubConnection {
  info: ConnectionInfo;
  sessionId: string;
  role: Role;
  capabilities: Capabilities;
  uploadKey: string;
  socket: ClientSocket | null;
  /** events for a client that dropped and may resume; delivered in order when it does */
  pending: ServerMessage[];
  graceTimer: NodeJS.Timeout | null;
}

/** Kept after a connection leaves, so its last media uploads still authenticate and name their stream. */
export interface ConnectionCredentials {
  connectionId: string;
  sessionId: string;
  uploadKey: string;
  connectionData: string;
}

export interface KnownStream {
  streamId: string;
  sessionId: string;
  connectionId: string;
  videoType: VideoType;
  connectionData: string;
}

export type LeaveReason = ConnectionDestroyedEvent['reason'];

export interface JoinResult {
  connectionId: string;
  resumed: boolean;
}

export interface SessionHub {
  join(input: {
    sessionId: string;
    claims: ClientTokenClaims;
    socket: ClientSocket;
    resumeConnectionId?: string;
    resumeKey?: string;
  }): JoinResult;
  /** the client said goodbye or was removed: others hear of it at once */
  leave(connectionId: string, reason: LeaveReason): void;
  /**
   * The socket closed. After a goodbye others hear of it at once; a socket lost without one is kept for the
   * reconnect grace period, and others hear of it (networkDisconnected) only if the client does not resume.
   */
  socketClosed(connectionId: string, socket: ClientSocket, goodbye: boolean): void;
  publish(connectionId: string, stream: PublishMessage['stream']): StreamInfo;
  unpublish(connectionId: string, streamId: string): void;
  signal(input: {
    sessionId: string;
    from: string | null;
    to?: string;
    signalType?: string;
    data?: string;
  }): void;
  relayRtc(connectionId: string, message: RtcMessage): void;
  forceDisconnect(byConnectionId: string, targetId: string): void;
  /** the platform (REST) removes a connection; false when it is not in the session */
  kick(sessionId: string, targetId: string): boolean;
  broadcast(sessionId: string, message: ServerMessage): void;
  sendTo(connectionId: string, message: ServerMessage): void;
  connectionIds(sessionId: string): string[];
  /** connection IDs allowed to subscribe (and so to record a composed archive), oldest first */
  subscriberCapableIds(sessionId: string): string[];
  streamCount(sessionId: string): number;
  credentials(connectionId: string): ConnectionCredentials | undefined;
  knownStream(streamId: string): KnownStream | undefined;
  /**
   * Forgets the upload credentials and streams of connections of the session that have left and that no archive
   * awaits any more; the archive lifecycle calls it once an archive stops taking media.
   */
  releaseDeparted(sessionId: string): void;
  /** ends every connection (server shutdown) without events */
  close(): void;
}

const MAX_PENDING_EVENTS = 1000;

function isSameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function capabilitiesOf(role: Role): Capabilities {
  return {
    publish: role !== 'subscriber',
    subscribe: role !== 'publisheronly',
    signal: role !== 'publisheronly',
    forceDisconnect: role === 'moderator',
  };
}

export function createSessionHub(options: {
  clock: () => number;
  reconnectGraceMs: number;
  listener: PresenceListener;
  /** sent to every client in `connected`; none are needed on one machine */
  iceServers?: readonly IceServer[];
}): SessionHub {
  const { clock, listener } = options;
  const iceServers = options.iceServers ?? [];
  const connections = new Map<string, HubConnection>();
  const bySession = new Map<string, Set<string>>();
  const streams = new Map<string, StreamInfo>();
  // Kept after a connection leaves, for its last uploads; released once no archive of its session awaits them.
  const credentialsById = new Map<string, ConnectionCredentials>();
  const streamHistory = new Map<string, KnownStream>();
  const departed = new Map<string, { sessionId: string; leftAt: number }>();

  const forget = (connectionId: string): void => {
    credentialsById.delete(connectionId);
    departed.delete(connectionId);
    for (const [streamId, stream] of streamHistory) {
      if (stream.connectionId === connectionId) streamHistory.delete(streamId);
    }
  };

  const releaseDeparted = (sessionId: string): void => {
    for (const [connectionId, d] of departed) {
      if (d.sessionId === sessionId && !listener.awaitsUploads(sessionId, d.leftAt)) forget(connectionId);
    }
  };

  const sessionConnections = (sessionId: string): HubConnection[] =>
    [...(bySession.get(sessionId) ?? [])].flatMap((id) => {
      const c = connections.get(id);
      return c ? [c] : [];
    });

  const sessionStreams = (sessionId: string): StreamInfo[] => {
    const ids = new Set(bySession.get(sessionId) ?? []);
    return [...streams.values()].filter((s) => ids.has(s.connectionId));
  };

  const deliver = (connection: HubConnection, message: ServerMessage): void => {
    if (connection.socket) {
      connection.socket.send(message);
    } else if (connection.pending.length < MAX_PENDING_EVENTS) {
      connection.pending.push(message);
    }
  };

  const broadcast = (sessionId: string, message: ServerMessage, exceptId?: string): void => {
    for (const c of sessionConnections(sessionId)) if (c.info.connectionId !== exceptId) deliver(c, message);
  };

  const requireConnection = (connectionId: string): HubConnection => {
    const c = connections.get(connectionId);
    if (!c)
      throw new RealtimeError({
        code: 500,
        errorName: 'OT_NOT_CONNECTED',
        message: 'Not connected to the session',
      });
    return c;
  };

  const destroyStream = (
    stream: StreamInfo,
    reason: StreamDestroyedEvent['reason'],
    sessionId: string,
  ): void => {
    streams.delete(stream.streamId);
    broadcast(sessionId, { type: 'streamDestroyed', stream, reason }, stream.connectionId);
  };

  const leave = (connectionId: string, reason: LeaveReason): void => {
    const c = connections.get(connectionId);
    if (!c) return;
    if (c.graceTimer) clearTimeout(c.graceTimer);
    const own = [...streams.values()].filter((s) => s.connectionId === connectionId);
    for (const s of own) destroyStream(s, reason, c.sessionId);
    connections.delete(connectionId);
    const members = bySession.get(c.sessionId);
    members?.delete(connectionId);
    if (members?.size === 0) bySession.delete(c.sessionId);
    broadcast(c.sessionId, { type: 'connectionDestroyed', connection: c.info, reason });
    listener.onConnectionDestroyed(c.sessionId, connectionId);
    if (own.length > 0) listener.onStreamsChanged(c.sessionId);
    departed.set(connectionId, { sessionId: c.sessionId, leftAt: clock() });
    releaseDeparted(c.sessionId);
  };

  const kick = (sessionId: string, targetId: string): boolean => {
    const target = connections.get(targetId);
    if (!target || target.sessionId !== sessionId) return false;
    const socket = target.socket;
    target.socket = null;
    target.pending = [];
    socket?.send({ type: 'disconnected', reason: 'forceDisconnected' });
    socket?.close(4002, 'forceDisconnected');
    leave(targetId, 'forceDisconnected');
    return true;
  };

  const tryResume = (input: Parameters<SessionHub['join']>[0]): HubConnection | null => {
    if (!input.resumeConnectionId) return null;
    const old = connections.get(input.resumeConnectionId);
    if (!old || old.sessionId !== input.sessionId) return null;
    // Proof that this is the same client: the same token claims and the old connection's upload key. Connection
    // IDs are public (connectionCreated), so without the key anyone with a token could take a live connection over.
    if (old.role !== input.claims.role || old.info.data !== input.claims.connectionData) return null;
    if (input.resumeKey === undefined || !isSameSecret(input.resumeKey, old.uploadKey)) return null;
    if (old.graceTimer) clearTimeout(old.graceTimer);
    old.graceTimer = null;
    const previous = old.socket;
    old.socket = null;
    previous?.close(1000, 'resumed on another socket');
    return old;
  };

  const connectedMessage = (c: HubConnection, resumed: boolean): ConnectedMessage => ({
    type: 'connected',
    connection: c.info,
    capabilities: c.capabilities,
    connections: sessionConnections(c.sessionId)
      .filter((o) => o.info.connectionId !== c.info.connectionId)
      .map((o) => o.info),
    streams: sessionStreams(c.sessionId).filter((s) => s.connectionId !== c.info.connectionId),
    archive: listener.currentArchive(c.sessionId),
    uploadKey: c.uploadKey,
    iceServers: iceServers.map((server) => ({ ...server })),
    resumed,
    ownStreams: resumed
      ? sessionStreams(c.sessionId).filter((s) => s.connectionId === c.info.connectionId)
      : [],
  });

  return {
    join(input) {
      const resumedConnection = tryResume(input);
      if (resumedConnection) {
        resumedConnection.socket = input.socket;
        input.socket.send(connectedMessage(resumedConnection, true));
        const backlog = resumedConnection.pending.splice(0);
        for (const m of backlog) input.socket.send(m);
        return { connectionId: resumedConnection.info.connectionId, resumed: true };
      }
      const c: HubConnection = {
        info: { connectionId: randomUUID(), creationTime: clock(), data: input.claims.connectionData },
        sessionId: input.sessionId,
        role: input.claims.role,
        capabilities: capabilitiesOf(input.claims.role),
        uploadKey: randomBytes(24).toString('base64url'),
        socket: input.socket,
        pending: [],
        graceTimer: null,
      };
      const id = c.info.connectionId;
      connections.set(id, c);
      credentialsById.set(id, {
        connectionId: id,
        sessionId: c.sessionId,
        uploadKey: c.uploadKey,
        connectionData: c.info.data,
      });
      input.socket.send(connectedMessage(c, false));
      broadcast(c.sessionId, { type: 'connectionCreated', connection: c.info }, id);
      const members = bySession.get(c.sessionId) ?? new Set<string>();
      members.add(id);
      bySession.set(c.sessionId, members);
      listener.onConnectionCreated(c.sessionId, id);
      return { connectionId: id, resumed: false };
    },

    leave,

    socketClosed(connectionId, socket, goodbye) {
      const c = connections.get(connectionId);
      // A socket replaced by a resume, or already removed, must not end the connection it no longer carries.
      if (!c || c.socket !== socket) return;
      c.socket = null;
      if (goodbye) {
        leave(connectionId, 'clientDisconnected');
        return;
      }
      c.graceTimer = setTimeout(() => leave(connectionId, 'networkDisconnected'), options.reconnectGraceMs);
      c.graceTimer.unref();
    },

    publish(connectionId, requested) {
      const c = requireConnection(connectionId);
      if (!c.capabilities.publish)
        throw permissionDenied("This token's role (subscriber) does not allow publishing");
      let streamId = requested.streamId;
      if (streamId !== undefined) {
        const existing = streams.get(streamId);
        // Re-publishing its own stream after a resume returns the stream as is: no duplicate streamCreated.
        if (existing && existing.connectionId === connectionId) return existing;
        if (existing || streamHistory.has(streamId) || !SAFE_ID_PATTERN.test(streamId)) {
          throw invalidParameter('streamId is already in use or not made of letters, digits, - and _');
        }
      } else {
        streamId = randomUUID();
      }
      const stream: StreamInfo = {
        streamId,
        connectionId,
        creationTime: clock(),
        name: requested.name,
        hasAudio: requested.hasAudio,
        hasVideo: requested.hasVideo,
        videoType: requested.videoType,
        videoDimensions: requested.videoDimensions,
        frameRate: requested.frameRate,
      };
      streams.set(streamId, stream);
      streamHistory.set(streamId, {
        streamId,
        sessionId: c.sessionId,
        connectionId,
        videoType: stream.videoType,
        connectionData: c.info.data,
      });
      broadcast(c.sessionId, { type: 'streamCreated', stream }, connectionId);
      listener.onStreamsChanged(c.sessionId);
      return stream;
    },

    unpublish(connectionId, streamId) {
      const c = requireConnection(connectionId);
      const stream = streams.get(streamId);
      if (!stream || stream.connectionId !== connectionId)
        throw notFoundInSession(`You publish no stream ${streamId}`);
      destroyStream(stream, 'unpublished', c.sessionId);
      listener.onStreamsChanged(c.sessionId);
    },

    signal({ sessionId, from, to, signalType, data }) {
      if (from !== null && !requireConnection(from).capabilities.signal) {
        throw permissionDenied("This token's role (publisheronly) does not allow signaling");
      }
      // Limits of OpenTok.js session.signal(): 413 for sizes, 400 for a bad type (reference §6.2).
      if (signalType !== undefined) {
        if (Buffer.byteLength(signalType) > MAX_SIGNAL_TYPE_BYTES) {
          throw invalidParameter(`The signal type is longer than ${MAX_SIGNAL_TYPE_BYTES} bytes`, 413);
        }
        if (!SIGNAL_TYPE_PATTERN.test(signalType)) {
          throw invalidParameter('The signal type may contain only letters, digits, -, _ and ~');
        }
      }
      if (data !== undefined && Buffer.byteLength(data) > MAX_SIGNAL_DATA_BYTES) {
        throw invalidParameter(`The signal data is longer than ${MAX_SIGNAL_DATA_BYTES} bytes`, 413);
      }
      const event: ServerMessage = { type: 'signal', from, signalType, data };
      if (to === undefined) {
        broadcast(sessionId, event);
        return;
      }
      const target = connections.get(to);
      if (!target || target.sessionId !== sessionId)
        throw notFoundInSession(`No connection ${to} in this session`);
      deliver(target, event);
    },

    relayRtc(connectionId, message) {
      const c = requireConnection(connectionId);
      const target = connections.get(message.to);
      if (!target || target.sessionId !== c.sessionId)
        throw notFoundInSession(`No connection ${message.to} in this session`);
      const stream = streams.get(message.streamId);
      if (message.kind !== 'bye') {
        if (!stream || (stream.connectionId !== connectionId && stream.connectionId !== message.to)) {
          throw notFoundInSession(`Stream ${message.streamId} is not published by either side`);
        }
        // The side that does not own the stream is the subscriber; publisheronly tokens may not subscribe.
        const subscriber = stream.connectionId === connectionId ? target : c;
        if (!subscriber.capabilities.subscribe) {
          throw permissionDenied('A publisheronly token does not allow subscribing');
        }
      }
      deliver(target, {
        type: 'rtc',
        from: connectionId,
        streamId: message.streamId,
        kind: message.kind,
        payload: message.payload,
      });
    },

    forceDisconnect(byConnectionId, targetId) {
      const by = requireConnection(byConnectionId);
      if (!by.capabilities.forceDisconnect)
        throw permissionDenied('Only a moderator token may force a disconnect');
      if (!kick(by.sessionId, targetId)) throw notFoundInSession(`No connection ${targetId} in this session`);
    },

    kick,

    broadcast: (sessionId, message) => broadcast(sessionId, message),

    sendTo(connectionId, message) {
      const c = connections.get(connectionId);
      if (c) deliver(c, message);
    },

    connectionIds: (sessionId) => sessionConnections(sessionId).map((c) => c.info.connectionId),

    subscriberCapableIds: (sessionId) =>
      sessionConnections(sessionId)
        .filter((c) => c.capabilities.subscribe)
        .sort((a, b) => a.info.creationTime - b.info.creationTime)
        .map((c) => c.info.connectionId),

    streamCount: (sessionId) => sessionStreams(sessionId).length,
    credentials: (connectionId) => credentialsById.get(connectionId),
    knownStream: (streamId) => streamHistory.get(streamId),
    releaseDeparted,

    close() {
      for (const c of connections.values()) {
        if (c.graceTimer) clearTimeout(c.graceTimer);
        c.socket?.close(1001, 'emulator shutting down');
      }
      connections.clear();
      bySession.clear();
      streams.clear();
      credentialsById.clear();
      streamHistory.clear();
      departed.clear();
    },
  };
}

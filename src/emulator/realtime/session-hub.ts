/**
 * The realtime sessions: clients join (or resume after a dropped socket), publish and unpublish streams, and
 * leave. The hub records presence in the registry, tells the other clients, and tells the archive side through
 * a PresenceListener; it never hears back from it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ClientTokenClaims } from '../auth/client-token';
import { isSameSecret } from '../auth/secret-compare';
import { SAFE_ID_PATTERN } from '../media/media-files';
import type {
  ArchiveInfo,
  Capabilities,
  ConnectedMessage,
  ConnectionDestroyedEvent,
  IceServer,
  PublishMessage,
  Role,
  StreamDestroyedEvent,
  StreamInfo,
  StreamPropertyMessage,
} from '../../protocol/realtime';
import type { ClientLines, ClientSocket } from './client-messenger';
import type { PresenceRegistry, PresentConnection } from './presence-registry';
import { invalidParameter, notConnected, notFoundInSession, permissionDenied } from './realtime-error';
import { splitClassList } from './stream-classes';

/** Presence as the archive side hears of it, after the registry and the other clients have. */
export interface PresenceListener {
  connectionCreated(sessionId: string, connectionId: string): void;
  connectionDestroyed(sessionId: string, connectionId: string): void;
  /** a stream was published or destroyed in the session */
  streamsChanged(sessionId: string): void;
}

/** The archive a client joining the session is told about in `connected`. */
export interface ArchiveStatusSource {
  currentArchive(sessionId: string): ArchiveInfo | null;
}

export type LeaveReason = ConnectionDestroyedEvent['reason'];

/**
 * How a socket ended: the client said goodbye, the socket was lost (it may resume), or the emulator closed it
 * because the client stopped reading (messages were lost with it, so it may not resume).
 */
export type SocketEnding = 'goodbye' | 'lost' | 'tooSlow';

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
   * The socket closed. After a goodbye, or a close for not reading, others hear of it at once; a socket lost
   * without one is kept for the reconnect grace period, and others hear of it (networkDisconnected) only if the
   * client does not resume.
   */
  socketClosed(connectionId: string, socket: ClientSocket, ending: SocketEnding): void;
  publish(connectionId: string, stream: PublishMessage['stream']): StreamInfo;
  unpublish(connectionId: string, streamId: string): void;
  /** the stream's own connection turns its audio or video on or off; every client of the session is told */
  setStreamProperty(connectionId: string, change: Omit<StreamPropertyMessage, 'type' | 'rid'>): void;
  forceDisconnect(byConnectionId: string, targetId: string): void;
  /** the platform (REST) removes a connection; false when it is not in the session */
  kick(sessionId: string, targetId: string): boolean;
  /** ends every connection (server shutdown) without events */
  close(): void;
}

function capabilitiesOf(role: Role): Capabilities {
  return {
    publish: role !== 'subscriber',
    subscribe: role !== 'publisheronly',
    signal: role !== 'publisheronly',
    forceDisconnect: role === 'moderator',
  };
}

export function createSessionHub(deps: {
  presence: PresenceRegistry;
  messenger: ClientLines;
  listener: PresenceListener;
  archiveStatus: ArchiveStatusSource;
  clock: () => number;
  reconnectGraceMs: number;
  /** sent to every client in `connected`; none are needed on one machine */
  iceServers?: readonly IceServer[];
}): SessionHub {
  const { presence, messenger, listener, clock } = deps;
  const iceServers = deps.iceServers ?? [];
  const graceTimers = new Map<string, NodeJS.Timeout>();

  const requireConnection = (connectionId: string): PresentConnection => {
    const c = presence.connection(connectionId);
    if (!c) throw notConnected();
    return c;
  };

  const clearGrace = (connectionId: string): void => {
    const timer = graceTimers.get(connectionId);
    if (timer) clearTimeout(timer);
    graceTimers.delete(connectionId);
  };

  const destroyStream = (stream: StreamInfo, reason: StreamDestroyedEvent['reason'], sessionId: string) => {
    presence.removeStream(stream.streamId);
    messenger.broadcast(sessionId, { type: 'streamDestroyed', stream, reason }, stream.connectionId);
  };

  const leave = (connectionId: string, reason: LeaveReason): void => {
    const c = presence.connection(connectionId);
    if (!c) return;
    clearGrace(connectionId);
    const own = presence.streamsOf(c.sessionId).filter((s) => s.connectionId === connectionId);
    for (const s of own) destroyStream(s, reason, c.sessionId);
    presence.markDeparted(connectionId, clock());
    messenger.remove(connectionId);
    messenger.broadcast(c.sessionId, { type: 'connectionDestroyed', connection: c.info, reason });
    listener.connectionDestroyed(c.sessionId, connectionId);
    if (own.length > 0) listener.streamsChanged(c.sessionId);
  };

  const kick = (sessionId: string, targetId: string): boolean => {
    const target = presence.connection(targetId);
    if (!target || target.sessionId !== sessionId) return false;
    // Forgotten first, so that nothing held for it is delivered after the goodbye.
    const socket = messenger.remove(targetId);
    socket?.send({ type: 'disconnected', reason: 'forceDisconnected' });
    socket?.close(4002, 'forceDisconnected');
    leave(targetId, 'forceDisconnected');
    return true;
  };

  const tryResume = (input: Parameters<SessionHub['join']>[0]): PresentConnection | null => {
    if (!input.resumeConnectionId) return null;
    const old = presence.connection(input.resumeConnectionId);
    if (!old || old.sessionId !== input.sessionId) return null;
    // Proof that this is the same client: the same token claims and the old connection's upload key. Connection
    // IDs are public (connectionCreated), so without the key anyone with a token could take a live connection over.
    if (old.role !== input.claims.role || old.info.data !== input.claims.connectionData) return null;
    if (input.resumeKey === undefined || !isSameSecret(input.resumeKey, old.uploadKey)) return null;
    // Messages it missed were dropped: a fresh connection shows it the session as it is, without gaps.
    if (!messenger.canResume(old.info.connectionId)) return null;
    clearGrace(old.info.connectionId);
    messenger.detach(old.info.connectionId)?.close(1000, 'resumed on another socket');
    return old;
  };

  const connectedMessage = (c: PresentConnection, resumed: boolean): ConnectedMessage => {
    const id = c.info.connectionId;
    const streams = presence.streamsOf(c.sessionId);
    return {
      type: 'connected',
      connection: c.info,
      capabilities: c.capabilities,
      connections: presence
        .connectionsOf(c.sessionId)
        .filter((o) => o.info.connectionId !== id)
        .map((o) => o.info),
      streams: streams.filter((s) => s.connectionId !== id),
      archive: deps.archiveStatus.currentArchive(c.sessionId),
      uploadKey: c.uploadKey,
      iceServers: iceServers.map((server) => ({ ...server })),
      resumed,
      ownStreams: resumed ? streams.filter((s) => s.connectionId === id) : [],
    };
  };

  return {
    join(input) {
      const resumed = tryResume(input);
      if (resumed) {
        // `connected` first, then what the client missed while it was away.
        input.socket.send(connectedMessage(resumed, true));
        messenger.attach(resumed.info.connectionId, input.socket);
        return { connectionId: resumed.info.connectionId, resumed: true };
      }
      const c: PresentConnection = {
        info: { connectionId: randomUUID(), creationTime: clock(), data: input.claims.connectionData },
        sessionId: input.sessionId,
        role: input.claims.role,
        capabilities: capabilitiesOf(input.claims.role),
        uploadKey: randomBytes(24).toString('base64url'),
        initialLayoutClassList: splitClassList(input.claims.initialLayoutClassList),
      };
      const id = c.info.connectionId;
      presence.addConnection(c);
      input.socket.send(connectedMessage(c, false));
      messenger.attach(id, input.socket);
      messenger.broadcast(c.sessionId, { type: 'connectionCreated', connection: c.info }, id);
      listener.connectionCreated(c.sessionId, id);
      return { connectionId: id, resumed: false };
    },

    leave,

    socketClosed(connectionId, socket, ending) {
      // A socket replaced by a resume, or already removed, must not end the connection it no longer carries.
      if (!presence.connection(connectionId) || messenger.socketOf(connectionId) !== socket) return;
      messenger.detach(connectionId);
      if (ending !== 'lost') {
        leave(connectionId, ending === 'goodbye' ? 'clientDisconnected' : 'networkDisconnected');
        return;
      }
      const timer = setTimeout(() => leave(connectionId, 'networkDisconnected'), deps.reconnectGraceMs);
      timer.unref();
      graceTimers.set(connectionId, timer);
    },

    publish(connectionId, requested) {
      const c = requireConnection(connectionId);
      if (!c.capabilities.publish)
        throw permissionDenied("This token's role (subscriber) does not allow publishing");
      let streamId = requested.streamId;
      if (streamId !== undefined) {
        const existing = presence.stream(streamId);
        // Re-publishing its own stream after a resume returns the stream as is: no duplicate streamCreated.
        if (existing && existing.connectionId === connectionId) return existing;
        if (existing || presence.knownStream(streamId) || !SAFE_ID_PATTERN.test(streamId)) {
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
      presence.addStream(stream);
      messenger.broadcast(c.sessionId, { type: 'streamCreated', stream }, connectionId);
      listener.streamsChanged(c.sessionId);
      return stream;
    },

    unpublish(connectionId, streamId) {
      const c = requireConnection(connectionId);
      const stream = presence.stream(streamId);
      if (!stream || stream.connectionId !== connectionId)
        throw notFoundInSession(`You publish no stream ${streamId}`);
      destroyStream(stream, 'unpublished', c.sessionId);
      listener.streamsChanged(c.sessionId);
    },

    setStreamProperty(connectionId, { streamId, property, value }) {
      const c = requireConnection(connectionId);
      const stream = presence.stream(streamId);
      if (!stream || presence.connection(stream.connectionId)?.sessionId !== c.sessionId)
        throw notFoundInSession(`No stream ${streamId} in this session`);
      if (stream.connectionId !== connectionId)
        throw permissionDenied(
          'Only the connection that publishes a stream may turn its audio or video on or off',
        );
      const oldValue = stream[property];
      // A value the stream already has is no change: nobody is told of it.
      if (oldValue === value) return;
      const changed = presence.setStreamFlag(streamId, property, value) ?? stream;
      messenger.broadcast(c.sessionId, {
        type: 'streamPropertyChanged',
        stream: changed,
        changedProperty: property,
        oldValue,
        newValue: value,
      });
    },

    forceDisconnect(byConnectionId, targetId) {
      const by = requireConnection(byConnectionId);
      if (!by.capabilities.forceDisconnect)
        throw permissionDenied('Only a moderator token may force a disconnect');
      if (!kick(by.sessionId, targetId)) throw notFoundInSession(`No connection ${targetId} in this session`);
    },

    kick,

    close() {
      for (const timer of graceTimers.values()) clearTimeout(timer);
      graceTimers.clear();
      messenger.closeAll(1001, 'emulator shutting down');
      presence.clear();
    },
  };
}

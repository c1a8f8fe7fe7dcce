/**
 * The emulator's realtime protocol: JSON text frames over one WebSocket per browser client.
 *
 * This module is the single definition shared by the emulator (server side) and the local-mode browser
 * client in src/client, which imports its types and constants; it holds nothing else, so nothing of the
 * server reaches the browser bundle.
 * docs/realtime-protocol.md describes the same protocol in prose.
 *
 * Endpoint: `ws(s)://<host><basePath>/realtime` where basePath is where the emulator is mounted
 * (`/emulator` in local mode). The first frame a client sends must be `connect`.
 */

export const REALTIME_PATH = '/realtime';

/** Platform limits on signals (docs/platform.md §6.2): data ≤ 8 KB, type ≤ 128 bytes of [A-Za-z0-9-_~]. */
export const MAX_SIGNAL_DATA_BYTES = 8192;
export const MAX_SIGNAL_TYPE_BYTES = 128;
export const SIGNAL_TYPE_PATTERN = /^[A-Za-z0-9\-_~]*$/;

export type Role = 'subscriber' | 'publisher' | 'publisheronly' | 'moderator';
export type VideoType = 'camera' | 'screen' | 'custom';
export type OutputMode = 'composed' | 'individual';

export interface ConnectionInfo {
  connectionId: string;
  /** epoch ms */
  creationTime: number;
  /** the token's connection_data, '' when none */
  data: string;
}

export interface StreamInfo {
  streamId: string;
  connectionId: string;
  creationTime: number;
  name: string;
  hasAudio: boolean;
  hasVideo: boolean;
  videoType: VideoType;
  videoDimensions: { width: number; height: number };
  frameRate: number;
}

export interface ArchiveInfo {
  id: string;
  name: string | null;
  outputMode: OutputMode;
  hasAudio: boolean;
  hasVideo: boolean;
  /** epoch ms at which the archive started: recordings report offsets against it */
  createdAt: number;
}

/** What a connection may do, derived from its token's role. */
export interface Capabilities {
  publish: boolean;
  subscribe: boolean;
  signal: boolean;
  forceDisconnect: boolean;
}

// ---------------------------------------------------------------- client → server

/** Every request may carry `rid`; the server answers it with exactly one `ack` of the same rid. */
interface Request {
  rid?: number;
}

export interface ConnectMessage extends Request {
  type: 'connect';
  /** API key or application ID given to OT.initSession */
  apiKey: string;
  sessionId: string;
  token: string;
  /** set when a client reconnects after a network blip: its streams are taken over, not duplicated */
  resumeConnectionId?: string;
  /**
   * Added: the `uploadKey` of the connection being resumed; required with `resumeConnectionId`. Connection IDs are
   * public, so without a matching key the resume is refused and the client gets a fresh connection
   * (`resumed: false`) instead of taking over someone else's.
   */
  resumeKey?: string;
}

export interface PublishMessage extends Request {
  type: 'publish';
  stream: Omit<StreamInfo, 'streamId' | 'connectionId' | 'creationTime'> & { streamId?: string };
}

export interface UnpublishMessage extends Request {
  type: 'unpublish';
  streamId: string;
}

export interface SignalMessage extends Request {
  type: 'signal';
  /** connectionId of the one recipient; absent: every connection of the session, the sender included */
  to?: string;
  signalType?: string;
  data?: string;
}

/** WebRTC negotiation, relayed verbatim to `to` with `from` added. */
export interface RtcMessage extends Request {
  type: 'rtc';
  to: string;
  streamId: string;
  kind: 'offer' | 'answer' | 'candidate' | 'bye';
  payload: unknown;
}

export interface ForceDisconnectMessage extends Request {
  type: 'forceDisconnect';
  connectionId: string;
}

/** The stream properties a publisher changes while publishing (OpenTok.js publishAudio / publishVideo). */
export type StreamFlag = 'hasAudio' | 'hasVideo';

/** Only the connection that published the stream may change it; others get `streamPropertyChanged`. */
export interface StreamPropertyMessage extends Request {
  type: 'streamProperty';
  streamId: string;
  property: StreamFlag;
  value: boolean;
}

/**
 * Answered with `pong`. The client sends one every second and counts a missing answer as a network loss
 * (docs/realtime-protocol.md, Keep-alive); the emulator's own liveness check uses WebSocket pings instead.
 */
export interface PingMessage extends Request {
  type: 'ping';
}

export type ClientMessage =
  | ConnectMessage
  | PublishMessage
  | UnpublishMessage
  | SignalMessage
  | RtcMessage
  | ForceDisconnectMessage
  | StreamPropertyMessage
  | PingMessage;

// ---------------------------------------------------------------- server → client

export interface AckMessage {
  type: 'ack';
  rid: number;
  /** present on success of `publish`: the stream as the session sees it */
  stream?: StreamInfo;
  error?: { code: number; name: string; message: string };
}

/** One entry of RTCConfiguration.iceServers, as browsers take it. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface ConnectedMessage {
  type: 'connected';
  connection: ConnectionInfo;
  capabilities: Capabilities;
  /** the other connections and streams already in the session */
  connections: ConnectionInfo[];
  streams: StreamInfo[];
  /** the archive recording right now, if any (clients fire archiveStarted for it on connect) */
  archive: ArchiveInfo | null;
  /** secret for the HTTP media upload of this connection (see below) */
  uploadKey: string;
  /** ICE servers the emulator suggests: [] on one machine, ICE_SERVERS (e.g. a STUN server) on a LAN */
  iceServers: IceServer[];
  /** Added: true when `resumeConnectionId` was honoured: same connection, others saw no leave or join */
  resumed?: boolean;
  /** Added: on a resume, this connection's own streams, still published (empty otherwise) */
  ownStreams?: StreamInfo[];
}

export interface ConnectionCreatedEvent {
  type: 'connectionCreated';
  connection: ConnectionInfo;
}
export interface ConnectionDestroyedEvent {
  type: 'connectionDestroyed';
  connection: ConnectionInfo;
  reason: 'clientDisconnected' | 'forceDisconnected' | 'networkDisconnected';
}
export interface StreamCreatedEvent {
  type: 'streamCreated';
  stream: StreamInfo;
}
export interface StreamDestroyedEvent {
  type: 'streamDestroyed';
  stream: StreamInfo;
  reason: 'clientDisconnected' | 'forceDisconnected' | 'networkDisconnected' | 'unpublished';
}
/** A publisher turned its audio or video on or off; sent to every connection of the session, the owner included. */
export interface StreamPropertyChangedEvent {
  type: 'streamPropertyChanged';
  /** the stream as it is after the change */
  stream: StreamInfo;
  changedProperty: StreamFlag;
  oldValue: boolean;
  newValue: boolean;
}
export interface SignalEvent {
  type: 'signal';
  /** null when the platform (REST signal) sent it */
  from: string | null;
  signalType?: string;
  data?: string;
}
export interface RtcEvent {
  type: 'rtc';
  from: string;
  streamId: string;
  kind: 'offer' | 'answer' | 'candidate' | 'bye';
  payload: unknown;
}
export interface ArchiveStartedEvent {
  type: 'archiveStarted';
  archive: ArchiveInfo;
}
export interface ArchiveStoppedEvent {
  type: 'archiveStopped';
  archive: ArchiveInfo;
}
/**
 * Composed archives: the emulator elects one client to mix every stream and upload the result
 * (streamId 'composed'). Sent to the elected client when recording starts or when the previous
 * recorder left; `recording: false` tells it to stop and flush.
 */
export interface RecorderElectedEvent {
  type: 'recorderElected';
  archiveId: string;
  recording: boolean;
}
/** The platform's archive layout types (docs/platform.md §5.2). */
export type LayoutType = 'bestFit' | 'custom' | 'horizontalPresentation' | 'pip' | 'verticalPresentation';
/**
 * Added for composed archives: what the elected recorder draws, i.e. the archive's layout and the layout classes of
 * every live stream of the session (a stream with the class `focus` is drawn large). Sent to the recorder right
 * after `recorderElected`, and again whenever the layout, a stream's classes or the session's streams change.
 */
export interface ArchiveLayoutEvent {
  type: 'archiveLayout';
  archiveId: string;
  layout: { type: LayoutType; stylesheet?: string };
  /** by stream ID; a stream not listed has no classes */
  streamClasses: Record<string, string[]>;
}
/** The server is about to close the socket: bad token, forced disconnect, protocol error. */
export interface ErrorEvent {
  type: 'error';
  code: number;
  name: string;
  message: string;
}
export interface DisconnectedEvent {
  type: 'disconnected';
  reason: 'forceDisconnected' | 'clientDisconnected';
}
export interface PongMessage {
  type: 'pong';
}

export type ServerMessage =
  | AckMessage
  | ConnectedMessage
  | ConnectionCreatedEvent
  | ConnectionDestroyedEvent
  | StreamCreatedEvent
  | StreamDestroyedEvent
  | StreamPropertyChangedEvent
  | SignalEvent
  | RtcEvent
  | ArchiveStartedEvent
  | ArchiveStoppedEvent
  | RecorderElectedEvent
  | ArchiveLayoutEvent
  | ErrorEvent
  | DisconnectedEvent
  | PongMessage;

/**
 * WebSocket close codes the emulator uses (4000–4999 is the application range). A client says goodbye by closing
 * with 1000 (or 1001 when the page goes away); any other close is treated as a network loss, kept open for the
 * reconnect grace period so that `resumeConnectionId` can take the connection over.
 */
export const CloseCode = {
  normal: 1000,
  badToken: 4001,
  forceDisconnected: 4002,
  protocolError: 4003,
  sessionNotFound: 4004,
  /**
   * The client stopped reading: more of its messages were waiting to be sent than the emulator holds. The
   * connection leaves the session (others see networkDisconnected) and what was waiting is lost; connecting
   * again gives a new connection.
   */
  tooSlow: 4005,
  /**
   * Sent by a client that heard nothing (not even a `pong`) for too long and gives the socket up. The emulator
   * treats it as a network loss, so the client may resume on a new socket.
   */
  serverSilent: 4006,
} as const;

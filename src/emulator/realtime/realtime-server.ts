/** The WebSocket endpoint of the realtime protocol: authenticates clients and feeds their frames to the session hub. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { ApplicationKey } from '../auth/application-jwt';
import {
  verifyApplicationClientToken,
  verifyClientToken,
  type ClientTokenClaims,
} from '../auth/client-token';
import { AuthenticationError } from '../errors';
import type { EmulatorLimits } from '../limits';
import type { StateStore } from '../storage/state-store';
import { parseClientMessage } from '../../protocol/client-messages';
import {
  CloseCode,
  REALTIME_PATH,
  type AckMessage,
  type ClientMessage,
  type ConnectMessage,
} from '../../protocol/realtime';
import { RealtimeError } from './realtime-error';
import type { ClientSocket } from './client-messenger';
import type { SessionHub } from './session-hub';
import type { Signaling } from './signaling';

/** Frames hold at most an SDP or an 8 KB signal; anything far larger is a mistake or abuse. */
const MAX_FRAME_BYTES = 256 * 1024;
const CONNECT_TIMEOUT_MS = 10_000;
const MAX_MISSED_PONGS = 2;
/** How long a client closed for not reading has to take the close frame before its socket is destroyed. */
const TOO_SLOW_CLOSE_GRACE_MS = 1000;

export interface RealtimeServer {
  attach(server: Server): void;
  close(): Promise<void>;
}

interface ClientState {
  ws: WebSocket;
  socket: ClientSocket;
  connectionId: string | null;
  sessionId: string | null;
  /**
   * The payloads of the pings sent since the client last answered one. Only a pong echoing one of them proves the
   * client reads what it is sent: unsolicited pongs and frames it sends do not.
   */
  unansweredPings: Buffer[];
  /** the frames received so far, handled one after the other: a connect waits for its token check */
  frames: Promise<void>;
}

export function createRealtimeServer(deps: {
  hub: SessionHub;
  signaling: Signaling;
  sessions: Pick<StateStore, 'getSession'>;
  apiKey: string;
  apiSecret: string;
  /** the Vonage application served beside the project: its clients connect with its ID in place of the key */
  application?: ApplicationKey;
  basePath: string;
  clock: () => number;
  limits: EmulatorLimits;
  logger: Logger;
  isAllowedOrigin: (origin: string | undefined) => boolean;
}): RealtimeServer {
  const { hub, signaling, logger } = deps;
  const endpoint = `${deps.basePath}${REALTIME_PATH}`;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const clients = new Set<ClientState>();
  const attached = new Map<Server, (req: IncomingMessage, socket: Duplex, head: Buffer) => void>();

  /**
   * A client that stops reading makes every message to it pile up in memory: past the limit its socket is
   * closed, and its connection leaves the session. It cannot resume: what was waiting for it is lost.
   */
  const closeTooSlow = (state: ClientState): void => {
    const { ws, connectionId, socket } = state;
    logger.warn(
      { connectionId, bufferedBytes: ws.bufferedAmount },
      'realtime client is not reading; socket closed',
    );
    ws.close(CloseCode.tooSlow, 'too slow: the client is not reading');
    // The close frame waits behind everything unsent, which a client that reads nothing never takes.
    setTimeout(() => ws.terminate(), TOO_SLOW_CLOSE_GRACE_MS).unref();
    // Not from inside the send that found the socket full, which may be in the middle of a broadcast.
    if (connectionId) setImmediate(() => hub.socketClosed(connectionId, socket, 'tooSlow'));
  };

  const fail = (state: ClientState, error: RealtimeError, closeCode: number): void => {
    state.socket.send({ type: 'error', ...error.toWire() });
    state.ws.close(closeCode, error.errorName);
  };

  const { application } = deps;
  const served = application ? `${deps.apiKey} and application ${application.applicationId}` : deps.apiKey;

  /** A project's client accepts T1 and HS256 tokens, an application's RS256 ones only (docs/platform.md §4.4). */
  const verifyToken = (message: ConnectMessage): Promise<ClientTokenClaims> => {
    const check = { token: message.token, sessionId: message.sessionId, nowMs: deps.clock() };
    const clockSkewMs = deps.limits.clockSkewMs;
    if (application && message.apiKey === application.applicationId)
      return verifyApplicationClientToken({ ...check, application, clockSkewMs });
    return verifyClientToken({ ...check, apiKey: deps.apiKey, apiSecret: deps.apiSecret, clockSkewMs });
  };

  const connect = async (state: ClientState, message: ConnectMessage): Promise<void> => {
    if (message.apiKey !== deps.apiKey && message.apiKey !== application?.applicationId) {
      fail(
        state,
        new RealtimeError({
          code: 1004,
          errorName: 'OT_AUTHENTICATION_ERROR',
          message: `Unknown API key ${message.apiKey}; this emulator serves ${served}`,
        }),
        CloseCode.badToken,
      );
      return;
    }
    // A session belongs to the project or application that created it; the other one does not know it.
    const session = deps.sessions.getSession(message.sessionId);
    if (!session || session.apiKey !== message.apiKey) {
      fail(
        state,
        new RealtimeError({
          code: 1005,
          errorName: 'OT_INVALID_SESSION_ID',
          message: 'Unknown session ID: create the session through the REST API first',
        }),
        CloseCode.sessionNotFound,
      );
      return;
    }
    let claims;
    try {
      claims = await verifyToken(message);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      fail(
        state,
        new RealtimeError({
          code: 1004,
          errorName: 'OT_AUTHENTICATION_ERROR',
          message: `Invalid token: ${error.message}`,
          cause: error,
        }),
        CloseCode.badToken,
      );
      return;
    }
    // The client may have gone (or the server closed) while its token was checked.
    if (state.ws.readyState !== WebSocket.OPEN) return;
    const joined = hub.join({
      sessionId: message.sessionId,
      claims,
      socket: state.socket,
      resumeConnectionId: message.resumeConnectionId,
      resumeKey: message.resumeKey,
    });
    state.connectionId = joined.connectionId;
    state.sessionId = message.sessionId;
    logger.debug(
      { connectionId: joined.connectionId, role: claims.role, resumed: joined.resumed },
      'realtime client connected',
    );
  };

  const dispatch = (
    state: ClientState,
    connectionId: string,
    sessionId: string,
    message: ClientMessage,
  ): Pick<AckMessage, 'stream'> | void => {
    switch (message.type) {
      case 'connect':
        throw new RealtimeError({ code: 400, errorName: 'OT_PROTOCOL_ERROR', message: 'Already connected' });
      case 'publish':
        return { stream: hub.publish(connectionId, message.stream) };
      case 'unpublish':
        hub.unpublish(connectionId, message.streamId);
        return;
      case 'signal':
        signaling.signal({
          sessionId,
          from: connectionId,
          to: message.to,
          signalType: message.signalType,
          data: message.data,
        });
        return;
      case 'rtc':
        signaling.relayRtc(connectionId, message);
        return;
      case 'forceDisconnect':
        hub.forceDisconnect(connectionId, message.connectionId);
        return;
      case 'streamProperty':
        hub.setStreamProperty(connectionId, message);
        return;
      case 'ping':
        state.socket.send({ type: 'pong' });
        return;
    }
  };

  const onMessage = async (state: ClientState, data: RawData): Promise<void> => {
    const parsed = parseClientMessage(data.toString());
    if (!parsed.ok) {
      const error = new RealtimeError({ code: 400, errorName: 'OT_PROTOCOL_ERROR', message: parsed.error });
      if (parsed.rid !== undefined && state.connectionId)
        state.socket.send({ type: 'ack', rid: parsed.rid, error: error.toWire() });
      else fail(state, error, CloseCode.protocolError);
      return;
    }
    const { message } = parsed;
    if (!state.connectionId || !state.sessionId) {
      if (message.type !== 'connect') {
        fail(
          state,
          new RealtimeError({
            code: 400,
            errorName: 'OT_PROTOCOL_ERROR',
            message: 'The first frame must be connect',
          }),
          CloseCode.protocolError,
        );
        return;
      }
      await connect(state, message);
      if (message.rid !== undefined && state.connectionId)
        state.socket.send({ type: 'ack', rid: message.rid });
      return;
    }
    try {
      const result = dispatch(state, state.connectionId, state.sessionId, message);
      if (message.rid !== undefined) state.socket.send({ type: 'ack', rid: message.rid, ...(result ?? {}) });
    } catch (error) {
      if (!(error instanceof RealtimeError)) throw error;
      if (message.rid !== undefined)
        state.socket.send({ type: 'ack', rid: message.rid, error: error.toWire() });
      else state.socket.send({ type: 'error', ...error.toWire() });
    }
  };

  wss.on('connection', (ws: WebSocket) => {
    const state: ClientState = {
      ws,
      unansweredPings: [],
      connectionId: null,
      sessionId: null,
      frames: Promise.resolve(),
      socket: {
        send: (message) => {
          if (ws.readyState !== WebSocket.OPEN) return;
          ws.send(JSON.stringify(message));
          if (ws.bufferedAmount > deps.limits.maxSocketBufferBytes) closeTooSlow(state);
        },
        close: (code, reason) => ws.close(code, reason),
      },
    };
    clients.add(state);
    const connectTimer = setTimeout(() => {
      if (!state.connectionId)
        fail(
          state,
          new RealtimeError({
            code: 408,
            errorName: 'OT_PROTOCOL_ERROR',
            message: 'No connect frame in time',
          }),
          CloseCode.protocolError,
        );
    }, CONNECT_TIMEOUT_MS);
    connectTimer.unref();
    ws.on('pong', (data) => {
      if (state.unansweredPings.some((payload) => payload.equals(data))) state.unansweredPings = [];
    });
    ws.on('message', (data) => {
      state.frames = state.frames.then(() =>
        onMessage(state, data).catch((error: unknown) => {
          logger.error({ err: error }, 'realtime frame handling failed');
          fail(
            state,
            new RealtimeError({ code: 500, errorName: 'OT_PROTOCOL_ERROR', message: 'Internal error' }),
            1011,
          );
        }),
      );
    });
    ws.on('close', (code) => {
      clearTimeout(connectTimer);
      clients.delete(state);
      // 1000 (normal) and 1001 (page closed or reloaded) are a goodbye; anything else may be a network blip.
      if (state.connectionId)
        hub.socketClosed(
          state.connectionId,
          state.socket,
          code === 1000 || code === 1001 ? 'goodbye' : 'lost',
        );
    });
    ws.on('error', (error) => logger.debug({ err: error }, 'realtime socket error'));
  });

  // Keep-alive: a client that answers neither of two pings is dropped, which starts its reconnect grace period.
  // Two, not one, so that a busy event loop delaying one pong does not cut a healthy client. Each ping carries
  // random bytes that its pong must echo (RFC 6455 §5.5.3, which browsers do by themselves).
  const pingTimer = setInterval(() => {
    for (const state of clients) {
      if (state.unansweredPings.length >= MAX_MISSED_PONGS) {
        state.ws.terminate();
        continue;
      }
      const payload = randomBytes(8);
      state.unansweredPings.push(payload);
      state.ws.ping(payload);
    }
  }, deps.limits.pingIntervalMs);
  pingTimer.unref();

  return {
    attach(server) {
      if (attached.has(server)) return;
      const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
        const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
        if (pathname !== endpoint) {
          // Leave other paths to other upgrade handlers; when there are none, refuse instead of hanging.
          if (server.listenerCount('upgrade') === 1) socket.destroy();
          return;
        }
        // A page on another site, even one whose name points at this machine, may not open a socket here.
        if (!deps.isAllowedOrigin(req.headers.origin)) {
          logger.warn({ origin: req.headers.origin }, 'realtime upgrade from a foreign origin refused');
          socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      };
      server.on('upgrade', onUpgrade);
      attached.set(server, onUpgrade);
    },
    async close() {
      clearInterval(pingTimer);
      for (const [server, listener] of attached) server.off('upgrade', listener);
      attached.clear();
      for (const state of clients) state.ws.terminate();
      clients.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

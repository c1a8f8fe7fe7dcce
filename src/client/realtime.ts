/** The client's one door to the emulator's realtime WebSocket: connect, rid/ack requests, liveness, reconnect. */
import {
  CloseCode,
  type AckMessage,
  type ClientMessage,
  type ConnectMessage,
  type ConnectedMessage,
  type ServerMessage,
} from '../protocol/realtime';
import { OTError } from './errors';

const CONNECT_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 10_000;
/**
 * Liveness: a `ping` every second when none is waiting for its answer, and no frame at all for 1.75 s after one
 * counts as a lost network. A network that drops packets closes nothing, so without this the page would learn
 * of the loss only when TCP gives up, minutes later. A loss is noticed at most 2.75 s after the last frame heard.
 */
const PING_INTERVAL_MS = 1000;
const PONG_TIMEOUT_MS = 1750;
/** Backoff before each reconnect attempt; the length bounds how long a blip may last. */
const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 4000, 4000];
/** One reconnect attempt on a network that still drops everything gives up this soon, not after 10 s. */
const RECONNECT_ATTEMPT_TIMEOUT_MS = 3000;

/** Why a session ended, as its `sessionDisconnected` event reports it. */
export type CloseReason = 'clientDisconnected' | 'forceDisconnected' | 'networkDisconnected';

export type RealtimeEvents = {
  /** every server message except acks and the `connected` reply */
  message: (message: ServerMessage) => void;
  reconnecting: () => void;
  reconnected: (connected: ConnectedMessage) => void;
  /** the socket is gone for good and will not be reopened */
  closed: (reason: CloseReason) => void;
};

export interface RealtimeOptions {
  url: string;
  connect: Omit<ConnectMessage, 'type' | 'rid' | 'resumeConnectionId'>;
  events: RealtimeEvents;
}

type Outgoing = ClientMessage extends infer M ? (M extends ClientMessage ? Omit<M, 'rid'> : never) : never;

export class RealtimeChannel {
  readonly #options: RealtimeOptions;
  #socket: WebSocket | null = null;
  #nextRid = 1;
  readonly #pending = new Map<
    number,
    { resolve: (ack: AckMessage) => void; reject: (e: Error) => void; timer: number }
  >();
  #connectionId: string | null = null;
  /** proves on a resume that this is the client the connection belongs to */
  #uploadKey: string | null = null;
  #closedByClient = false;
  #serverError: { code: number; name: string; message: string } | null = null;
  #pingTimer: number | undefined;
  /** armed when a ping is sent, disarmed by any frame received */
  #answerDeadline: number | undefined;

  constructor(options: RealtimeOptions) {
    this.#options = options;
  }

  get isOpen(): boolean {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  /** Opens the socket and resolves with the server's `connected` reply. */
  open(): Promise<ConnectedMessage> {
    return this.#attempt(undefined, CONNECT_TIMEOUT_MS).then((connected) => {
      this.#connectionId = connected.connection.connectionId;
      this.#uploadKey = connected.uploadKey;
      return connected;
    });
  }

  /** Sends a request and resolves with its ack; an ack carrying `error` rejects with that error. */
  request(message: Outgoing): Promise<AckMessage> {
    const socket = this.#socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(
        new OTError({ name: 'OT_NOT_CONNECTED', message: 'Not connected to the session.' }),
      );
    }
    const rid = this.#nextRid++;
    return new Promise<AckMessage>((resolve, reject) => {
      const timer = window.setTimeout(() => {
        this.#pending.delete(rid);
        reject(
          new OTError({ name: 'OT_UNEXPECTED_SERVER_RESPONSE', message: `No answer to "${message.type}".` }),
        );
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(rid, { resolve, reject, timer });
      socket.send(JSON.stringify({ ...message, rid }));
    });
  }

  /** Fire-and-forget send (WebRTC relay); dropped while the socket is down, as a lost packet would be. */
  send(message: Outgoing): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  close(): void {
    this.#closedByClient = true;
    this.#stopPing();
    this.#socket?.close(CloseCode.normal);
    this.#socket = null;
    this.#failPending();
  }

  #attempt(resumeConnectionId: string | undefined, timeoutMs: number): Promise<ConnectedMessage> {
    return new Promise<ConnectedMessage>((resolve, reject) => {
      let settled = false;
      let socket: WebSocket;
      try {
        socket = new WebSocket(this.#options.url);
      } catch (cause) {
        reject(
          new OTError({
            name: 'OT_CONNECT_FAILED',
            message: 'Could not open the realtime connection.',
            cause,
          }),
        );
        return;
      }
      this.#socket = socket;
      this.#serverError = null;
      const timer = window.setTimeout(() => {
        if (settled) return;
        settled = true;
        socket.close();
        reject(new OTError({ name: 'OT_CONNECT_FAILED', message: 'Timed out connecting to the session.' }));
      }, timeoutMs);

      socket.onopen = () => {
        const connect: ConnectMessage = { type: 'connect', ...this.#options.connect };
        if (resumeConnectionId) {
          connect.resumeConnectionId = resumeConnectionId;
          if (this.#uploadKey) connect.resumeKey = this.#uploadKey;
        }
        socket.send(JSON.stringify(connect));
      };
      socket.onmessage = (event: MessageEvent) => {
        // A socket given up for its silence may still deliver late frames: they no longer count.
        if (this.#socket !== socket) return;
        this.#heard();
        let message: ServerMessage;
        try {
          message = JSON.parse(String(event.data)) as ServerMessage;
        } catch {
          return;
        }
        if (message.type === 'connected' && !settled) {
          settled = true;
          window.clearTimeout(timer);
          this.#startPing(socket);
          resolve(message);
          return;
        }
        this.#dispatch(message);
      };
      socket.onclose = (event: CloseEvent) => {
        window.clearTimeout(timer);
        if (this.#socket !== socket) return;
        if (!settled) {
          settled = true;
          reject(this.#connectError(event.code));
          return;
        }
        this.#onDrop(event.code);
      };
    });
  }

  #dispatch(message: ServerMessage): void {
    if (message.type === 'ack') {
      const pending = this.#pending.get(message.rid);
      if (!pending) return;
      this.#pending.delete(message.rid);
      window.clearTimeout(pending.timer);
      if (message.error) {
        pending.reject(serverError(message.error));
      } else {
        pending.resolve(message);
      }
      return;
    }
    if (message.type === 'pong') return;
    if (message.type === 'error') {
      this.#serverError = { code: message.code, name: message.name, message: message.message };
    }
    this.#options.events.message(message);
  }

  #connectError(closeCode: number): OTError {
    const error = this.#serverError;
    if (closeCode === CloseCode.badToken || error?.name === 'OT_AUTHENTICATION_ERROR') {
      return new OTError({
        name: 'OT_AUTHENTICATION_ERROR',
        message:
          error?.message ??
          'The token was rejected: check that it belongs to this session and has not expired.',
      });
    }
    if (closeCode === CloseCode.sessionNotFound) {
      return new OTError({
        name: 'OT_INVALID_SESSION_ID',
        message: error?.message ?? 'The session was not found.',
      });
    }
    if (error) return serverError(error);
    return new OTError({
      name: 'OT_CONNECT_FAILED',
      message:
        'Could not connect to the session: the local emulator did not answer. Is the app still running?',
    });
  }

  #onDrop(closeCode: number): void {
    this.#stopPing();
    this.#socket = null;
    this.#failPending();
    if (this.#closedByClient) return;
    if (closeCode === CloseCode.forceDisconnected) {
      this.#options.events.closed('forceDisconnected');
      return;
    }
    if (
      closeCode === CloseCode.normal ||
      closeCode === CloseCode.badToken ||
      closeCode === CloseCode.protocolError
    ) {
      this.#options.events.closed(
        closeCode === CloseCode.normal ? 'clientDisconnected' : 'networkDisconnected',
      );
      return;
    }
    this.#options.events.reconnecting();
    this.#reconnect().catch((error: unknown) => console.error('OT: reconnecting failed', error));
  }

  async #reconnect(): Promise<void> {
    for (const delayMs of RECONNECT_DELAYS_MS) {
      await new Promise((r) => window.setTimeout(r, delayMs));
      if (this.#closedByClient) return;
      try {
        const connected = await this.#attempt(this.#connectionId ?? undefined, RECONNECT_ATTEMPT_TIMEOUT_MS);
        this.#connectionId = connected.connection.connectionId;
        this.#uploadKey = connected.uploadKey;
        this.#options.events.reconnected(connected);
        return;
      } catch (error) {
        if (error instanceof OTError && error.name === 'OT_AUTHENTICATION_ERROR') break;
      }
    }
    if (!this.#closedByClient) this.#options.events.closed('networkDisconnected');
  }

  #startPing(socket: WebSocket): void {
    this.#stopPing();
    this.#pingTimer = window.setInterval(() => {
      // One ping at a time: in a hidden tab the browser may run this timer only once a minute, and a ping
      // answered long ago must not count as unanswered when it finally runs.
      if (this.#answerDeadline !== undefined || this.#socket !== socket) return;
      this.#answerDeadline = window.setTimeout(() => this.#giveUpSilent(socket), PONG_TIMEOUT_MS);
      this.send({ type: 'ping' });
    }, PING_INTERVAL_MS);
  }

  #stopPing(): void {
    window.clearInterval(this.#pingTimer);
    this.#heard();
  }

  /** Any frame proves that the server's messages still reach this page. */
  #heard(): void {
    window.clearTimeout(this.#answerDeadline);
    this.#answerDeadline = undefined;
  }

  /**
   * Nothing came back in time. The socket is given up at once: its close would wait for a closing handshake
   * that a silent network never completes. The code is not 1000, so the emulator keeps the connection to resume.
   */
  #giveUpSilent(socket: WebSocket): void {
    this.#answerDeadline = undefined;
    if (this.#socket !== socket) return;
    socket.close(CloseCode.serverSilent, 'no answer from the server');
    this.#onDrop(CloseCode.serverSilent);
  }

  #failPending(): void {
    for (const [rid, pending] of this.#pending) {
      window.clearTimeout(pending.timer);
      pending.reject(
        new OTError({ name: 'OT_NOT_CONNECTED', message: 'The connection to the session was lost.' }),
      );
      this.#pending.delete(rid);
    }
  }
}

const KNOWN_NAMES = new Set([
  'OT_AUTHENTICATION_ERROR',
  'OT_INVALID_SESSION_ID',
  'OT_CONNECT_FAILED',
  'OT_NOT_CONNECTED',
  'OT_INVALID_PARAMETER',
  'OT_PERMISSION_DENIED',
  'OT_STREAM_NOT_FOUND',
]);

function serverError(error: { code: number; name: string; message: string }): OTError {
  const name = KNOWN_NAMES.has(error.name)
    ? (error.name as OTError['name'])
    : 'OT_UNEXPECTED_SERVER_RESPONSE';
  return new OTError({ name, message: error.message, code: error.code });
}

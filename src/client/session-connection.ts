/** A session's realtime connection: opens and closes the channel, and keeps what `connected` granted. */
import { REALTIME_PATH, type ConnectedMessage, type ServerMessage } from '../protocol/realtime';
import { OTError } from './errors';
import { createPeerConfiguration, type IceConfig, type PeerConfiguration } from './ice-config';
import { RealtimeChannel, type CloseReason } from './realtime';
import { Connection } from './stream';

export type SessionState = 'disconnected' | 'connecting' | 'connected' | 'disconnecting';

/** OpenTok.js's `session.capabilities`: 1 where the token's role allows the action, 0 where not. */
export interface SessionCapabilities {
  publish: number;
  subscribe: number;
  forceDisconnect: number;
  forceUnpublish: number;
  forceMute: number;
}

const NO_CAPABILITIES: SessionCapabilities = {
  publish: 0,
  subscribe: 0,
  forceDisconnect: 0,
  forceUnpublish: 0,
  forceMute: 0,
};

/** What the connection reports to the session that owns it; it never calls anything else. */
export interface SessionConnectionEvents {
  /** the first `connected` reply, already applied to `connection` and `capabilities` */
  connected: (connected: ConnectedMessage) => void;
  reconnecting: () => void;
  /** the channel came back after a drop; `connected` says whether the old connection was resumed */
  reconnected: (connected: ConnectedMessage) => void;
  message: (message: ServerMessage) => void;
  /** the state is already `disconnected`; `connection` and `capabilities` are cleared after this returns */
  closed: (reason: CloseReason) => void;
  /** the page is unloading while connected */
  pageHidden: () => void;
}

export interface SessionConnectionOptions {
  apiKey: string;
  sessionId: string;
  /** where the emulator is mounted, e.g. `/emulator` */
  emulatorPath: string;
  iceConfig: IceConfig | undefined;
  events: SessionConnectionEvents;
}

export class SessionConnection {
  readonly #options: SessionConnectionOptions;
  #state: SessionState = 'disconnected';
  #channel: RealtimeChannel | null = null;
  #connection: Connection | undefined;
  #capabilities: SessionCapabilities = { ...NO_CAPABILITIES };
  #iceServers: RTCIceServer[] = [];
  readonly #onPageHide = (): void => this.#options.events.pageHidden();

  constructor(options: SessionConnectionOptions) {
    this.#options = options;
  }

  get state(): SessionState {
    return this.#state;
  }

  /** This client's own connection, from the first `connected` until the session is disconnected. */
  get connection(): Connection | undefined {
    return this.#connection;
  }

  get capabilities(): SessionCapabilities {
    return this.#capabilities;
  }

  /** The open channel; null before connecting and after disconnecting. */
  get channel(): RealtimeChannel | null {
    return this.#channel;
  }

  /** The ICE servers of the last `connected` reply combined with the page's iceConfig. */
  peerConfiguration(): PeerConfiguration {
    return createPeerConfiguration(this.#iceServers, this.#options.iceConfig);
  }

  requireConnected(): RealtimeChannel {
    if (this.#state !== 'connected' || !this.#channel) {
      throw new OTError({ name: 'OT_NOT_CONNECTED', message: 'Connect to the session first.' });
    }
    return this.#channel;
  }

  /** `done` is the page's connect callback: called once, after `sessionConnected` or with the error. */
  connect(token: string, done?: (error?: OTError) => void): void {
    if (this.#state !== 'disconnected') {
      const error = new OTError({
        name: 'OT_CONNECT_FAILED',
        message: 'This session is already connected or connecting.',
      });
      queueMicrotask(() => done?.(error));
      return;
    }
    if (typeof token !== 'string' || token === '') {
      const error = new OTError({
        name: 'OT_AUTHENTICATION_ERROR',
        message: 'No token was given to session.connect().',
      });
      queueMicrotask(() => done?.(error));
      return;
    }
    const { apiKey, sessionId, events } = this.#options;
    this.#state = 'connecting';
    const channel = new RealtimeChannel({
      url: this.#realtimeUrl(),
      connect: { apiKey, sessionId, token },
      events: {
        message: (message) => events.message(message),
        reconnecting: () => events.reconnecting(),
        reconnected: (connected) => {
          this.#apply(connected);
          events.reconnected(connected);
        },
        closed: (reason) => this.#onClosed(reason),
      },
    });
    this.#channel = channel;
    channel.open().then(
      (connected) => {
        // A disconnect() while connecting replaced or dropped this channel: its answer no longer counts.
        if (this.#channel !== channel) return;
        this.#state = 'connected';
        window.addEventListener('pagehide', this.#onPageHide);
        this.#apply(connected);
        events.connected(connected);
        done?.();
      },
      (error: OTError) => {
        if (this.#channel === channel) this.#channel = null;
        this.#state = 'disconnected';
        done?.(error);
      },
    );
  }

  /** Says goodbye to the emulator and closes the session at once. */
  disconnect(): void {
    if (this.#state === 'disconnected') return;
    this.#state = 'disconnecting';
    this.#channel?.close();
    this.#onClosed('clientDisconnected');
  }

  #apply(connected: ConnectedMessage): void {
    this.#connection = new Connection(connected.connection);
    const caps = connected.capabilities;
    this.#capabilities = {
      publish: caps.publish ? 1 : 0,
      subscribe: caps.subscribe ? 1 : 0,
      forceDisconnect: caps.forceDisconnect ? 1 : 0,
      forceUnpublish: caps.forceDisconnect ? 1 : 0,
      forceMute: caps.forceDisconnect ? 1 : 0,
    };
    this.#iceServers = connected.iceServers;
  }

  #onClosed(reason: CloseReason): void {
    if (this.#state === 'disconnected') return;
    window.removeEventListener('pagehide', this.#onPageHide);
    this.#channel = null;
    this.#state = 'disconnected';
    // Handlers of sessionDisconnected still read session.connection, as in OpenTok.js.
    this.#options.events.closed(reason);
    this.#connection = undefined;
    this.#capabilities = { ...NO_CAPABILITIES };
  }

  #realtimeUrl(): string {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}${this.#options.emulatorPath}${REALTIME_PATH}`;
  }
}

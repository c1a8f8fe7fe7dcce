/** Messages between the clients of a session: signals (from a client or the server) and WebRTC negotiation. */
import {
  MAX_SIGNAL_DATA_BYTES,
  MAX_SIGNAL_TYPE_BYTES,
  SIGNAL_TYPE_PATTERN,
  type RtcMessage,
  type ServerMessage,
} from '../../protocol/realtime';
import type { ClientMessenger } from './client-messenger';
import type { PresenceRegistry } from './presence-registry';
import { invalidParameter, notConnected, notFoundInSession, permissionDenied } from './realtime-error';

export interface Signaling {
  /** `from` is null for a signal of the platform (REST); without `to` every client of the session gets it */
  signal(input: {
    sessionId: string;
    from: string | null;
    to?: string;
    signalType?: string;
    data?: string;
  }): void;
  /** forwards an SDP offer or answer, an ICE candidate or a bye to the other side of a stream */
  relayRtc(connectionId: string, message: RtcMessage): void;
}

export function createSignaling(deps: {
  presence: Pick<PresenceRegistry, 'connection' | 'stream'>;
  messenger: ClientMessenger;
}): Signaling {
  const { presence, messenger } = deps;

  const requireConnection = (connectionId: string) => {
    const c = presence.connection(connectionId);
    if (!c) throw notConnected();
    return c;
  };

  return {
    signal({ sessionId, from, to, signalType, data }) {
      if (from !== null && !requireConnection(from).capabilities.signal) {
        throw permissionDenied("This token's role (publisheronly) does not allow signaling");
      }
      // Limits of OpenTok.js session.signal(): 413 for sizes, 400 for a bad type (docs/platform.md §6.2).
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
        messenger.broadcast(sessionId, event);
        return;
      }
      const target = presence.connection(to);
      if (!target || target.sessionId !== sessionId)
        throw notFoundInSession(`No connection ${to} in this session`);
      messenger.sendTo(to, event);
    },

    relayRtc(connectionId, message) {
      const c = requireConnection(connectionId);
      const target = presence.connection(message.to);
      if (!target || target.sessionId !== c.sessionId)
        throw notFoundInSession(`No connection ${message.to} in this session`);
      const stream = presence.stream(message.streamId);
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
      messenger.sendTo(message.to, {
        type: 'rtc',
        from: connectionId,
        streamId: message.streamId,
        kind: message.kind,
        payload: message.payload,
      });
    },
  };
}

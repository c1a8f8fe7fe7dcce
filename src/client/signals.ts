/** Signals between connections, and forceDisconnect: requests about other clients, checked as OpenTok.js checks them. */
import { MAX_SIGNAL_DATA_BYTES, MAX_SIGNAL_TYPE_BYTES, SIGNAL_TYPE_PATTERN } from '../protocol/realtime';
import { OTError } from './errors';
import type { SessionConnection } from './session-connection';
import type { SessionRegistry } from './session-registry';
import { Connection } from './stream';

export interface OutgoingSignal {
  type?: string;
  data?: string;
  to?: Connection;
  /** accepted for compatibility and ignored: a signal sent while reconnecting fails */
  retryAfterReconnect?: boolean;
}

/** Sends a signal to everyone or to one connection; invalid type or data rejects with OT_INVALID_PARAMETER. */
export async function sendSignal(link: SessionConnection, signal: OutgoingSignal): Promise<void> {
  const channel = link.requireConnected();
  const { type, data } = signal;
  const encoder = new TextEncoder();
  if (
    type !== undefined &&
    (encoder.encode(type).length > MAX_SIGNAL_TYPE_BYTES || !SIGNAL_TYPE_PATTERN.test(type))
  ) {
    throw new OTError({
      name: 'OT_INVALID_PARAMETER',
      message: 'A signal type is at most 128 characters of letters, digits, "-", "_" and "~".',
    });
  }
  if (
    data !== undefined &&
    (typeof data !== 'string' || encoder.encode(data).length > MAX_SIGNAL_DATA_BYTES)
  ) {
    throw new OTError({
      name: 'OT_INVALID_PARAMETER',
      message: 'Signal data must be a string of at most 8 KB.',
    });
  }
  await channel.request({
    type: 'signal',
    ...(signal.to ? { to: signal.to.connectionId } : {}),
    ...(type !== undefined ? { signalType: type } : {}),
    ...(data !== undefined ? { data } : {}),
  });
}

export async function requestForceDisconnect(link: SessionConnection, connection: Connection): Promise<void> {
  const channel = link.requireConnected();
  if (!link.capabilities.forceDisconnect) {
    throw new OTError({
      name: 'OT_PERMISSION_DENIED',
      message: 'Only a moderator token may force a disconnect.',
    });
  }
  await channel.request({ type: 'forceDisconnect', connectionId: connection.connectionId });
}

/** The `from` of a received signal: null when the platform sent it (REST), else the sender's connection. */
export function findSignalSender(
  fromId: string | null,
  link: SessionConnection,
  registry: SessionRegistry,
): Connection | null {
  if (fromId === null) return null;
  if (fromId === link.connection?.connectionId) return link.connection;
  return (
    registry.findConnection(fromId) ?? new Connection({ connectionId: fromId, creationTime: 0, data: '' })
  );
}

/**
 * OpenTok.js dispatches a typed signal both as "signal" and as "signal:<type>"; the event's `type` then reads
 * "signal:<type>" (docs/platform.md §6.2 leaves this unverified; this follows OpenTok.js's SignalEvent).
 */
export function signalEventType(signalType: string | undefined): string {
  return signalType ? `signal:${signalType}` : 'signal';
}

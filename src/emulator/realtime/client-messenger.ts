/**
 * Delivery of server messages to the clients of a session, in order. While a client's socket is lost its
 * messages are held, and it gets them, in order, when it resumes.
 */
import type { ServerMessage } from '../../protocol/realtime';
import type { PresenceReader } from './presence-registry';

/** The transport side of one client: a WebSocket in production, anything that can send and close in tests. */
export interface ClientSocket {
  send(message: ServerMessage): void;
  close(code: number, reason: string): void;
}

/** What the archive side may do: tell one client or every client of a session. */
export interface ClientMessenger {
  sendTo(connectionId: string, message: ServerMessage): void;
  broadcast(sessionId: string, message: ServerMessage, exceptId?: string): void;
}

/** The session hub's side: which socket carries a connection's messages. */
export interface ClientLines extends ClientMessenger {
  /** carries the connection's messages on `socket` from now on, after those held while it had none */
  attach(connectionId: string, socket: ClientSocket): void;
  /** holds the connection's messages until it is attached again; returns the socket it had */
  detach(connectionId: string): ClientSocket | null;
  socketOf(connectionId: string): ClientSocket | null;
  /** false once messages held for the connection had to be dropped: a resume would show it a session with gaps */
  canResume(connectionId: string): boolean;
  /** forgets the connection and what was held for it; returns the socket it had */
  remove(connectionId: string): ClientSocket | null;
  /** closes every socket and forgets every connection (server shutdown) */
  closeAll(code: number, reason: string): void;
}

/**
 * What is held for a client whose socket is lost: plenty for a network blip, and no more than the send buffer
 * a socket may fill (limits.maxSocketBufferBytes), whatever others send it meanwhile.
 */
const MAX_HELD_MESSAGES = 1000;
const MAX_HELD_BYTES = 1024 * 1024;

interface Line {
  socket: ClientSocket | null;
  /** messages for a client that dropped and may resume */
  pending: ServerMessage[];
  pendingBytes: number;
  /** messages were dropped while it was away */
  incomplete: boolean;
}

const newLine = (): Line => ({ socket: null, pending: [], pendingBytes: 0, incomplete: false });

export function createClientMessenger(presence: Pick<PresenceReader, 'connectionIds'>): ClientLines {
  const lines = new Map<string, Line>();

  const deliver = (line: Line, message: ServerMessage): void => {
    if (line.socket) {
      line.socket.send(message);
      return;
    }
    if (line.incomplete) return;
    const bytes = Buffer.byteLength(JSON.stringify(message));
    if (line.pending.length >= MAX_HELD_MESSAGES || line.pendingBytes + bytes > MAX_HELD_BYTES) {
      line.pending = [];
      line.pendingBytes = 0;
      line.incomplete = true;
      return;
    }
    line.pending.push(message);
    line.pendingBytes += bytes;
  };

  const sendTo = (connectionId: string, message: ServerMessage): void => {
    const line = lines.get(connectionId);
    if (line) deliver(line, message);
  };

  return {
    sendTo,

    broadcast(sessionId, message, exceptId) {
      for (const id of presence.connectionIds(sessionId)) if (id !== exceptId) sendTo(id, message);
    },

    attach(connectionId, socket) {
      const line = lines.get(connectionId) ?? newLine();
      lines.set(connectionId, line);
      line.socket = socket;
      line.pendingBytes = 0;
      for (const message of line.pending.splice(0)) socket.send(message);
    },

    detach(connectionId) {
      const line = lines.get(connectionId);
      if (!line) return null;
      const socket = line.socket;
      line.socket = null;
      return socket;
    },

    socketOf: (connectionId) => lines.get(connectionId)?.socket ?? null,

    canResume: (connectionId) => lines.get(connectionId)?.incomplete === false,

    remove(connectionId) {
      const socket = lines.get(connectionId)?.socket ?? null;
      lines.delete(connectionId);
      return socket;
    },

    closeAll(code, reason) {
      for (const line of lines.values()) line.socket?.close(code, reason);
      lines.clear();
    },
  };
}

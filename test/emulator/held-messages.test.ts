/** Messages held for a client whose socket was lost: in order when it resumes, and never a backlog without end. */
import type { ConnectedMessage, ServerMessage } from '../../src/protocol/realtime';
import { createTestHub, PUBLISHER_CLAIMS as claims } from './support/session-hub';

function recordingSocket() {
  const received: ServerMessage[] = [];
  return { received, send: (m: ServerMessage) => void received.push(m), close: () => undefined };
}

function setUp() {
  const { messenger, hub } = createTestHub(60_000);
  /** joins, then loses its socket without a goodbye; returns what a resume needs */
  const joinThenLoseSocket = () => {
    const socket = recordingSocket();
    const { connectionId } = hub.join({ sessionId: 's1', claims, socket });
    const { uploadKey } = socket.received[0] as ConnectedMessage;
    hub.socketClosed(connectionId, socket, 'lost');
    return { connectionId, uploadKey };
  };
  const resume = (connectionId: string, uploadKey: string) => {
    const socket = recordingSocket();
    const joined = hub.join({
      sessionId: 's1',
      claims,
      socket,
      resumeConnectionId: connectionId,
      resumeKey: uploadKey,
    });
    return { joined, received: socket.received };
  };
  const signal = (data: string): ServerMessage => ({ type: 'signal', from: null, signalType: 'x', data });
  return { messenger, joinThenLoseSocket, resume, signal };
}

test('a resumed client gets what it missed, in order', () => {
  const { messenger, joinThenLoseSocket, resume, signal } = setUp();
  const { connectionId, uploadKey } = joinThenLoseSocket();
  for (const n of [1, 2, 3]) messenger.sendTo(connectionId, signal(String(n)));
  const { joined, received } = resume(connectionId, uploadKey);
  expect(joined).toEqual({ connectionId, resumed: true });
  expect(received.filter((m) => m.type === 'signal').map((m) => (m as { data: string }).data)).toEqual([
    '1',
    '2',
    '3',
  ]);
});

test('a client that missed more than 1 MiB of messages gets a fresh connection instead of a session with gaps', () => {
  const { messenger, joinThenLoseSocket, resume, signal } = setUp();
  const { connectionId, uploadKey } = joinThenLoseSocket();
  // 200 signals of 8000 bytes: far fewer than the 1000 messages held, but 1.6 MB.
  for (let n = 0; n < 200; n += 1) messenger.sendTo(connectionId, signal('x'.repeat(8000)));
  const { joined, received } = resume(connectionId, uploadKey);
  expect(joined.resumed).toBe(false);
  expect(joined.connectionId).not.toBe(connectionId);
  expect(received.some((m) => m.type === 'signal')).toBe(false);
});

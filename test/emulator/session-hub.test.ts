/** Session hub bookkeeping: what it keeps about connections that left, and that shutdown keeps nothing. */
import { createSessionHub, type PresenceListener } from '../../src/emulator/realtime/session-hub';

const listener: PresenceListener = {
  currentArchive: () => null,
  onConnectionCreated: () => undefined,
  onConnectionDestroyed: () => undefined,
  onStreamsChanged: () => undefined,
  awaitsUploads: () => true,
};

const socket = { send: () => undefined, close: () => undefined };
const claims = {
  sessionId: 's1',
  role: 'publisher' as const,
  connectionData: '',
  expireTime: 0,
  initialLayoutClassList: '',
};
const stream = {
  name: 'camera',
  hasAudio: true,
  hasVideo: true,
  videoType: 'camera' as const,
  videoDimensions: { width: 640, height: 480 },
  frameRate: 30,
};

test('close() forgets the credentials and streams kept for uploads', () => {
  const hub = createSessionHub({ clock: Date.now, reconnectGraceMs: 1000, listener });
  const { connectionId } = hub.join({ sessionId: 's1', claims, socket });
  const { streamId } = hub.publish(connectionId, stream);
  hub.leave(connectionId, 'clientDisconnected');
  // An archive still awaits its uploads: kept.
  expect(hub.credentials(connectionId)).toBeDefined();
  expect(hub.knownStream(streamId)).toBeDefined();
  hub.close();
  expect(hub.credentials(connectionId)).toBeUndefined();
  expect(hub.knownStream(streamId)).toBeUndefined();
});

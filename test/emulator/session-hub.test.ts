/** Session hub bookkeeping: what presence keeps about connections that left, and that shutdown keeps nothing. */
import { createTestHub, PUBLISHER_CLAIMS as claims } from './support/session-hub';

const socket = { send: () => undefined, close: () => undefined };
const stream = {
  name: 'camera',
  hasAudio: true,
  hasVideo: true,
  videoType: 'camera' as const,
  videoDimensions: { width: 640, height: 480 },
  frameRate: 30,
};

const setUp = () => createTestHub(1000);

test('a connection that left keeps its upload credentials and streams until they are released', () => {
  const { presence, hub } = setUp();
  const { connectionId } = hub.join({ sessionId: 's1', claims, socket });
  const { streamId } = hub.publish(connectionId, stream);
  hub.leave(connectionId, 'clientDisconnected');
  expect(presence.connectionIds('s1')).toEqual([]);
  // An archive still awaits its uploads: kept.
  presence.releaseDeparted('s1', () => true);
  expect(presence.credentials(connectionId)).toBeDefined();
  expect(presence.knownStream(streamId)).toBeDefined();
  // No archive awaits them any more: forgotten.
  presence.releaseDeparted('s1', () => false);
  expect(presence.credentials(connectionId)).toBeUndefined();
  expect(presence.knownStream(streamId)).toBeUndefined();
});

test('close() forgets the credentials and streams kept for uploads', () => {
  const { presence, hub } = setUp();
  const { connectionId } = hub.join({ sessionId: 's1', claims, socket });
  const { streamId } = hub.publish(connectionId, stream);
  hub.leave(connectionId, 'clientDisconnected');
  // Nothing released them: kept.
  expect(presence.credentials(connectionId)).toBeDefined();
  expect(presence.knownStream(streamId)).toBeDefined();
  hub.close();
  expect(presence.credentials(connectionId)).toBeUndefined();
  expect(presence.knownStream(streamId)).toBeUndefined();
});

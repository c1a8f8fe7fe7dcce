/** The other clients' streams follow their publishers' mute and unmute, live and across a reconnect. */
import { SessionRegistry } from '../../src/client/session-registry';
import type { Stream } from '../../src/client/stream';
import type { ConnectedMessage, StreamInfo } from '../../src/protocol/realtime';

const streamInfo = (flags: Partial<StreamInfo> = {}): StreamInfo => ({
  streamId: 's1',
  connectionId: 'other',
  creationTime: 0,
  name: 'camera',
  hasAudio: true,
  hasVideo: true,
  videoType: 'camera',
  videoDimensions: { width: 640, height: 480 },
  frameRate: 30,
  ...flags,
});

const connected = (streams: StreamInfo[]): ConnectedMessage => ({
  type: 'connected',
  connection: { connectionId: 'me', creationTime: 0, data: '' },
  capabilities: { publish: true, subscribe: true, signal: true, forceDisconnect: false },
  connections: [{ connectionId: 'other', creationTime: 0, data: '{"name":"Ada"}' }],
  streams,
  archive: null,
  uploadKey: 'k',
  iceServers: [],
});

let changes: Array<[string, boolean, boolean, boolean]>;
let created: Stream[];
let registry: SessionRegistry;

beforeEach(() => {
  changes = [];
  created = [];
  registry = new SessionRegistry({
    connectionCreated: () => undefined,
    connectionDestroyed: () => undefined,
    streamCreated: (stream) => created.push(stream),
    streamDestroyed: () => undefined,
    streamPropertyChanged: (stream, property, oldValue, newValue) =>
      changes.push([property, oldValue, newValue, stream[property]]),
  });
});

test('a change is reported once with the old and new value, and the Stream object follows', () => {
  registry.load(connected([streamInfo()]));
  const stream = registry.findStream('s1');
  registry.changeStream('s1', 'hasAudio', false);
  registry.changeStream('s1', 'hasAudio', false);
  registry.changeStream('s1', 'hasVideo', false);
  registry.changeStream('unknown', 'hasVideo', false);
  expect(changes).toEqual([
    ['hasAudio', true, false, false],
    ['hasVideo', true, false, false],
  ]);
  expect(stream).toMatchObject({ hasAudio: false, hasVideo: false });
});

test('a stream that joins muted starts with its flags off', () => {
  registry.load(connected([streamInfo({ hasAudio: false, hasVideo: false })]));
  expect(registry.findStream('s1')).toMatchObject({ hasAudio: false, hasVideo: false });
  expect(changes).toEqual([]);
});

test('after a reconnect, a mute missed while away is reported as a change of the same stream', () => {
  registry.load(connected([streamInfo()]));
  const before = registry.findStream('s1');
  registry.sync(connected([streamInfo({ hasVideo: false })]));
  expect(changes).toEqual([['hasVideo', true, false, false]]);
  expect(registry.findStream('s1')).toBe(before);
  expect(created).toEqual([]);
});

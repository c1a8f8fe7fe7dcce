/** The local client's stream recorder: a stop that comes before the start leaves no MediaRecorder running. */
import { StreamRecorder } from '../../src/client/recorder';
import { archiveInfo, FakeMediaStream } from './support/recording-fakes';

/** Just enough of MediaRecorder and MediaStream for the recorder's state machine; Node has neither. */
class FakeMediaRecorder {
  static readonly created: FakeMediaRecorder[] = [];
  static isTypeSupported = (): boolean => true;
  state: 'inactive' | 'recording' = 'inactive';
  ondataavailable: unknown = null;
  constructor() {
    FakeMediaRecorder.created.push(this);
  }
  start(): void {
    this.state = 'recording';
  }
  stop(): void {
    this.state = 'inactive';
  }
  addEventListener(): void {}
}

const archive = archiveInfo('individual');

const finishRequests: string[] = [];
beforeAll(() => {
  Object.assign(globalThis, {
    MediaRecorder: FakeMediaRecorder,
    MediaStream: FakeMediaStream,
    fetch: (url: string) => {
      finishRequests.push(url);
      return Promise.resolve(new Response('{}'));
    },
  });
});

function createRecorder(): StreamRecorder {
  const media = new FakeMediaStream([{ kind: 'video', readyState: 'live' }]);
  return new StreamRecorder({
    archive,
    media: media as unknown as MediaStream,
    upload: {
      mediaUrl: 'http://127.0.0.1:1/emulator/media',
      archiveId: archive.id,
      streamId: 's1',
      credentials: () => ({ connectionId: 'c1', uploadKey: 'k1' }),
    },
  });
}

test('a start after stop records nothing', async () => {
  const recorder = createRecorder();
  await recorder.stop();
  await recorder.start();
  expect(recorder.recording).toBe(false);
  expect(FakeMediaRecorder.created.at(-1)?.state).toBe('inactive');
  expect(finishRequests).toEqual(['http://127.0.0.1:1/emulator/media/a1/s1/finish']);
});

test('a start with no stop before it records', async () => {
  const recorder = createRecorder();
  await recorder.start();
  expect(recorder.recording).toBe(true);
});

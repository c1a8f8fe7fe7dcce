/**
 * What a recording's finish tells the emulator: how many chunks were sent, so that it waits for a chunk the
 * finish overtook and does not wait for a recorder that recorded nothing.
 */
import { StreamRecorder } from '../../src/client/recorder';
import { ChunkUploader, type UploadTarget } from '../../src/client/upload';
import { archiveInfo, FakeMediaStream } from './support/recording-fakes';

interface SentRequest {
  url: string;
  method: string;
  body: unknown;
  keepalive: boolean;
}

/** Every request the client sends; a chunk PUT is answered at once unless `holdChunks` is set. */
const sent: SentRequest[] = [];
let holdChunks = false;

class FakeMediaRecorder {
  static isTypeSupported = (): boolean => true;
  state: 'inactive' | 'recording' = 'inactive';
  ondataavailable: ((event: { data: Blob }) => void) | null = null;
  readonly #listeners: Array<() => void> = [];
  start(): void {
    this.state = 'recording';
  }
  stop(): void {
    this.state = 'inactive';
    this.ondataavailable?.({ data: new Blob(['last']) });
    for (const listener of this.#listeners.splice(0)) listener();
  }
  addEventListener(_type: 'stop', listener: () => void): void {
    this.#listeners.push(listener);
  }
}

beforeAll(() => {
  Object.assign(globalThis, {
    MediaRecorder: FakeMediaRecorder,
    MediaStream: FakeMediaStream,
    fetch: (url: string, init: RequestInit) => {
      const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : init.body;
      sent.push({ url, method: init.method ?? 'GET', body, keepalive: init.keepalive ?? false });
      if (init.method === 'PUT' && holdChunks) return new Promise<Response>(() => undefined);
      return Promise.resolve(new Response('{}'));
    },
  });
});

beforeEach(() => {
  sent.splice(0);
  holdChunks = false;
});

const target: UploadTarget = {
  mediaUrl: 'http://127.0.0.1:1/emulator/media',
  archiveId: 'a1',
  streamId: 's1',
  credentials: () => ({ connectionId: 'c1', uploadKey: 'k1' }),
};
const OFFSETS = { startTimeOffset: 0, stopTimeOffset: 500 };
const finishes = (): unknown[] => sent.filter((r) => r.url.endsWith('/finish')).map((r) => r.body);

test('a finish counts every chunk sent', async () => {
  const uploader = new ChunkUploader(target);
  for (const label of ['one', 'two', 'three']) uploader.push(new Blob([label]));
  await uploader.finish(OFFSETS);
  expect(sent.filter((r) => r.method === 'PUT').map((r) => r.url.split('/').at(-1))).toEqual(['0', '1', '2']);
  expect(finishes()).toEqual([{ ...OFFSETS, chunks: 3 }]);
});

test('a closing page counts the chunks it still sends, so the emulator waits for one its finish overtakes', () => {
  holdChunks = true;
  const uploader = new ChunkUploader(target);
  uploader.push(new Blob(['stored before']));
  uploader.push(new Blob(['last slice']));
  uploader.abandon(OFFSETS);
  expect(finishes()).toEqual([{ ...OFFSETS, chunks: 2 }]);
});

test('a closing page does not count a chunk too large for the keep-alive budget', () => {
  holdChunks = true;
  const uploader = new ChunkUploader(target);
  uploader.push(new Blob(['small']));
  uploader.push(new Blob([new Uint8Array(70 * 1024)]));
  uploader.abandon(OFFSETS);
  expect(finishes()).toEqual([{ ...OFFSETS, chunks: 1 }]);
});

test('a recorder counts the last chunk MediaRecorder hands over at the stop', async () => {
  const archive = archiveInfo('individual');
  const media = new FakeMediaStream([{ kind: 'video', readyState: 'live' }]);
  const recorder = new StreamRecorder({ archive, media: media as unknown as MediaStream, upload: target });
  await recorder.start();
  await recorder.stop();
  expect(finishes()).toEqual([expect.objectContaining({ chunks: 1 })]);
});

test('a recorder with no track the archive records still finishes, with no chunks', async () => {
  // A camera-only stream in an audio-only archive: nothing to record, and the archive must not wait for it.
  const archive = { ...archiveInfo('individual'), hasVideo: false };
  const media = new FakeMediaStream([{ kind: 'video', readyState: 'live' }]);
  const recorder = new StreamRecorder({ archive, media: media as unknown as MediaStream, upload: target });
  await recorder.start();
  expect(recorder.recording).toBe(false);
  await recorder.stop();
  expect(finishes()).toEqual([expect.objectContaining({ chunks: 0 })]);
  expect(sent.filter((r) => r.method === 'PUT')).toEqual([]);
});

test('a page closed while a stop still waits for its uploads sends them and the finish with keep-alive', async () => {
  holdChunks = true;
  const archive = archiveInfo('individual');
  const media = new FakeMediaStream([{ kind: 'video', readyState: 'live' }]);
  const recorder = new StreamRecorder({ archive, media: media as unknown as MediaStream, upload: target });
  await recorder.start();
  void recorder.stop();
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect(finishes()).toEqual([]);
  recorder.abandon();
  const kept = sent.filter((r) => r.keepalive).map((r) => `${r.method} ${r.url.split('/').at(-1) ?? ''}`);
  expect(kept).toEqual(['PUT 0', 'POST finish']);
  expect(finishes()).toEqual([expect.objectContaining({ chunks: 1 })]);
});

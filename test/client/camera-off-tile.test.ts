/** A stream whose camera is off shows in the composed recording as the person's name on a dark tile. */
import { Composer, type ComposerSource } from '../../src/client/composer';
import { displayNameOf } from '../../src/client/display-name';
import { archiveInfo, FakeMediaStream } from './support/recording-fakes';

/** Records what is drawn, in order, with the fill colour of the moment. */
class RecordingContext {
  readonly drawn: Array<{ op: string; args: unknown[]; fillStyle: string }> = [];
  fillStyle = '';
  font = '';
  textAlign = '';
  textBaseline = '';
  fillRect(...args: unknown[]): void {
    this.drawn.push({ op: 'fillRect', args, fillStyle: this.fillStyle });
  }
  fillText(...args: unknown[]): void {
    this.drawn.push({ op: 'fillText', args, fillStyle: this.fillStyle });
  }
  drawImage(...args: unknown[]): void {
    this.drawn.push({ op: 'drawImage', args, fillStyle: this.fillStyle });
  }
  /** 10 px per character, so a long name must be shortened to fit a cell */
  measureText(text: string): { width: number } {
    return { width: text.length * 10 };
  }
}

class FakeMediaRecorder {
  static isTypeSupported = (): boolean => true;
  state = 'inactive';
}

let ctx: RecordingContext;

beforeAll(() => {
  Object.assign(globalThis, {
    window: globalThis,
    MediaRecorder: FakeMediaRecorder,
    MediaStream: FakeMediaStream,
    HTMLMediaElement: { HAVE_CURRENT_DATA: 2 },
  });
});

beforeEach(() => {
  ctx = new RecordingContext();
  Object.assign(globalThis, {
    document: {
      createElement: () => ({
        width: 0,
        height: 0,
        getContext: () => ctx,
        captureStream: () => ({ getVideoTracks: () => [] }),
      }),
    },
  });
});

const playingVideo = { readyState: 4, videoWidth: 640, videoHeight: 480 } as HTMLVideoElement;

/** Builds a composer (which draws its first frame at once) for a video-only archive. */
function composeOnce(sources: ComposerSource[]): void {
  new Composer({
    archive: { ...archiveInfo('composed'), hasAudio: false },
    sources: () => sources,
    upload: {
      mediaUrl: 'http://127.0.0.1:1/emulator/media',
      archiveId: 'a1',
      streamId: 'composed',
      credentials: () => ({ connectionId: 'c1', uploadKey: 'k1' }),
    },
  });
}

test('the camera-off stream gets its name on a dark tile in its own cell; the other stream its video', () => {
  composeOnce([
    { video: playingVideo, media: null, hasVideo: true, name: 'Ada' },
    { video: playingVideo, media: null, hasVideo: false, name: 'Grace' },
  ]);
  const texts = ctx.drawn.filter((d) => d.op === 'fillText');
  expect(texts.map((t) => t.args[0])).toEqual(['Grace']);
  // Two cells side by side in 640×480: the second starts at x = 320 and the name is centred in it.
  expect(texts[0]?.args.slice(1)).toEqual([480, 240]);
  const tile = ctx.drawn.find((d) => d.op === 'fillRect' && d.args[0] === 320);
  expect(tile?.args).toEqual([320, 0, 320, 480]);
  expect(tile?.fillStyle).not.toBe('#000');
  expect(ctx.drawn.filter((d) => d.op === 'drawImage')).toHaveLength(1);
});

test('a name too wide for its cell is shortened with an ellipsis', () => {
  const playing = { video: playingVideo, media: null, hasVideo: true };
  // Four streams: 320 px wide cells, too narrow for 50 characters of 10 px.
  composeOnce([playing, playing, playing, { ...playing, hasVideo: false, name: 'x'.repeat(50) }]);
  const [text] = ctx.drawn.filter((d) => d.op === 'fillText').map((d) => String(d.args[0]));
  expect(text).toMatch(/^x+…$/);
  expect((text?.length ?? 0) * 10).toBeLessThanOrEqual(320 * 0.9);
});

test.each<[string, string]>([
  ['{"name":"Ada Lovelace"}', 'Ada Lovelace'],
  ['{"name":"  Ada\\u0007\\n "}', 'Ada'],
  ['{"name":""}', 'Guest'],
  ['{"name":42}', 'Guest'],
  ['{"nom":"Ada"}', 'Guest'],
  ['null', 'Guest'],
  ['name=Ada', 'Guest'],
  ['', 'Guest'],
  [`{"name":"${'y'.repeat(80)}"}`, 'y'.repeat(50)],
])('connection data %j reads as the name %j', (data, name) => {
  expect(displayNameOf(data)).toBe(name);
});

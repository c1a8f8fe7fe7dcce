/** Realtime: a publisher turns its audio or video off and on; every client of the session, late joiners too, sees it. */
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import type { ServerMessage } from '../../src/protocol/realtime';
import { FakeBrowser, realtimeUrlOf } from './support/fake-browser';
import { createSession, jwtClientToken } from './support/platform-client';

let emu: TestEmulator;
let realtimeUrl: string;
const browsers: FakeBrowser[] = [];

beforeAll(async () => {
  emu = await startTestEmulator({ limits: { reconnectGraceMs: 400 } });
  realtimeUrl = realtimeUrlOf(emu.url);
});
afterEach(async () => {
  await Promise.all(browsers.splice(0).map((b) => b.leave()));
});
afterAll(() => emu.close());

async function join(sessionId: string): Promise<FakeBrowser> {
  const token = await jwtClientToken(emu, sessionId, { role: 'publisher' });
  const browser = await FakeBrowser.join(realtimeUrl, { apiKey: emu.apiKey, sessionId, token });
  browsers.push(browser);
  return browser;
}

type PropertyChanged = Extract<ServerMessage, { type: 'streamPropertyChanged' }>;
const changesOf = (b: FakeBrowser): PropertyChanged[] =>
  b.received.filter((m): m is PropertyChanged => m.type === 'streamPropertyChanged');

describe('streamProperty', () => {
  it('tells every connection of the session, the owner included, what changed from what to what', async () => {
    const sessionId = await createSession(emu);
    const owner = await join(sessionId);
    const other = await join(sessionId);
    const elsewhere = await join(await createSession(emu));
    const streamId = await owner.publish();

    const ack = await owner.request({ type: 'streamProperty', streamId, property: 'hasAudio', value: false });
    expect(ack.error).toBeUndefined();
    const expected = {
      type: 'streamPropertyChanged',
      stream: expect.objectContaining({ streamId, hasAudio: false, hasVideo: true }),
      changedProperty: 'hasAudio',
      oldValue: true,
      newValue: false,
    };
    for (const b of [owner, other]) {
      expect(await b.waitFor((m) => m.type === 'streamPropertyChanged')).toEqual(expected);
    }

    await owner.request({ type: 'streamProperty', streamId, property: 'hasVideo', value: false });
    // The same value again is no change: no event.
    await owner.request({ type: 'streamProperty', streamId, property: 'hasVideo', value: false });
    await owner.request({ type: 'streamProperty', streamId, property: 'hasAudio', value: true });
    await other.waitFor((m) => m.type === 'streamPropertyChanged' && m.newValue === true);
    expect(changesOf(other).map((c) => [c.changedProperty, c.oldValue, c.newValue])).toEqual([
      ['hasAudio', true, false],
      ['hasVideo', true, false],
      ['hasAudio', false, true],
    ]);
    expect(changesOf(elsewhere)).toEqual([]);
  });

  it('a client joining later gets the current flags in connected.streams', async () => {
    const sessionId = await createSession(emu);
    const owner = await join(sessionId);
    const streamId = await owner.publish();
    await owner.request({ type: 'streamProperty', streamId, property: 'hasVideo', value: false });

    const late = await join(sessionId);
    expect(late.connected?.streams).toEqual([
      expect.objectContaining({ streamId, hasAudio: true, hasVideo: false }),
    ]);
  });

  it('only the owner may change a stream: others get 1500, an unknown or foreign stream 404, and nobody hears of it', async () => {
    const sessionId = await createSession(emu);
    const owner = await join(sessionId);
    const other = await join(sessionId);
    const streamId = await owner.publish();
    const foreign = await join(await createSession(emu));
    const foreignStreamId = await foreign.publish();

    const byOther = await other.request({
      type: 'streamProperty',
      streamId,
      property: 'hasAudio',
      value: false,
    });
    expect(byOther.error).toMatchObject({ code: 1500, name: 'OT_PERMISSION_DENIED' });
    const unknown = await owner.request({
      type: 'streamProperty',
      streamId: 'no-such-stream',
      property: 'hasAudio',
      value: false,
    });
    expect(unknown.error).toMatchObject({ code: 404 });
    const acrossSessions = await owner.request({
      type: 'streamProperty',
      streamId: foreignStreamId,
      property: 'hasAudio',
      value: false,
    });
    expect(acrossSessions.error).toMatchObject({ code: 404 });

    // A round trip after the refusals: anything they had sent would have arrived by now.
    await other.request({ type: 'ping' });
    expect(changesOf(owner)).toEqual([]);
    expect(changesOf(other)).toEqual([]);
    expect(changesOf(foreign)).toEqual([]);
    const late = await join(sessionId);
    expect(late.connected?.streams).toEqual([expect.objectContaining({ streamId, hasAudio: true })]);
  });

  it.each([
    ['an unknown property', { property: 'hasCaptions', value: false }],
    ['a value that is not a boolean', { property: 'hasAudio', value: 'false' }],
    ['no stream ID', { property: 'hasAudio', value: false, streamId: '' }],
  ])('refuses %s with a 400 ack and changes nothing', async (_label, fields) => {
    const sessionId = await createSession(emu);
    const owner = await join(sessionId);
    const streamId = await owner.publish();
    const ack = await owner.request({ type: 'streamProperty', streamId, ...fields });
    expect(ack.error).toMatchObject({ code: 400, name: 'OT_PROTOCOL_ERROR' });
    const late = await join(sessionId);
    expect(late.connected?.streams).toEqual([
      expect.objectContaining({ streamId, hasAudio: true, hasVideo: true }),
    ]);
  });

  it('a stream published with audio off starts with hasAudio false for the others', async () => {
    const sessionId = await createSession(emu);
    const owner = await join(sessionId);
    const other = await join(sessionId);
    const ack = await owner.request({
      type: 'publish',
      stream: {
        name: 'muted',
        hasAudio: false,
        hasVideo: true,
        videoType: 'camera',
        videoDimensions: { width: 640, height: 480 },
        frameRate: 30,
      },
    });
    expect(await other.waitFor((m) => m.type === 'streamCreated')).toMatchObject({
      stream: { streamId: ack.stream?.streamId, hasAudio: false, hasVideo: true },
    });
  });
});

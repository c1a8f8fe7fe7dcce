/**
 * Contract: archive layout and stream layout classes (docs/platform.md §5.6, §5.7) between opentok-ts-sdk and the
 * emulator over real HTTP, with both kinds of credentials, and the host's layout and focus routes on top of them.
 */
import { readFile } from 'node:fs/promises';
import { ArchiveError, OpenTok, StreamError } from '../../src/sdk';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { FakeBrowser, realtimeUrlOf } from '../emulator/support/fake-browser';
import { browse, createEmulatorHarness, readPageData } from '../app/helpers/app-harness';

let emu: TestEmulator;
let project: OpenTok;
let application: OpenTok;
const browsers: FakeBrowser[] = [];

beforeAll(async () => {
  emu = await startTestEmulator({ limits: { finishDeadlineMs: 200 } });
  project = new OpenTok({ apiKey: emu.apiKey, apiSecret: emu.apiSecret, apiUrl: emu.url });
  application = new OpenTok({
    applicationId: emu.emulator.applicationId,
    privateKey: await readFile(emu.emulator.privateKeyPath, 'utf8'),
    apiUrl: emu.url,
  });
});
afterEach(async () => {
  await Promise.all(browsers.splice(0).map((b) => b.leave()));
});
afterAll(() => emu.close());

/** A routed session of `opentok`'s project with `count` clients, each publishing a camera. */
async function sessionWithPublishers(
  opentok: OpenTok,
  count: number,
): Promise<{ sessionId: string; streamIds: string[] }> {
  const session = await opentok.createSession({ mediaMode: 'routed' });
  const streamIds: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const browser = await FakeBrowser.join(realtimeUrlOf(emu.url), {
      apiKey: opentok.apiKey,
      sessionId: session.sessionId,
      token: session.generateToken({ role: 'publisher' }),
    });
    browsers.push(browser);
    streamIds.push(await browser.publish(`camera ${i + 1}`));
  }
  return { sessionId: session.sessionId, streamIds };
}

describe.each([
  ['an OpenTok project', () => project],
  ['a Vonage application', () => application],
])('with %s', (_kind, client) => {
  it('lists and gets the published streams, with empty class lists at first', async () => {
    const opentok = client();
    const { sessionId, streamIds } = await sessionWithPublishers(opentok, 2);
    const streams = await opentok.streams.listStreams(sessionId);
    expect(streams.map((s) => s.id).sort()).toEqual([...streamIds].sort());
    for (const stream of streams) {
      expect(stream).toMatchObject({ videoType: 'camera', layoutClassList: [] });
      expect(typeof stream.name).toBe('string');
    }
    const [first] = streamIds;
    expect(await opentok.streams.getStream(sessionId, first ?? '')).toMatchObject({ id: first });
  });

  it('sets the class lists of several streams in one call, and clears them', async () => {
    const opentok = client();
    const { sessionId, streamIds } = await sessionWithPublishers(opentok, 2);
    const [speaker = '', listener = ''] = streamIds;
    await opentok.streams.setStreamClassLists(sessionId, [
      { id: speaker, layoutClassList: ['focus'] },
      { id: listener, layoutClassList: ['small', 'muted'] },
    ]);
    expect((await opentok.streams.getStream(sessionId, speaker)).layoutClassList).toEqual(['focus']);
    expect((await opentok.streams.getStream(sessionId, listener)).layoutClassList).toEqual([
      'small',
      'muted',
    ]);

    await opentok.streams.setStreamClassLists(sessionId, [{ id: speaker, layoutClassList: [] }]);
    const classes = Object.fromEntries(
      (await opentok.streams.listStreams(sessionId)).map((s) => [s.id, s.layoutClassList]),
    );
    expect(classes).toEqual({ [speaker]: [], [listener]: ['small', 'muted'] });
  });

  it('an unknown stream is a StreamError', async () => {
    const opentok = client();
    const { sessionId } = await sessionWithPublishers(opentok, 1);
    const unknown = '00000000-0000-4000-8000-000000000000';
    await expect(opentok.streams.getStream(sessionId, unknown)).rejects.toBeInstanceOf(StreamError);
    await expect(
      opentok.streams.setStreamClassLists(sessionId, [{ id: unknown, layoutClassList: ['focus'] }]),
    ).rejects.toBeInstanceOf(StreamError);
  });

  it('changes the layout of a composed recording; refuses an individual or stopped one', async () => {
    const opentok = client();
    const { sessionId } = await sessionWithPublishers(opentok, 1);
    const composed = await opentok.archives.create(sessionId, { outputMode: 'composed' });
    await expect(opentok.archives.setLayout(composed.id, { type: 'pip' })).resolves.toBeUndefined();
    await expect(
      opentok.archives.setLayout(composed.id, {
        type: 'custom',
        stylesheet: 'stream.focus { width: 100%; }',
      }),
    ).resolves.toBeUndefined();
    await opentok.archives.stopById(composed.id);
    // The platform documents no 409 for a layout change (docs/platform.md §5.5): a stopped archive gets 400.
    await expect(opentok.archives.setLayout(composed.id, { type: 'bestFit' })).rejects.toMatchObject({
      name: 'ArchiveError',
      status: 400,
      message: expect.stringMatching(/still recording/),
    });

    const individual = await opentok.archives.create(sessionId, { outputMode: 'individual' });
    const refused = opentok.archives.setLayout(individual.id, { type: 'pip' });
    await expect(refused).rejects.toBeInstanceOf(ArchiveError);
    await expect(refused).rejects.toMatchObject({ status: 400 });
    await opentok.archives.stopById(individual.id);

    await expect(
      opentok.archives.setLayout('00000000-0000-4000-8000-000000000000', { type: 'pip' }),
    ).rejects.toMatchObject({ name: 'ArchiveError', status: 404 });
  });
});

describe('the host’s routes over the emulator', () => {
  it('POST /focus puts the focus class on one stream of the demo session and clears it', async () => {
    const harness = createEmulatorHarness(emu);
    const { agent, csrfToken } = await browse(harness.app, '/host');
    const page = readPageData((await agent.get('/participant').expect(200)).text);
    const streamIds: string[] = [];
    for (const name of ['Ann', 'Bob']) {
      const browser = await FakeBrowser.join(realtimeUrlOf(emu.url), {
        apiKey: page.apiKey,
        sessionId: page.sessionId,
        token: page.token,
      });
      browsers.push(browser);
      streamIds.push(await browser.publish(name));
    }
    const [ann = '', bob = ''] = streamIds;
    const post = (path: string, body: object) =>
      agent.post(path).set('x-csrf-token', csrfToken).set('Accept', 'application/json').send(body);
    const classesOf = async () =>
      Object.fromEntries(
        (await harness.opentok.streams.listStreams(page.sessionId)).map((s) => [s.id, s.layoutClassList]),
      );

    expect((await post('/focus', { streamId: bob })).body).toEqual({ focusStreamId: bob });
    expect(await classesOf()).toEqual({ [ann]: [], [bob]: ['focus'] });
    expect((await post('/focus', { streamId: ann })).status).toBe(200);
    expect(await classesOf()).toEqual({ [ann]: ['focus'], [bob]: [] });
    expect((await post('/focus', { streamId: null })).body).toEqual({ focusStreamId: null });
    expect(await classesOf()).toEqual({ [ann]: [], [bob]: [] });

    const started = await post('/start', { name: 'Layout', outputMode: 'composed' });
    expect(started.status).toBe(200);
    const archiveId = String(started.body.id);
    const layout = await post(`/layout/${archiveId}`, { type: 'horizontalPresentation' });
    expect(layout.status).toBe(200);
    expect(layout.body).toEqual({ layout: { type: 'horizontalPresentation' } });
    await post(`/stop/${archiveId}`, {});
    const late = await post(`/layout/${archiveId}`, { type: 'pip' });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/^That recording has stopped/);
  });
});

/** Contract: opentok-ts-sdk against the emulator over real HTTP, every operation and error case. */
import { ArchiveError, AuthenticationError, OpenTok, type Archive } from '../../src/sdk';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { FakeBrowser, realtimeUrlOf } from '../emulator/support/fake-browser';
import { waitForArchiveStatus } from './support/application-clients';

let emu: TestEmulator;
let opentok: OpenTok;
const browsers: FakeBrowser[] = [];

beforeAll(async () => {
  emu = await startTestEmulator({ limits: { finishDeadlineMs: 200 } });
  opentok = new OpenTok({ apiKey: emu.apiKey, apiSecret: emu.apiSecret, apiUrl: emu.url });
});
afterEach(async () => {
  await Promise.all(browsers.splice(0).map((b) => b.leave()));
});
afterAll(() => emu.close());

async function connect(sessionId: string, token: string): Promise<FakeBrowser> {
  const browser = await FakeBrowser.join(realtimeUrlOf(emu.url), { apiKey: emu.apiKey, sessionId, token });
  browsers.push(browser);
  return browser;
}

async function routedSessionWithClient(): Promise<{ sessionId: string; browser: FakeBrowser }> {
  const session = await opentok.createSession({ mediaMode: 'routed' });
  const browser = await connect(session.sessionId, opentok.generateToken(session.sessionId));
  return { sessionId: session.sessionId, browser };
}

const waitForStatus = (id: string, status: Archive['status']): Promise<Archive> =>
  waitForArchiveStatus(opentok, id, status);

describe('sessions and tokens', () => {
  it.each([
    [{ mediaMode: 'routed' as const }],
    [{ mediaMode: 'relayed' as const, location: '10.1.2.3' }],
    [{ mediaMode: 'routed' as const, archiveMode: 'always' as const }],
    [{ mediaMode: 'routed' as const, e2ee: true }],
  ])('createSession(%j) returns a session the emulator knows', async (options) => {
    const session = await opentok.createSession(options);
    expect(session.sessionId).toMatch(/^1_/);
    const browser = await connect(session.sessionId, session.generateToken());
    expect(browser.connected).not.toBeNull();
  });

  it.each([
    ['JWT', { tokenType: 'JWT' as const }],
    ['T1', { tokenType: 'T1' as const }],
  ])(
    'a %s token from generateToken is accepted by realtime connect with its role and data',
    async (_t, options) => {
      const session = await opentok.createSession({ mediaMode: 'routed' });
      const token = opentok.generateToken(session.sessionId, {
        ...options,
        role: 'moderator',
        data: 'name=Ann & co',
      });
      const browser = await connect(session.sessionId, token);
      expect(browser.connected).toMatchObject({
        connection: { data: 'name=Ann & co' },
        capabilities: { forceDisconnect: true },
      });
      const subscriber = await connect(
        session.sessionId,
        opentok.generateToken(session.sessionId, { ...options, role: 'subscriber' }),
      );
      expect(subscriber.connected?.capabilities).toMatchObject({ publish: false });
    },
  );

  it('an archiveMode always session starts recording when the first client connects', async () => {
    const session = await opentok.createSession({ mediaMode: 'routed', archiveMode: 'always' });
    const browser = await connect(session.sessionId, session.generateToken());
    await browser.waitFor((m) => m.type === 'archiveStarted');
    const { items } = await opentok.archives.all({ sessionId: session.sessionId });
    expect(items.map((a) => a.status)).toEqual(['paused']);
  });

  it('rejects wrong credentials with AuthenticationError (403)', async () => {
    const wrong = new OpenTok({ apiKey: emu.apiKey, apiSecret: 'f'.repeat(40), apiUrl: emu.url });
    await expect(wrong.createSession()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(wrong.archives.all()).rejects.toMatchObject({ name: 'AuthenticationError', status: 403 });
    const otherKey = new OpenTok({ apiKey: '424242', apiSecret: emu.apiSecret, apiUrl: emu.url });
    await expect(otherKey.archives.find('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
      status: 403,
    });
  });

  it('rejects an auth JWT that expired (a client clock an hour behind) with AuthenticationError (403)', async () => {
    const behind = new OpenTok({
      apiKey: emu.apiKey,
      apiSecret: emu.apiSecret,
      apiUrl: emu.url,
      clock: () => Date.now() - 60 * 60 * 1000,
    });
    await expect(behind.createSession()).rejects.toMatchObject({ name: 'AuthenticationError', status: 403 });
    await expect(behind.archives.all()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(behind.archives.all()).rejects.toMatchObject({ status: 403 });
    // The same credentials with the right time are accepted, so the refusal was the expiry.
    await expect(opentok.archives.all()).resolves.toMatchObject({ total: expect.any(Number) });
  });
});

describe('archives', () => {
  it('create → find → all → stopById → (failed without media) → deleteById', async () => {
    const { sessionId } = await routedSessionWithClient();
    const created = await opentok.archives.create(sessionId, {
      name: 'Contract',
      outputMode: 'composed',
      resolution: '1280x720',
    });
    expect(created).toMatchObject({
      status: 'started',
      name: 'Contract',
      sessionId,
      resolution: '1280x720',
      projectId: emu.apiKey,
      url: null,
    });

    const found = await opentok.archives.find(created.id);
    expect(found).toMatchObject({ id: created.id, status: 'paused' });

    const list = await opentok.archives.all({ sessionId });
    expect(list.total).toBe(1);
    expect(list.items.map((a) => a.id)).toEqual([created.id]);

    const stopped = await opentok.archives.stopById(created.id);
    expect(stopped).toMatchObject({ status: 'stopped', reason: 'user initiated' });
    await waitForStatus(created.id, 'failed');
    await opentok.archives.deleteById(created.id);
    expect((await opentok.archives.find(created.id)).status).toBe('deleted');
    expect((await opentok.archives.all({ sessionId })).total).toBe(0);
  });

  it('an individual archive with uploaded media becomes available with a downloadable url', async () => {
    const { sessionId, browser } = await routedSessionWithClient();
    const streamId = await browser.publish();
    const archive = await opentok.archives.create(sessionId, { outputMode: 'individual' });
    const headers = { 'x-connection-id': browser.connectionId, 'x-upload-key': browser.uploadKey };
    await fetch(`${emu.url}/media/${archive.id}/${streamId}/0`, {
      method: 'PUT',
      headers,
      body: Buffer.from('webm bytes'),
    });
    await fetch(`${emu.url}/media/${archive.id}/${streamId}/finish`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ startTimeOffset: 0, stopTimeOffset: 1000 }),
    });
    await archive.stop();
    const available = await waitForStatus(archive.id, 'available');
    expect(available.size).toBeGreaterThan(0);
    expect(available.sha256sum).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const download = await fetch(available.url!);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/zip');
  });

  it('maps 400 (no clients, malformed session ID), 404 (unknown session or archive) and 409 (relayed, recording, not recording, not deletable)', async () => {
    const lonely = await opentok.createSession({ mediaMode: 'routed' });
    await expect(opentok.archives.create(lonely.sessionId)).rejects.toMatchObject({
      name: 'ArchiveError',
      status: 400,
    });

    // A malformed session ID is an invalid request (400); a well-formed one the platform does not know, 404.
    await expect(opentok.archives.create('not-a-session-id')).rejects.toMatchObject({
      name: 'ArchiveError',
      status: 400,
    });
    const unknownSession = `1_${Buffer.from(`1~${emu.apiKey}~~0~x~`).toString('base64url')}`;
    await expect(opentok.archives.create(unknownSession)).rejects.toMatchObject({ status: 404 });
    const unknown = '00000000-0000-0000-0000-000000000000';
    for (const call of [
      () => opentok.archives.find(unknown),
      () => opentok.archives.stopById(unknown),
      () => opentok.archives.deleteById(unknown),
    ]) {
      await expect(call()).rejects.toMatchObject({ name: 'ArchiveError', status: 404 });
    }

    const relayed = await opentok.createSession({ mediaMode: 'relayed' });
    await connect(relayed.sessionId, relayed.generateToken());
    await expect(opentok.archives.create(relayed.sessionId)).rejects.toMatchObject({ status: 409 });

    const { sessionId } = await routedSessionWithClient();
    const archive = await opentok.archives.create(sessionId);
    const again = opentok.archives.create(sessionId);
    await expect(again).rejects.toBeInstanceOf(ArchiveError);
    await expect(again).rejects.toMatchObject({ status: 409 });
    await expect(opentok.archives.deleteById(archive.id)).rejects.toMatchObject({ status: 409 });
    await opentok.archives.stopById(archive.id);
    await expect(opentok.archives.stopById(archive.id)).rejects.toMatchObject({ status: 409 });
  });

  it.each([
    ['an empty multiArchiveTag', { multiArchiveTag: '' }],
    ['a name over 1000 characters', { name: 'n'.repeat(1001) }],
    [
      'a custom layout stylesheet over 10 000 characters',
      { layout: { type: 'custom' as const, stylesheet: 'x'.repeat(10_001) } },
    ],
  ])(
    'maps a start option the SDK sends but the emulator refuses (%s) to ArchiveError 400',
    async (_case, options) => {
      const { sessionId } = await routedSessionWithClient();
      await expect(opentok.archives.create(sessionId, options)).rejects.toMatchObject({
        name: 'ArchiveError',
        status: 400,
        message: expect.stringMatching(/Invalid request/),
      });
    },
  );

  it('pages archives newest first with the total count', async () => {
    const { sessionId } = await routedSessionWithClient();
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const archive = await opentok.archives.create(sessionId, { name: `page ${i}` });
      ids.push(archive.id);
      await archive.stop();
    }
    const page = await opentok.archives.all({ sessionId, offset: 1, count: 1 });
    expect(page.total).toBe(3);
    expect(page.items.map((a) => a.id)).toEqual([ids[1]]);
  });
});

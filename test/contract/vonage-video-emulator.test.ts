/** Contract: the official `@vonage/video` package, with the emulator's application and its URL as videoHost, works unchanged. */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { createSession } from '../emulator/support/platform-client';
import { startVonageVideo, type VonageArchive, type VonageVideoDriver } from './support/vonage-video';
import { useApplicationBrowsers } from './support/application-clients';

const BAD_AUTH = { code: -1, message: 'Issuer not found', description: 'Issuer not found' };

let emu: TestEmulator;
let video: VonageVideoDriver;

beforeAll(async () => {
  emu = await startTestEmulator({ limits: { finishDeadlineMs: 100 } });
  video = await startVonageVideo(emu.emulator.applicationId, emu.emulator.privateKeyPath, emu.url);
});
afterAll(() => Promise.all([video.stop(), emu.close()]));

const join = useApplicationBrowsers(() => emu);

/** `disabled` is @vonage/video's MediaMode.ROUTED: the value of p2p.preference it sends (docs/platform.md §2.1). */
async function createRoutedSession(): Promise<string> {
  const { sessionId } = await video.call<{ sessionId: string }>('createSession', { mediaMode: 'disabled' });
  return sessionId;
}

it('creates a session whose client tokens connect with their role and data', async () => {
  const sessionId = await createRoutedSession();
  expect(sessionId).toMatch(/^1_/);
  const token = await video.call<string>('generateClientToken', sessionId, {
    role: 'moderator',
    data: 'name=alice',
    initialLayoutClassList: ['focus'],
  });
  const alice = await join(sessionId, token);
  expect(alice.connected).toMatchObject({
    connection: { data: 'name=alice' },
    capabilities: { publish: true, forceDisconnect: true },
  });
  const bob = await join(
    sessionId,
    await video.call('generateClientToken', sessionId, { role: 'subscriber' }),
  );
  expect(bob.connected?.capabilities).toMatchObject({ publish: false, forceDisconnect: false });
});

it('records an archive through the whole lifecycle: start, get, search, stop, delete', async () => {
  const sessionId = await createRoutedSession();
  await join(sessionId, await video.call('generateClientToken', sessionId));

  const started = await video.call<VonageArchive>('startArchive', sessionId, { name: 'vonage sdk' });
  expect(started).toMatchObject({
    status: 'started',
    name: 'vonage sdk',
    sessionId,
    projectId: emu.emulator.applicationId,
  });
  expect((await video.call<VonageArchive>('getArchive', started.id)).id).toBe(started.id);
  const found = await video.call<{ count: number; items: VonageArchive[] }>('searchArchives', { sessionId });
  expect(found.count).toBe(1);
  expect(found.items.map((a) => a.id)).toEqual([started.id]);
  const stopped = await video.call<VonageArchive>('stopArchive', started.id);
  expect(stopped).toMatchObject({ status: 'stopped', reason: 'user initiated' });
  await expect(video.call('stopArchive', started.id)).rejects.toMatchObject({
    status: 409,
    body: { message: expect.stringMatching(/^Conflict/) },
  });

  const deadline = Date.now() + 3000;
  while ((await video.call<VonageArchive>('getArchive', started.id)).status !== 'failed') {
    if (Date.now() > deadline) throw new Error('archive did not fail without media');
    await new Promise((r) => setTimeout(r, 25));
  }
  await expect(video.call('deleteArchive', started.id)).resolves.toBeNull();
  expect((await video.call<VonageArchive>('getArchive', started.id)).status).toBe('deleted');
});

it('signals and disconnects a client through the REST API', async () => {
  const sessionId = await createRoutedSession();
  const alice = await join(sessionId, await video.call('generateClientToken', sessionId));
  await video.call('sendSignal', { type: 'hello', data: 'from vonage' }, sessionId);
  expect(await alice.waitFor((m) => m.type === 'signal')).toMatchObject({
    from: null,
    signalType: 'hello',
    data: 'from vonage',
  });
  await video.call('disconnectClient', sessionId, alice.connectionId);
  expect(await alice.waitFor((m) => m.type === 'disconnected')).toMatchObject({
    reason: 'forceDisconnected',
  });
});

describe('refusals, by status', () => {
  it('404 for an unknown archive, with the platform body', async () => {
    const unknown = '00000000-0000-0000-0000-000000000000';
    for (const method of ['getArchive', 'stopArchive', 'deleteArchive']) {
      await expect(video.call(method, unknown)).rejects.toMatchObject({
        status: 404,
        body: { code: -1, message: expect.stringMatching(/^Not found/) },
      });
    }
  });

  it('400 to start an archive with no client connected, 404 for the project’s session', async () => {
    const sessionId = await createRoutedSession();
    await expect(video.call('startArchive', sessionId)).rejects.toMatchObject({ status: 400 });
    const projectSession = await createSession(emu);
    await expect(video.call('startArchive', projectSession)).rejects.toMatchObject({
      status: 404,
      body: { code: -1, message: 'Not found. The session does not exist.' },
    });
  });

  it('403 with the platform body for the wrong private key and for another application ID', async () => {
    const keyFile = path.join(emu.dataDir, 'other-application.key');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const wrongKey = await startVonageVideo(emu.emulator.applicationId, keyFile, emu.url);
    const wrongId = await startVonageVideo(randomUUID(), emu.emulator.privateKeyPath, emu.url);
    try {
      for (const client of [wrongKey, wrongId]) {
        await expect(client.call('createSession', {})).rejects.toMatchObject({ status: 403, body: BAD_AUTH });
        await expect(client.call('searchArchives', {})).rejects.toMatchObject({
          status: 403,
          body: BAD_AUTH,
        });
      }
    } finally {
      wrongKey.stop();
      wrongId.stop();
    }
  });

  it('a client token signed with another key is refused by the realtime server', async () => {
    const sessionId = await createRoutedSession();
    const keyFile = path.join(emu.dataDir, 'another.key');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const other = await startVonageVideo(emu.emulator.applicationId, keyFile, emu.url);
    try {
      const browser = await join(sessionId, await other.call('generateClientToken', sessionId));
      expect(browser.connected).toBeNull();
      expect(await browser.waitFor((m) => m.type === 'error')).toMatchObject({
        name: 'OT_AUTHENTICATION_ERROR',
      });
    } finally {
      other.stop();
    }
  });
});

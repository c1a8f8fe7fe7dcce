/** Contract: opentok-ts-sdk in application mode (an application ID and its private key) against the emulator over real HTTP. */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ArgumentError, AuthenticationError, OpenTok, type Archive } from '../../src/sdk';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { createSession } from '../emulator/support/platform-client';
import { useApplicationBrowsers, waitForArchiveStatus } from './support/application-clients';

let emu: TestEmulator;
let privateKey: string;
let opentok: OpenTok;

beforeAll(async () => {
  emu = await startTestEmulator({ limits: { finishDeadlineMs: 200 } });
  privateKey = await readFile(emu.emulator.privateKeyPath, 'utf8');
  opentok = new OpenTok({ applicationId: emu.emulator.applicationId, privateKey, apiUrl: emu.url });
});
afterAll(() => emu.close());

const connect = useApplicationBrowsers(() => emu);

const waitForStatus = (id: string, status: Archive['status']): Promise<Archive> =>
  waitForArchiveStatus(opentok, id, status);

it('creates a session whose RS256 tokens connect with their role and data', async () => {
  const session = await opentok.createSession({ mediaMode: 'routed' });
  const token = opentok.generateToken(session.sessionId, { role: 'moderator', data: 'name=Ann & co' });
  const browser = await connect(session.sessionId, token);
  expect(browser.connected).toMatchObject({
    connection: { data: 'name=Ann & co' },
    capabilities: { forceDisconnect: true },
  });
  const subscriber = await connect(session.sessionId, session.generateToken({ role: 'subscriber' }));
  expect(subscriber.connected?.capabilities).toMatchObject({ publish: false });
  expect(() => opentok.generateToken(session.sessionId, { tokenType: 'T1' })).toThrow(ArgumentError);
});

it('create → find → all → stopById → (failed without media) → deleteById', async () => {
  const session = await opentok.createSession({ mediaMode: 'routed' });
  await connect(session.sessionId, session.generateToken());
  const created = await opentok.archives.create(session.sessionId, { name: 'Application' });
  expect(created).toMatchObject({
    status: 'started',
    name: 'Application',
    sessionId: session.sessionId,
    projectId: emu.emulator.applicationId,
  });
  expect((await opentok.archives.find(created.id)).id).toBe(created.id);
  const list = await opentok.archives.all({ sessionId: session.sessionId });
  expect(list.items.map((a) => a.id)).toEqual([created.id]);
  expect(await opentok.archives.stopById(created.id)).toMatchObject({ status: 'stopped' });
  await waitForStatus(created.id, 'failed');
  await opentok.archives.deleteById(created.id);
  expect((await opentok.archives.find(created.id)).status).toBe('deleted');
});

it('maps the refusals: 404 unknown archive and the project’s session, 400 no client, 403 wrong key or application', async () => {
  const unknown = '00000000-0000-0000-0000-000000000000';
  await expect(opentok.archives.find(unknown)).rejects.toMatchObject({ name: 'ArchiveError', status: 404 });
  await expect(opentok.archives.create(await createSession(emu))).rejects.toMatchObject({
    name: 'ArchiveError',
    status: 404,
  });
  const lonely = await opentok.createSession({ mediaMode: 'routed' });
  await expect(opentok.archives.create(lonely.sessionId)).rejects.toMatchObject({ status: 400 });

  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const wrongKey = new OpenTok({
    applicationId: emu.emulator.applicationId,
    privateKey: String(other.export({ type: 'pkcs8', format: 'pem' })),
    apiUrl: emu.url,
  });
  const wrongId = new OpenTok({ applicationId: randomUUID(), privateKey, apiUrl: emu.url });
  for (const client of [wrongKey, wrongId]) {
    await expect(client.createSession()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(client.archives.all()).rejects.toMatchObject({ name: 'AuthenticationError', status: 403 });
  }
  const behind = new OpenTok({
    applicationId: emu.emulator.applicationId,
    privateKey,
    apiUrl: emu.url,
    clock: () => Date.now() - 60 * 60 * 1000,
  });
  await expect(behind.archives.all()).rejects.toMatchObject({ name: 'AuthenticationError', status: 403 });
});

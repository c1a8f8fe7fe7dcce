/** Contract: the official `opentok` npm package in application mode (an application ID and its private key) against the emulator. */
import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { createSession } from '../emulator/support/platform-client';
import { startOpenTokNode, type NodeArchive, type OpenTokNodeDriver } from './support/opentok-node';
import { useApplicationBrowsers } from './support/application-clients';

let emu: TestEmulator;
let ot: OpenTokNodeDriver;

beforeAll(async () => {
  emu = await startTestEmulator({ limits: { finishDeadlineMs: 100 } });
  // opentok-node takes the application's pair where a project's goes, and tells them apart by form (§1.1).
  const pem = await readFile(emu.emulator.privateKeyPath, 'utf8');
  ot = await startOpenTokNode(emu.emulator.applicationId, pem, emu.url);
});
afterAll(() => Promise.all([ot.stop(), emu.close()]));

const join = useApplicationBrowsers(() => emu);

it('creates sessions whose RS256 tokens connect, and records archives through the whole lifecycle', async () => {
  const { sessionId } = await ot.call<{ sessionId: string }>('createSession', { mediaMode: 'routed' });
  const token = await ot.call<string>('generateToken', sessionId, { role: 'moderator', data: 'name=alice' });
  expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({
    alg: 'RS256',
  });
  const alice = await join(sessionId, token);
  expect(alice.connected).toMatchObject({
    connection: { data: 'name=alice' },
    capabilities: { forceDisconnect: true },
  });
  const bob = await join(sessionId, await ot.call('generateToken', sessionId, { role: 'subscriber' }));
  expect(bob.connected?.capabilities).toMatchObject({ publish: false });

  const started = await ot.call<NodeArchive>('startArchive', sessionId, { name: 'node application' });
  expect(started).toMatchObject({ status: 'started', name: 'node application', sessionId });
  expect((await ot.call<NodeArchive>('getArchive', started.id)).id).toBe(started.id);
  const list = await ot.call<{ items: NodeArchive[]; total: number }>('listArchives', { sessionId });
  expect(list.total).toBe(1);
  expect(list.items.map((a) => a.id)).toEqual([started.id]);
  const stopped = await ot.call<NodeArchive>('stopArchive', started.id);
  expect(stopped).toMatchObject({ status: 'stopped', reason: 'user initiated' });
  await expect(ot.call('stopArchive', started.id)).rejects.toThrow(/not recording|Conflict|409/i);

  const deadline = Date.now() + 3000;
  while ((await ot.call<NodeArchive>('getArchive', started.id)).status !== 'failed') {
    if (Date.now() > deadline) throw new Error('archive did not fail without media');
    await new Promise((r) => setTimeout(r, 25));
  }
  await ot.call('deleteArchive', started.id);
  expect((await ot.call<NodeArchive>('getArchive', started.id)).status).toBe('deleted');
});

it('signals and force-disconnects through the REST API', async () => {
  const { sessionId } = await ot.call<{ sessionId: string }>('createSession', { mediaMode: 'routed' });
  const alice = await join(sessionId, await ot.call('generateToken', sessionId));
  await ot.call('signal', sessionId, null, { type: 'hello', data: 'from node' });
  expect(await alice.waitFor((m) => m.type === 'signal')).toMatchObject({ data: 'from node' });
  await ot.call('forceDisconnect', sessionId, alice.connectionId);
  expect(await alice.waitFor((m) => m.type === 'disconnected')).toMatchObject({
    reason: 'forceDisconnected',
  });
});

it('reports refusals: an unknown archive, the project’s session, and a wrong private key', async () => {
  // opentok-node names each status in its message: 404 "not found", 403 "Invalid API key or secret".
  await expect(ot.call('getArchive', '00000000-0000-0000-0000-000000000000')).rejects.toThrow(
    /Archive not found/,
  );
  const projectSession = await createSession(emu);
  await expect(ot.call('startArchive', projectSession, {})).rejects.toThrow(/Session not found/);

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherPem = String(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const wrong = await startOpenTokNode(emu.emulator.applicationId, otherPem, emu.url);
  try {
    await expect(wrong.call('createSession', {})).rejects.toThrow(/Invalid API key or secret/);
    await expect(wrong.call('listArchives', {})).rejects.toThrow(/Invalid API key or secret/);
  } finally {
    wrong.stop();
  }
});

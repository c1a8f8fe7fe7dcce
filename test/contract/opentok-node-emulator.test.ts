/** Contract: the official `opentok` npm package, given the emulator's URL as apiUrl, works unchanged. */
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { FakeBrowser, realtimeUrlOf } from '../emulator/support/fake-browser';
import { startOpenTokNode, type NodeArchive, type OpenTokNodeDriver } from './support/opentok-node';

let emu: TestEmulator;
let ot: OpenTokNodeDriver;
const browsers: FakeBrowser[] = [];

beforeAll(async () => {
  emu = await startTestEmulator({ limits: { finishDeadlineMs: 100 } });
  ot = await startOpenTokNode(emu.apiKey, emu.apiSecret, emu.url);
});
afterEach(() => Promise.all(browsers.splice(0).map((b) => b.leave())));
afterAll(() => Promise.all([ot.stop(), emu.close()]));

async function join(sessionId: string, token: string): Promise<FakeBrowser> {
  const browser = await FakeBrowser.join(realtimeUrlOf(emu.url), { apiKey: emu.apiKey, sessionId, token });
  browsers.push(browser);
  return browser;
}

it('creates sessions whose JWT and T1 tokens connect, and records archives through the whole lifecycle', async () => {
  const { sessionId } = await ot.call<{ sessionId: string }>('createSession', { mediaMode: 'routed' });
  const alice = await join(
    sessionId,
    await ot.call('generateToken', sessionId, { role: 'moderator', data: 'name=alice' }),
  );
  expect(alice.connected).toMatchObject({
    connection: { data: 'name=alice' },
    capabilities: { forceDisconnect: true },
  });
  const bob = await join(
    sessionId,
    await ot.call('generateToken', sessionId, { role: 'publisher', data: 'name=bob' }, true),
  );
  expect(bob.connected?.connection.data).toBe('name=bob');

  const started = await ot.call<NodeArchive>('startArchive', sessionId, { name: 'node sdk' });
  expect(started).toMatchObject({ status: 'started', name: 'node sdk', sessionId });
  expect((await ot.call<NodeArchive>('getArchive', started.id)).id).toBe(started.id);
  const list = await ot.call<{ items: NodeArchive[]; total: number }>('listArchives', { sessionId });
  expect(list.total).toBe(1);
  expect(list.items.map((a) => a.id)).toEqual([started.id]);
  const stopped = await ot.call<NodeArchive>('stopArchive', started.id);
  expect(stopped).toMatchObject({ status: 'stopped', reason: 'user initiated' });
  await expect(ot.call('stopArchive', started.id)).rejects.toThrow();

  const deadline = Date.now() + 3000;
  while ((await ot.call<NodeArchive>('getArchive', started.id)).status !== 'failed') {
    if (Date.now() > deadline) throw new Error('archive did not fail without media');
    await new Promise((r) => setTimeout(r, 25));
  }
  await ot.call('deleteArchive', started.id);
  expect((await ot.call<NodeArchive>('getArchive', started.id)).status).toBe('deleted');
  await expect(ot.call('getArchive', '00000000-0000-0000-0000-000000000000')).rejects.toThrow();
});

it('signals and force-disconnects through the REST API', async () => {
  const { sessionId } = await ot.call<{ sessionId: string }>('createSession', { mediaMode: 'routed' });
  const alice = await join(sessionId, await ot.call('generateToken', sessionId));
  await ot.call('signal', sessionId, null, { type: 'hello', data: 'from node' });
  expect(await alice.waitFor((m) => m.type === 'signal')).toMatchObject({
    from: null,
    signalType: 'hello',
    data: 'from node',
  });
  await ot.call('forceDisconnect', sessionId, alice.connectionId);
  expect(await alice.waitFor((m) => m.type === 'disconnected')).toMatchObject({
    reason: 'forceDisconnected',
  });
});

it('reports wrong credentials as an error', async () => {
  const wrong = await startOpenTokNode(emu.apiKey, 'f'.repeat(40), emu.url);
  try {
    await expect(wrong.call('createSession', {})).rejects.toThrow();
  } finally {
    wrong.stop();
  }
});

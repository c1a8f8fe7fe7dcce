/**
 * Contract: SDKs that resolve the platform's paths from the host root (the PHP SDK through Guzzle's base_uri)
 * reach the emulator whether their API URL is the server root or its /emulator base path, in the app's local
 * mode and on the standalone emulator; the app's own routes and its 404 page are unaffected.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { loadConfig } from '../../src/app/config';
import { startServer, type RunningServer } from '../../src/app/server';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { FakeBrowser, realtimeUrlOf } from '../emulator/support/fake-browser';
import { restJwt } from '../emulator/support/platform-client';
import { startOpenTokNode, type NodeArchive, type OpenTokNodeDriver } from './support/opentok-node';

const API_KEY = '100000001';
const API_SECRET = '0123456789abcdef0123456789abcdef01234567';

interface Target {
  /** the server root, e.g. http://127.0.0.1:PORT */
  origin: string;
  /** the emulator's base URL, e.g. http://127.0.0.1:PORT/emulator */
  emulatorUrl: string;
  apiKey: string;
  apiSecret: string;
  close(): Promise<void>;
}

async function startLocalApp(): Promise<Target> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'root-paths-app-'));
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    EMULATOR_API_KEY: API_KEY,
    EMULATOR_API_SECRET: API_SECRET,
  });
  const server: RunningServer = await startServer(config, pino({ level: 'silent' }));
  const health = (await (await fetch(`${server.url}/healthz`)).json()) as { emulatorUrl: string };
  return {
    origin: server.url,
    emulatorUrl: health.emulatorUrl,
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function startStandalone(): Promise<Target> {
  const emu: TestEmulator = await startTestEmulator();
  return {
    origin: new URL(emu.url).origin,
    emulatorUrl: emu.url,
    apiKey: emu.apiKey,
    apiSecret: emu.apiSecret,
    close: () => emu.close(),
  };
}

describe.each([
  ['the app in local mode', startLocalApp],
  ['the standalone emulator', startStandalone],
])('%s', (_name, start) => {
  let target: Target;
  let ot: OpenTokNodeDriver;
  const browsers: FakeBrowser[] = [];

  beforeAll(async () => {
    target = await start();
    // The server root as the API URL: every request path starts at the host root.
    ot = await startOpenTokNode(target.apiKey, target.apiSecret, target.origin);
  });
  afterEach(() => Promise.all(browsers.splice(0).map((b) => b.leave())));
  afterAll(() => Promise.all([ot.stop(), target.close()]));

  it('the opentok npm package with the server root as apiUrl creates sessions, records, signals and disconnects', async () => {
    const { sessionId } = await ot.call<{ sessionId: string }>('createSession', { mediaMode: 'routed' });
    const alice = await FakeBrowser.join(realtimeUrlOf(target.emulatorUrl), {
      apiKey: target.apiKey,
      sessionId,
      token: await ot.call('generateToken', sessionId, { role: 'moderator' }),
    });
    browsers.push(alice);

    const started = await ot.call<NodeArchive>('startArchive', sessionId, { name: 'from the root' });
    expect(started).toMatchObject({ status: 'started', name: 'from the root', sessionId });
    expect((await ot.call<NodeArchive>('getArchive', started.id)).id).toBe(started.id);
    const list = await ot.call<{ items: NodeArchive[]; total: number }>('listArchives', { sessionId });
    expect(list.items.map((a) => a.id)).toEqual([started.id]);
    expect(await ot.call<NodeArchive>('stopArchive', started.id)).toMatchObject({ status: 'stopped' });
    await expect(ot.call('getArchive', '00000000-0000-0000-0000-000000000000')).rejects.toThrow();

    await ot.call('signal', sessionId, null, { type: 'hello', data: 'from the root' });
    expect(await alice.waitFor((m) => m.type === 'signal')).toMatchObject({ data: 'from the root' });
    await ot.call('forceDisconnect', sessionId, alice.connectionId);
    expect(await alice.waitFor((m) => m.type === 'disconnected')).toMatchObject({
      reason: 'forceDisconnected',
    });
  });

  it('paths resolved from the host root against the /emulator URL, as Guzzle resolves them, reach the emulator', async () => {
    const resolve = (pathname: string): string => new URL(pathname, target.emulatorUrl).href;
    expect(resolve('/session/create')).toBe(`${target.origin}/session/create`);
    const headers = { 'x-opentok-auth': await restJwt({ ...target, url: target.emulatorUrl }) };

    const created = await fetch(resolve('/session/create'), {
      method: 'POST',
      headers: {
        ...headers,
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'p2p.preference=disabled',
    });
    expect(created.status).toBe(200);
    const sessionId = ((await created.json()) as Array<{ session_id: string }>)[0]?.session_id;
    expect(sessionId).toMatch(/^1_/);

    const list = await fetch(resolve(`/v2/project/${target.apiKey}/archive?sessionId=${sessionId}`), {
      headers,
    });
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ count: 0, items: [] });

    const unknown = await fetch(resolve(`/v2/project/${target.apiKey}/nothing-here`), { headers });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ message: expect.stringMatching(/^Not found/) });

    const noAuth = await fetch(resolve('/session/create'), { method: 'POST' });
    expect(noAuth.status).toBe(403);
  });
});

describe('the app in local mode keeps its own routes and 404 page', () => {
  let target: Target;
  beforeAll(async () => {
    target = await startLocalApp();
  });
  afterAll(() => target.close());

  it('serves its pages and health check as before', async () => {
    const home = await request(target.origin).get('/').expect(200);
    expect(home.headers['content-type']).toMatch(/^text\/html/);
    expect(home.text).toContain('href="/hello-world"');
    const health = await request(target.origin).get('/healthz').expect(200);
    expect(health.body).toMatchObject({ status: 'ok', mode: 'local' });
  });

  it("answers a broken %-escape under /v2/project/ with the emulator's 400 JSON, not the app's error page", async () => {
    const res = await request(target.origin)
      .get(`/v2/project/${API_KEY}/archive/%E0%A4%A`)
      .set('Accept', 'text/html')
      .expect(400);
    expect(res.body).toEqual({ code: -1, message: expect.stringMatching(/^Invalid request/) });
  });

  it.each([
    ['GET', '/nowhere'],
    ['GET', '/session/create'],
    ['POST', '/session'],
    ['POST', '/session/create/more'],
    ['GET', '/v2'],
    ['GET', '/v2/project'],
    ['GET', '/v2/partner/1/archive'],
    ['GET', '/downloads/x'],
    ['GET', '/media/a/b'],
  ])('%s %s answers the app’s HTML 404 page, not the emulator', async (method, pathname) => {
    const agent = request(target.origin);
    const res = await (method === 'GET' ? agent.get(pathname) : agent.post(pathname))
      .set('Accept', 'text/html')
      .expect(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('There is no page at this address');
  });
});

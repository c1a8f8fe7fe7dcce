/**
 * The realtime WebSocket opens only from pages of the hosts the app serves: a page on another site (DNS
 * rebinding included) is refused at the upgrade with 403. Real `ws` clients on loopback.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import WebSocket from 'ws';
import { loadConfig } from '../../src/app/config';
import { startServer, type RunningServer } from '../../src/app/server';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';

type Outcome = { opened: true } | { opened: false; status: number | undefined };

/** Opens a socket with the given Origin (none when undefined) and reports whether the upgrade succeeded. */
function tryOpen(url: string, origin: string | undefined): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no answer to the upgrade from ${url}`));
    }, 3000);
    ws.once('open', () => {
      clearTimeout(timer);
      ws.close();
      resolve({ opened: true });
    });
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      ws.terminate();
      resolve({ opened: false, status: res.statusCode });
    });
    // After an unexpected response ws also reports an error; the first outcome stands.
    ws.once('error', () => {
      clearTimeout(timer);
      resolve({ opened: false, status: undefined });
    });
  });
}

describe('realtime WebSocket origin, app in local mode', () => {
  let dataDir: string;
  let server: RunningServer;
  let realtimeUrl: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'app-trust-ws-'));
    const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, ALLOWED_HOSTS: 'video.example.com' });
    server = await startServer(config, pino({ level: 'silent' }));
    realtimeUrl = `${server.url.replace(/^http/, 'ws')}/emulator/realtime`;
  });
  afterAll(async () => {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each([
    'http://evil.example',
    'http://evil.example:3000',
    'https://video.example.com.evil.example',
    'null',
  ])('a page at %s is refused with 403', async (origin) => {
    expect(await tryOpen(realtimeUrl, origin)).toEqual({ opened: false, status: 403 });
  });

  it('a page of the app itself, of a name in ALLOWED_HOSTS, or a program without Origin may connect', async () => {
    const port = new URL(server.url).port;
    for (const origin of [server.url, `http://localhost:${port}`, 'https://video.example.com', undefined])
      expect([origin, await tryOpen(realtimeUrl, origin)]).toEqual([origin, { opened: true }]);
  });
});

describe('realtime WebSocket origin, standalone emulator', () => {
  let emulator: TestEmulator;
  let realtimeUrl: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    realtimeUrl = `${emulator.url.replace(/^http/, 'ws')}/realtime`;
  });
  afterAll(() => emulator.close());

  it('allows pages on loopback and programs without Origin by default', async () => {
    for (const origin of ['http://127.0.0.1:3000', 'http://localhost:8080', 'http://[::1]:3000', undefined])
      expect([origin, await tryOpen(realtimeUrl, origin)]).toEqual([origin, { opened: true }]);
  });

  it('refuses a page on another site with 403', async () => {
    expect(await tryOpen(realtimeUrl, 'http://evil.example')).toEqual({ opened: false, status: 403 });
  });
});

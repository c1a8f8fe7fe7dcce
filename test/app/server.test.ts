/** The composition root: local mode on one port (app + emulator + realtime), and a clean refusal to start. */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { jwtVerify } from 'jose';
import pino from 'pino';
import request from 'supertest';
import { loadConfig } from '../../src/app/config';
import { startServer, type RunningServer } from '../../src/app/server';
import { readPageData } from './helpers/app-harness';
import { ParticipantClient } from './helpers/participant-client';

const EMULATOR_SECRET = 'local-test-secret-0123456789abcdef0123456789';

describe('startServer in local mode', () => {
  let dataDir: string;
  let server: RunningServer;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'app-server-'));
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      EMULATOR_API_KEY: '100000001',
      EMULATOR_API_SECRET: EMULATOR_SECRET,
      // The tokens below are checked against the project secret: the OpenTok flavour of local mode.
      LOCAL_CREDENTIALS: 'opentok',
    });
    server = await startServer(config, pino({ level: 'silent' }));
  });
  afterAll(async () => {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 and reports the emulator in healthz', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await request(server.url).get('/healthz').expect(200);
    expect(res.body).toEqual({
      status: 'ok',
      mode: 'local',
      credentials: 'opentok',
      emulatorUrl: `${server.url}/emulator`,
      store: 'memory',
    });
  });

  it('serves pages with the local client, the banner and tokens signed by the emulator', async () => {
    const res = await request(server.url).get('/hello-world').expect(200);
    expect(res.text).toContain('id="mode-banner"');
    expect(res.text).toContain('VONAGE_APPLICATION_ID');
    expect(res.text).toMatch(
      /<script src="\/assets\/[0-9a-f]{12}\/js\/ot-local\.js" data-emulator-path="\/emulator">/,
    );
    const data = readPageData(res.text);
    expect(data.mode).toBe('local');
    const { payload } = await jwtVerify(data.token, new TextEncoder().encode(EMULATOR_SECRET));
    expect(payload).toMatchObject({ role: 'publisher', session_id: data.sessionId });
    expect(res.text).not.toContain(EMULATOR_SECRET);
    const csp = String(res.headers['content-security-policy']);
    const port = new URL(server.url).port;
    expect(csp).toContain(`ws://127.0.0.1:${port}`);
    expect(csp).not.toContain('opentok.com');
  });

  it('lets each page connect back to the host name it was opened with, and only to that one', async () => {
    const connectSrc = async (host: string): Promise<string | undefined> => {
      const res = await request(server.url).get('/').set('Host', host).expect(200);
      return /connect-src ([^;]*)/.exec(String(res.headers['content-security-policy']))?.[1];
    };
    expect(await connectSrc('localhost:3000')).toBe("'self' ws://localhost:3000 wss://localhost:3000");
    expect(await connectSrc('127.0.0.2:3000')).toBe("'self' ws://127.0.0.2:3000 wss://127.0.0.2:3000");
    expect(await connectSrc('localhost:3000')).toBe("'self' ws://localhost:3000 wss://localhost:3000");
    // Any other name, or a Host header that could smuggle a directive in, gets no page and no policy at all.
    for (const host of ['192.168.1.20:3000', 'evil.example;script-src']) {
      const res = await request(server.url).get('/').set('Host', host).expect(421);
      expect(res.headers['content-security-policy']).toBeUndefined();
      expect(res.text).not.toContain('evil');
    }
  });

  it('answers the realtime WebSocket and the REST API on the app’s own port', async () => {
    const res = await request(server.url).get('/participant').expect(200);
    const participant = await ParticipantClient.join(`${server.url}/emulator`, readPageData(res.text));
    try {
      expect(participant.connectionId).not.toBe('');
    } finally {
      await participant.leave();
    }
  });
});

describe('starting the server', () => {
  it('rejects when the port is taken, and leaves nothing running', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'app-server-'));
    try {
      const config = loadConfig({ PORT: String(port), DATA_DIR: dataDir });
      await expect(startServer(config, pino({ level: 'silent' }))).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  /** Runs an entry file as a user would, in an empty working directory so that no .env completes the setup. */
  async function runEntry(
    entry: string,
    env: Record<string, string>,
  ): Promise<{ status: number | null; lines: string[] }> {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'app-start-'));
    const root = path.resolve(__dirname, '../..');
    const result = spawnSync(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, entry)], {
      cwd,
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
      timeout: 20000,
    });
    await rm(cwd, { recursive: true, force: true });
    return { status: result.status, lines: result.stderr.trim().split('\n') };
  }

  it('exits 1 with one line naming what to set when the configuration is half set', async () => {
    expect(await runEntry('src/app/server.ts', { API_KEY: '123456' })).toEqual({
      status: 1,
      lines: [
        'Configuration error: API_KEY is set but API_SECRET is not: set both, or neither for local mode',
      ],
    });
  });

  it('the standalone emulator refuses a bad EMULATOR_PORT the same way, before listening', async () => {
    expect(await runEntry('src/emulator/server.ts', { EMULATOR_PORT: '3001x' })).toEqual({
      status: 1,
      lines: ['Configuration error: EMULATOR_PORT must be a number from 0 to 65535 (got "3001x")'],
    });
  });
});

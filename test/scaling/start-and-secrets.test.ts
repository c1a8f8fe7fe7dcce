/**
 * Starting several instances: the start refused in one line when the shared store cannot work, and CSRF
 * tokens accepted across instances that share SESSION_SECRET without any store.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { loadConfig } from '../../src/app/config';
import { startServer, type RunningServer } from '../../src/app/server';
import { StoreUnavailableError } from '../../src/app/state/state-store';
import { readCsrfToken } from '../app/helpers/app-harness';
import { closedPortUrl, startFakePlatform, type FakePlatform } from '../helpers/fake-platform';
import { API_KEY, API_SECRET } from '../helpers/platform-fixtures';

const ROOT = path.resolve(__dirname, '../..');
const SESSION_SECRET = 'a-session-secret-of-at-least-32-characters';

/** Runs the app's entry file as a user would, in an empty folder so that no .env completes the setup. */
async function runEntry(env: Record<string, string>): Promise<{ code: number | null; lines: string[] }> {
  const cwd = await mkdtemp(path.join(os.tmpdir(), 'app-start-'));
  try {
    return await new Promise((resolve) => {
      execFile(
        path.join(ROOT, 'node_modules/.bin/tsx'),
        [path.join(ROOT, 'src/app/server.ts')],
        { cwd, env: { PATH: process.env.PATH, PORT: '0', ...env }, encoding: 'utf8', timeout: 20_000 },
        (error, _stdout, stderr) => {
          const code = error && typeof error.code === 'number' ? error.code : error ? null : 0;
          resolve({ code, lines: stderr.trim().split('\n') });
        },
      );
    });
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}

const redisUrlOf = (httpUrl: string) => httpUrl.replace(/^http:/, 'redis:');

describe('the start of an instance', () => {
  it('is refused in one line when REDIS_URL is set in local mode', async () => {
    expect(await runEntry({ REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual({
      code: 1,
      lines: [
        expect.stringMatching(
          /^Configuration error: REDIS_URL is set in local mode, which runs as one instance \(the emulator lives in the process\): unset REDIS_URL, or set API_KEY/,
        ),
      ],
    });
  });

  it('fails in one line, within seconds, when Redis cannot be reached', async () => {
    const redisUrl = redisUrlOf(await closedPortUrl());
    const startedAt = Date.now();
    const result = await runEntry({ API_KEY, API_SECRET, REDIS_URL: redisUrl });
    expect(result).toEqual({
      code: 1,
      lines: [
        `Cannot start the app: Cannot connect to Redis at ${redisUrl} (connect ECONNREFUSED ${redisUrl.slice(8)}): check REDIS_URL and that Redis is running.`,
      ],
    });
    expect(Date.now() - startedAt).toBeLessThan(15_000);
  });

  it('rejects startServer with a StoreUnavailableError that keeps a password out of its message', async () => {
    const url = new URL(redisUrlOf(await closedPortUrl()));
    url.password = 'redis-password';
    const config = loadConfig({ API_KEY, API_SECRET, REDIS_URL: url.href, PORT: '0' });
    const started = startServer(config, pino({ level: 'silent' }));
    await expect(started).rejects.toThrow(StoreUnavailableError);
    await expect(started).rejects.not.toThrow(/redis-password/);
  });
});

describe('instances sharing SESSION_SECRET without a store', () => {
  let platform: FakePlatform;
  const instances: RunningServer[] = [];

  beforeAll(async () => {
    platform = await startFakePlatform();
  });
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    await platform.close();
  });

  const start = async (env: Record<string, string>) => {
    const config = loadConfig({ API_KEY, API_SECRET, OPENTOK_API_URL: platform.url, PORT: '0', ...env });
    const instance = await startServer(config, pino({ level: 'silent' }));
    instances.push(instance);
    return instance;
  };

  const tryStart = async (from: RunningServer, to: RunningServer) => {
    const page = await request(from.url).get('/host').expect(200);
    const res = await request(to.url)
      .post('/start')
      .set('Cookie', page.get('Set-Cookie') ?? [])
      .set('x-csrf-token', readCsrfToken(page.text))
      .send({});
    return res.status;
  };

  it('accept each other’s CSRF tokens', async () => {
    const a = await start({ SESSION_SECRET });
    const b = await start({ SESSION_SECRET });
    expect(await tryStart(a, b)).toBe(200);
    expect(await tryStart(b, a)).toBe(200);
    expect((await request(a.url).get('/healthz').expect(200)).body).toMatchObject({ store: 'memory' });
  });

  it('without it, each process keeps its own key, as a single instance always did', async () => {
    const a = await start({});
    const b = await start({});
    expect(await tryStart(a, b)).toBe(403);
  });
});

/**
 * DNS rebinding: a page on another site that points its own name at this machine sends that name as Host and
 * Origin. The app answers only its own names, before any route (the emulator's included), and refuses state
 * changes that a page on another site sends.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { loadConfig } from '../../src/app/config';
import { createHostPolicy } from '../../src/app/host-policy';
import { startServer, type RunningServer } from '../../src/app/server';
import { restJwt } from '../emulator/support/platform-client';

const API_KEY = '100000001';
const API_SECRET = 'local-test-secret-0123456789abcdef0123456789';
const ARCHIVE_ID = '00000000-0000-4000-8000-000000000000';

describe('the app answers only the hosts it serves', () => {
  let dataDir: string;
  let server: RunningServer;
  let port: string;
  let jwt: () => Promise<string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'app-trust-hosts-'));
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      EMULATOR_API_KEY: API_KEY,
      EMULATOR_API_SECRET: API_SECRET,
      ALLOWED_HOSTS: 'video.example.com, Other.Example.org',
    });
    server = await startServer(config, pino({ level: 'silent' }));
    port = new URL(server.url).port;
    jwt = () => restJwt({ url: `${server.url}/emulator`, apiKey: API_KEY, apiSecret: API_SECRET });
  });
  afterAll(async () => {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const FOREIGN_HOSTS = [
    'evil.example',
    'evil.example:3000',
    '192.168.1.20:3000',
    'localhost.evil.example',
    '127.0.0.1.nip.io',
    'video.example.com.evil.example',
    'evil.example;script-src',
  ];

  it.each(FOREIGN_HOSTS)('Host %s gets a short 421 on every page, with no page data', async (host) => {
    for (const page of [
      '/',
      '/participant',
      '/hello-world',
      '/host',
      '/history.json',
      '/healthz',
      '/nowhere',
    ]) {
      const res = await request(server.url).get(page).set('Host', host);
      expect([page, res.status]).toEqual([page, 421]);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.headers['content-security-policy']).toBeUndefined();
      expect(res.text.length).toBeLessThan(200);
      expect(res.text).not.toMatch(/token|sessionId|evil/);
    }
  });

  it.each(FOREIGN_HOSTS)('Host %s reaches no emulator route, authenticated or not', async (host) => {
    const auth = await jwt();
    const calls = [
      request(server.url).get(`/emulator/v2/project/${API_KEY}/archive`),
      request(server.url).get(`/v2/project/${API_KEY}/archive`),
      request(server.url).post('/emulator/session/create'),
      request(server.url).post('/session/create'),
      request(server.url).delete(`/emulator/v2/project/${API_KEY}/archive/${ARCHIVE_ID}`),
    ];
    for (const call of calls) {
      const res = await call.set('Host', host).set('X-OPENTOK-AUTH', auth).set('Accept', 'application/json');
      expect(res.status).toBe(421);
      expect(res.text).not.toContain('archive');
    }
  });

  it.each([
    'localhost',
    '127.0.0.1',
    '127.1.2.3',
    '[::1]',
    'LOCALHOST',
    'video.example.com',
    'other.example.org',
  ])('Host %s is served, with its own name in connect-src', async (name) => {
    const res = await request(server.url).get('/participant').set('Host', `${name}:${port}`).expect(200);
    const own = `${name}:${port}`;
    expect(String(res.headers['content-security-policy'])).toContain(
      `connect-src 'self' ws://${own} wss://${own};`,
    );
  });

  describe('state changes check Origin against the same names', () => {
    it('a REST call with a foreign Origin is refused even with a valid JWT', async () => {
      for (const origin of ['http://evil.example', `http://evil.example:${port}`, 'file://']) {
        const res = await request(server.url)
          .post('/emulator/session/create')
          .set('X-OPENTOK-AUTH', await jwt())
          .set('Origin', origin)
          .set('Accept', 'application/json');
        expect([origin, res.status]).toEqual([origin, 403]);
      }
      const removal = await request(server.url)
        .delete(`/emulator/v2/project/${API_KEY}/archive/${ARCHIVE_ID}`)
        .set('X-OPENTOK-AUTH', await jwt())
        .set('Origin', 'http://evil.example');
      expect(removal.status).toBe(403);
    });

    /** A session creation with `headers`, sent with the Origin `origin` or none. */
    const createSessionFrom = async (origin: string | undefined, headers: Record<string, string>) => {
      const call = request(server.url)
        .post('/emulator/session/create')
        .set('X-OPENTOK-AUTH', await jwt())
        .set(headers);
      return origin ? call.set('Origin', origin) : call;
    };

    it('a REST call with no Origin (a program) or an allowed one goes through', async () => {
      for (const origin of [undefined, server.url, 'https://video.example.com', `http://localhost:${port}`]) {
        const res = await createSessionFrom(origin, { Accept: 'application/json' });
        expect([origin, res.status]).toEqual([origin, 200]);
      }
    });

    it('without a telling Origin, a cross-site Sec-Fetch-Site is refused too', async () => {
      for (const origin of [undefined, 'null']) {
        const res = await createSessionFrom(origin, { 'Sec-Fetch-Site': 'cross-site' });
        expect([origin, res.status]).toEqual([origin, 403]);
      }
    });

    it('reads are not refused for their Origin (the Host check guards them)', async () => {
      const res = await request(server.url)
        .get(`/emulator/v2/project/${API_KEY}/archive`)
        .set('X-OPENTOK-AUTH', await jwt())
        .set('Origin', 'http://evil.example');
      expect(res.status).toBe(200);
    });
  });
});

describe('createHostPolicy', () => {
  it('serves loopback names and HOST by default, and nothing else', () => {
    const policy = createHostPolicy({ host: 'app.lan', allowedHosts: [] });
    for (const name of ['localhost', '127.0.0.1', '127.255.0.9', '[::1]', 'app.lan'])
      expect([name, policy.isAllowedHostname(name)]).toEqual([name, true]);
    for (const name of ['evil.example', '10.0.0.1', '[::2]', 'localhost.evil.example', '128.0.0.1'])
      expect([name, policy.isAllowedHostname(name)]).toEqual([name, false]);
  });

  it('adds nothing for a wildcard bind, and brackets an IPv6 HOST', () => {
    expect(createHostPolicy({ host: '0.0.0.0', allowedHosts: [] }).isAllowedHostname('0.0.0.0')).toBe(false);
    expect(createHostPolicy({ host: 'fd00::5', allowedHosts: [] }).isAllowedHostname('[fd00::5]')).toBe(true);
  });

  it('accepts no Origin, and http(s) origins of the allowed names only', () => {
    const policy = createHostPolicy({ host: '127.0.0.1', allowedHosts: ['video.example.com'] });
    expect(policy.isAllowedOrigin(undefined)).toBe(true);
    expect(policy.isAllowedOrigin('https://video.example.com')).toBe(true);
    expect(policy.isAllowedOrigin('http://127.0.0.1:3000')).toBe(true);
    for (const origin of [
      'null',
      '',
      'https://evil.example',
      'ftp://localhost',
      'https://video.example.com.evil.example',
    ])
      expect([origin, policy.isAllowedOrigin(origin)]).toEqual([origin, false]);
  });
});

/**
 * Pages that embed a client token and the redirect to a signed download link are never stored by a cache;
 * behind an HTTPS proxy named by TRUST_PROXY the CSRF cookie is Secure; ALLOWED_HOSTS and TRUST_PROXY are
 * checked at start.
 */
import request from 'supertest';
import { ConfigError, loadConfig } from '../../src/app/config';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { startFakePlatform, type FakePlatform } from '../helpers/fake-platform';
import { API_KEY, API_SECRET, ARCHIVE_ID } from '../helpers/platform-fixtures';
import { createEmulatorHarness, createHarness } from '../app/helpers/app-harness';

describe('Cache-Control: no-store', () => {
  let emulator: TestEmulator;
  let platform: FakePlatform;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    platform = await startFakePlatform();
  });
  afterAll(async () => {
    await emulator.close();
    await platform.close();
  });

  it.each(['/host', '/participant', '/hello-world'])(
    '%s, which embeds a token, is no-store',
    async (page) => {
      const { app } = createEmulatorHarness(emulator);
      const res = await request(app).get(page).expect(200);
      expect(res.text).toContain('"token":');
      expect(res.headers['cache-control']).toBe('no-store');
    },
  );

  it('the redirect to a signed download link is no-store', async () => {
    const { app } = createHarness({ apiUrl: platform.url, apiKey: API_KEY, apiSecret: API_SECRET });
    const res = await request(app).get(`/download/${ARCHIVE_ID}`).expect(302);
    expect(res.headers.location).toMatch(/sig=/);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('TRUST_PROXY and the Secure cookie', () => {
  let emulator: TestEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator.close());

  const csrfCookie = async (env: Record<string, string>, forwardedProto?: string): Promise<string> => {
    const { app } = createEmulatorHarness(emulator, { env });
    const call = request(app).get('/');
    const res = await (forwardedProto ? call.set('X-Forwarded-Proto', forwardedProto) : call).expect(200);
    return String(res.headers['set-cookie']);
  };

  it('behind a trusted proxy that terminated https, the CSRF cookie is Secure', async () => {
    // supertest connects from 127.0.0.1, the proxy's address here.
    expect(await csrfCookie({ TRUST_PROXY: 'loopback' }, 'https')).toMatch(/; Secure/);
    expect(await csrfCookie({ TRUST_PROXY: '1' }, 'https')).toMatch(/; Secure/);
  });

  it('over plain http, or when the proxy is not trusted, it is not', async () => {
    expect(await csrfCookie({ TRUST_PROXY: 'loopback' }, 'http')).not.toMatch(/Secure/);
    expect(await csrfCookie({}, 'https')).not.toMatch(/Secure/);
    expect(await csrfCookie({ TRUST_PROXY: '10.0.0.0/8' }, 'https')).not.toMatch(/Secure/);
  });

  it('the forwarded host of a trusted proxy must be one the app serves', async () => {
    const { app } = createEmulatorHarness(emulator, {
      env: { TRUST_PROXY: 'loopback', ALLOWED_HOSTS: 'video.example.com' },
    });
    await request(app).get('/').set('X-Forwarded-Host', 'video.example.com').expect(200);
    await request(app).get('/').set('X-Forwarded-Host', 'evil.example').expect(421);
  });
});

describe('ALLOWED_HOSTS and TRUST_PROXY settings', () => {
  it('reads ALLOWED_HOSTS as lower-case names, none by default', () => {
    expect(loadConfig({}).allowedHosts).toEqual([]);
    expect(loadConfig({ ALLOWED_HOSTS: ' Video.Example.com, app.lan ,' }).allowedHosts).toEqual([
      'video.example.com',
      'app.lan',
    ]);
  });

  it.each(['https://video.example.com', 'video.example.com:443', 'video.example.com/path', '*.example.com'])(
    'refuses ALLOWED_HOSTS=%s with a message that says what to set',
    (value) => {
      expect(() => loadConfig({ ALLOWED_HOSTS: value })).toThrow(ConfigError);
      expect(() => loadConfig({ ALLOWED_HOSTS: value })).toThrow(/ALLOWED_HOSTS must be host names/);
    },
  );

  it('reads TRUST_PROXY as Express takes it, off by default', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback,10.0.0.0/8');
  });

  it.each(['yes', 'proxy.example.com', '10.0.0.0/8/8', '10.0.0.0/33', '300.1.1.1'])(
    'refuses TRUST_PROXY=%s',
    (value) => {
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY must be/);
    },
  );
});

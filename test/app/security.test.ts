/**
 * CSRF, HOST_PASSWORD, POST-only routes, one session under concurrency, and no secret or private key in any
 * answer or log.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { jwtVerify } from 'jose';
import request from 'supertest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { jsonReply, startFakePlatform, type FakePlatform } from '../helpers/fake-platform';
import { API_KEY, API_SECRET, archiveJson } from '../helpers/platform-fixtures';
import {
  browse,
  createEmulatorHarness,
  createHarness,
  readCsrfToken,
  readPageData,
  type Harness,
} from './helpers/app-harness';

const ARCHIVE_ID = '00000000-0000-4000-8000-000000000000';

describe('security', () => {
  let emulator: TestEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator.close());

  const harnessFor = (hostPassword?: string): Harness => createEmulatorHarness(emulator, { hostPassword });

  describe('CSRF', () => {
    let harness: Harness;
    beforeAll(() => {
      harness = harnessFor();
    });

    const routes = ['/start', `/stop/${ARCHIVE_ID}`, `/delete/${ARCHIVE_ID}`];

    it.each(routes)('%s without a token is refused with 403 and nothing happens', async (path) => {
      const { agent } = await browse(harness.app);
      const res = await agent.post(path).set('Accept', 'application/json').send({});
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/the page you used is out of date/);
    });

    it.each(routes)('%s with a forged token is refused with 403', async (path) => {
      const { agent, csrfToken } = await browse(harness.app);
      const forged = `${csrfToken.slice(0, -2)}xx`;
      expect((await agent.post(path).set('x-csrf-token', forged).send({})).status).toBe(403);
      const formForged = await agent.post(path).type('form').send({ _csrf: 'not-the-token' });
      expect(formForged.status).toBe(403);
    });

    it('a token is bound to its own cookie: another browser’s token does not work', async () => {
      const alice = await browse(harness.app);
      const mallory = await browse(harness.app);
      expect(alice.csrfToken).not.toBe(mallory.csrfToken);
      const res = await alice.agent.post('/start').set('x-csrf-token', mallory.csrfToken).send({});
      expect(res.status).toBe(403);
    });

    it('a browser keeps its cookie: later pages set none and carry the same token', async () => {
      const { agent, csrfToken } = await browse(harness.app);
      for (const page of ['/host', '/history', '/hello-world']) {
        const res = await agent.get(page).expect(200);
        expect([page, res.headers['set-cookie']]).toEqual([page, undefined]);
        expect(readCsrfToken(res.text)).toBe(csrfToken);
      }
      const res = await agent.post('/start').set('x-csrf-token', csrfToken).send({});
      expect(res.status).not.toBe(403);
    });

    it('a malformed cookie is replaced by a new one', async () => {
      const res = await request(harness.app).get('/').set('Cookie', 'csrf_id=short').expect(200);
      expect(String(res.headers['set-cookie'])).toMatch(
        /^csrf_id=[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/,
      );
    });

    it('a token without its cookie (a cross-site form) is refused', async () => {
      const { csrfToken } = await browse(harness.app);
      const res = await request(harness.app).post('/start').set('x-csrf-token', csrfToken).send({});
      expect(res.status).toBe(403);
    });

    it('a refused start creates no archive and no session', async () => {
      const before = await harness.opentok.archives.all();
      const { agent } = await browse(harness.app);
      await agent.post('/start').send({ name: 'forged' }).expect(403);
      const after = await harness.opentok.archives.all();
      expect(after.total).toBe(before.total);
    });

    it('the token from the page passes (the request then reaches the platform)', async () => {
      const { agent, csrfToken } = await browse(harness.app);
      const res = await agent.post('/start').set('x-csrf-token', csrfToken).send({});
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/Nobody is publishing yet/);
    });
  });

  describe('POST-only routes', () => {
    it.each([
      ['GET', '/start'],
      ['GET', `/stop/${ARCHIVE_ID}`],
      ['GET', `/delete/${ARCHIVE_ID}`],
      ['PUT', '/start'],
      ['DELETE', `/delete/${ARCHIVE_ID}`],
    ])('%s %s is 405 with Allow: POST and changes nothing', async (method, path) => {
      const harness = harnessFor();
      const client = request(harness.app);
      const send =
        method === 'GET' ? client.get(path) : method === 'PUT' ? client.put(path) : client.delete(path);
      const res = await send.set('Accept', 'application/json');
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST');
      expect(res.body.error.message).toMatch(/belongs to a button of the app/);
    });
  });

  describe('HOST_PASSWORD', () => {
    const password = 'correct horse battery';
    let harness: Harness;
    beforeAll(() => {
      harness = harnessFor(password);
    });

    const basic = (user: string, pass: string) =>
      `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

    it('the host page asks for the password with HTTP Basic', async () => {
      const res = await request(harness.app).get('/host').set('Accept', 'text/html').expect(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
      expect(res.text).toContain('host password');
      await request(harness.app).get('/host').set('Authorization', basic('host', 'wrong')).expect(401);
      await request(harness.app).get('/host').set('Authorization', 'Bearer abc').expect(401);
    });

    it('accepts the password with any user name', async () => {
      await request(harness.app).get('/host').set('Authorization', basic('anyone', password)).expect(200);
      await request(harness.app).get('/host').set('Authorization', basic('', password)).expect(200);
    });

    it('participant, hello-world and history stay open', async () => {
      await request(harness.app).get('/participant').expect(200);
      await request(harness.app).get('/hello-world').expect(200);
      await request(harness.app).get('/history').expect(200);
      await request(harness.app).get('/history.json').expect(200);
    });

    it.each(['/start', `/stop/${ARCHIVE_ID}`, `/delete/${ARCHIVE_ID}`])(
      '%s needs the password even with a valid CSRF token',
      async (path) => {
        const { agent, csrfToken } = await browse(harness.app);
        const denied = await agent.post(path).set('x-csrf-token', csrfToken).send({});
        expect(denied.status).toBe(401);
        const wrong = await agent
          .post(path)
          .set('x-csrf-token', csrfToken)
          .set('Authorization', basic('host', 'nope'))
          .send({});
        expect(wrong.status).toBe(401);
        const allowed = await agent
          .post(path)
          .set('x-csrf-token', csrfToken)
          .set('Authorization', basic('host', password))
          .send({});
        expect([400, 404]).toContain(allowed.status);
      },
    );
  });

  describe('one archiving session', () => {
    it('concurrent first requests create exactly one session, reused afterwards', async () => {
      const harness = harnessFor();
      const spy = jest.spyOn(harness.opentok, 'createSession');
      const pages = await Promise.all(
        [
          '/host',
          '/participant',
          '/host',
          '/participant',
          '/host',
          '/participant',
          '/host',
          '/participant',
        ].map((path) => request(harness.app).get(path).expect(200)),
      );
      const sessionIds = new Set(pages.map((res) => readPageData(res.text).sessionId));
      expect(sessionIds.size).toBe(1);
      expect(spy).toHaveBeenCalledTimes(1);
      await request(harness.app).get('/host').expect(200);
      expect(spy).toHaveBeenCalledTimes(1);
      spy.mockRestore();
    });

    it('the app starts and serves its landing page before any session exists', async () => {
      const harness = harnessFor();
      const spy = jest.spyOn(harness.opentok, 'createSession');
      await request(harness.app).get('/').expect(200);
      await request(harness.app).get('/history').expect(200);
      expect(spy).not.toHaveBeenCalled();
      spy.mockRestore();
    });
  });

  describe('secrets', () => {
    it('no response and no log line contains the API secret, cookies, tokens or the password', async () => {
      const password = 'hunter2-host-password';
      const harness = harnessFor(password);
      const auth = `Basic ${Buffer.from(`h:${password}`).toString('base64')}`;
      const agent = request.agent(harness.app);
      const bodies: string[] = [];
      const keep = (res: request.Response) => {
        bodies.push(res.text ?? '', JSON.stringify(res.headers));
        return res;
      };
      const landing = keep(await agent.get('/').set('Authorization', auth));
      const csrfToken = readCsrfToken(landing.text);
      for (const path of [
        '/hello-world',
        '/host',
        '/participant',
        '/history',
        '/history.json',
        '/healthz',
        '/nope',
      ]) {
        keep(await agent.get(path).set('Authorization', auth));
        keep(await agent.get(path).set('Authorization', auth).set('Accept', 'application/json'));
      }
      keep(await agent.get(`/download/${ARCHIVE_ID}`));
      keep(await agent.get('/host').set('Authorization', 'Basic bad'));
      keep(await agent.post('/start').set('Authorization', auth).set('x-csrf-token', csrfToken).send({}));
      keep(await agent.post('/start').set('Authorization', auth).set('x-csrf-token', 'forged').send({}));
      keep(await agent.post(`/stop/${ARCHIVE_ID}`).set('Authorization', auth).set('x-csrf-token', csrfToken));
      keep(
        await agent.post(`/delete/${ARCHIVE_ID}`).set('Authorization', auth).set('x-csrf-token', csrfToken),
      );

      for (const text of bodies) {
        expect(text).not.toContain(emulator.apiSecret);
        expect(text).not.toContain(password);
      }
      const logs = harness.logs.join('');
      expect(logs).toContain('"statusCode":200');
      expect(logs).not.toContain(emulator.apiSecret);
      expect(logs).not.toContain(password);
      expect(logs).not.toContain(csrfToken);
      expect(logs).not.toContain('csrf_id=');
      expect(logs).not.toContain(auth.slice(6));
      // One line per request; the two health checks are left out of the request log on purpose.
      const requestLines = harness.logs.filter((line) => line.includes('"responseTime"'));
      expect(requestLines).toHaveLength(bodies.length / 2 - 2);
    });
  });
});

// The same sweep in both platform modes against a fake platform, which (unlike the emulator) can answer a
// successful start and stop with the platform's full archive JSON and refuse the credentials on demand.
describe.each(['vonage', 'opentok'] as const)('secrets in %s mode', (mode) => {
  const applicationId = '1f0d5c9a-3b2e-4c1d-9e8f-0a1b2c3d4e5f';
  const ARCHIVE_PASSWORD = 'archive-password-7f3a';
  const SIGNED_URL = 'https://archives.example.test/a.mp4?Expires=1&Signature=s1gn4tur3';
  const OTHER_ID = 'c0ffee00-0000-4000-8000-000000000000';
  let keyPair: { privateKey: string; publicKey: KeyObject };
  let platform: FakePlatform;
  let fault: 'none' | 'credentials' | 'server' = 'none';
  const authHeaders: string[] = [];

  beforeAll(async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    keyPair = {
      privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKey: pair.publicKey,
    };
    platform = await startFakePlatform();
    const projectId = mode === 'vonage' ? applicationId : API_KEY;
    const base = `/v2/project/${projectId}/archive`;
    platform.answer((request) => {
      authHeaders.push(String(request.headers.authorization ?? request.headers['x-opentok-auth']));
      if (fault === 'credentials') return jsonReply(403, { code: -1, message: 'Invalid JWT' });
      const { method, path } = request;
      if (!path.startsWith(base)) return 'healthy';
      if (fault === 'server') return jsonReply(500, { code: 500, message: 'System error' });
      const available = archiveJson({
        id: ARCHIVE_ID,
        status: 'available',
        url: SIGNED_URL,
        password: ARCHIVE_PASSWORD,
      });
      if (method === 'GET' && path === base) return jsonReply(200, { count: 1, items: [available] });
      if (method === 'POST' && path === base)
        return jsonReply(200, archiveJson({ id: ARCHIVE_ID, password: ARCHIVE_PASSWORD }));
      if (method === 'POST' && path === `${base}/${ARCHIVE_ID}/stop`)
        return jsonReply(200, archiveJson({ id: ARCHIVE_ID, status: 'stopped', password: ARCHIVE_PASSWORD }));
      if (method === 'GET' && path === `${base}/${ARCHIVE_ID}`) return jsonReply(200, available);
      if (method === 'DELETE' && path === `${base}/${ARCHIVE_ID}`) return { status: 204 };
      if (method === 'DELETE') return jsonReply(409, { message: 'Conflict' });
      return jsonReply(404, { code: -1, message: 'Not found. You passed in an invalid archive ID.' });
    });
  });
  afterAll(() => platform.close());

  it('no page, answer (error pages included) or log line of any route holds the secret or the private key; start and stop answer a summary only', async () => {
    const password = 'hunter2-host-password';
    const harness = createHarness({
      apiUrl: platform.url,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      hostPassword: password,
      timeoutMs: 400,
      ...(mode === 'vonage' ? { vonage: { applicationId, privateKey: keyPair.privateKey } } : {}),
    });
    expect(harness.config.mode).toBe(mode);
    // Every 64-character line of the PEM body, so that a copy with escaped newlines is caught too.
    const secrets =
      mode === 'vonage'
        ? keyPair.privateKey.split('\n').filter((line) => line && !line.startsWith('-----'))
        : [API_SECRET];
    const auth = `Basic ${Buffer.from(`h:${password}`).toString('base64')}`;
    const agent = request.agent(harness.app);
    const answers: Array<{ route: string; text: string }> = [];
    const keep = async (pending: request.Test, status: number) => {
      const res = await pending;
      const route = `${pending.method} ${new URL(pending.url).pathname}`;
      expect([route, res.status]).toEqual([route, status]);
      answers.push({ route, text: `${res.text ?? ''}${JSON.stringify(res.headers)}` });
      return res;
    };

    const csrfToken = readCsrfToken((await keep(agent.get('/').set('Authorization', auth), 200)).text);
    const post = (path: string) => agent.post(path).set('Authorization', auth).set('x-csrf-token', csrfToken);
    for (const [path, status] of [
      ['/hello-world', 200],
      ['/host', 200],
      ['/participant', 200],
      ['/history', 200],
      ['/history.json', 200],
      ['/history?page=1234567890', 200],
      ['/healthz', 200],
      ['/nope', 404],
      [`/download/${ARCHIVE_ID}`, 302],
      [`/download/${OTHER_ID}`, 404],
      ['/download/not%20an%20id', 400],
      ['/start', 405],
    ] as const) {
      await keep(agent.get(path).set('Authorization', auth).set('Accept', 'text/html'), status);
      await keep(agent.get(path).set('Authorization', auth).set('Accept', 'application/json'), status);
    }
    await keep(agent.get('/host').set('Authorization', 'Basic bad'), 401);
    await keep(agent.post('/start').set('Authorization', auth).set('x-csrf-token', 'forged').send({}), 403);

    const started = await keep(post('/start').send({ name: 'Demo' }), 200);
    const stopped = await keep(post(`/stop/${ARCHIVE_ID}`), 200);
    for (const res of [started, stopped]) {
      expect(Object.keys(res.body as object).sort()).toEqual(
        ['createdAt', 'hasAudio', 'hasVideo', 'id', 'name', 'outputMode', 'sessionId', 'status'].sort(),
      );
      expect(res.text).not.toContain(ARCHIVE_PASSWORD);
    }
    await keep(post(`/stop/${OTHER_ID}`), 404);
    await keep(post(`/delete/${ARCHIVE_ID}`).type('form').send({ _csrf: csrfToken, page: '1' }), 303);
    await keep(post(`/delete/${OTHER_ID}`).set('Accept', 'text/html'), 409);

    fault = 'server';
    await keep(agent.get('/history').set('Accept', 'text/html'), 502);
    fault = 'credentials';
    try {
      await keep(agent.get('/history').set('Accept', 'text/html'), 502);
      await keep(agent.get('/host').set('Authorization', auth).set('Accept', 'text/html'), 502);
      await keep(post('/start').send({}), 502);
      await keep(post(`/stop/${ARCHIVE_ID}`).set('Accept', 'text/html'), 502);
      await keep(agent.get(`/download/${ARCHIVE_ID}`), 502);
    } finally {
      fault = 'none';
    }

    for (const { route, text } of answers) {
      const leaked = [...secrets, password, 'PRIVATE KEY-----'].filter((secret) => text.includes(secret));
      expect([route, leaked]).toEqual([route, []]);
    }
    const logs = harness.logs.join('');
    expect(logs).toContain('"level":40'); // the refused stop and delete
    expect(logs).toContain('"level":50'); // the 500 and the refused credentials
    for (const secret of [...secrets, password, csrfToken, auth.slice(6)]) expect(logs).not.toContain(secret);
    expect(logs).not.toContain('PRIVATE KEY-----');
    expect(logs).not.toContain('csrf_id=');
    // The platform was asked with this mode's own credentials: an RS256 JWT of the application, or the project's.
    const sent = authHeaders.at(-1) ?? '';
    if (mode === 'vonage') {
      expect(sent).toMatch(/^Bearer /);
      const { payload } = await jwtVerify(sent.slice(7), keyPair.publicKey);
      expect(payload.application_id).toBe(applicationId);
    } else {
      expect(sent).not.toMatch(/^Bearer /);
    }
    for (const header of authHeaders) expect(logs).not.toContain(header);
  });
});

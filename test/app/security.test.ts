/** CSRF, HOST_PASSWORD, POST-only routes, one session under concurrency, and no secret in any answer or log. */
import request from 'supertest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { browse, createHarness, readCsrfToken, readPageData, type Harness } from './helpers/app-harness';

const ARCHIVE_ID = '00000000-0000-4000-8000-000000000000';

describe('security', () => {
  let emulator: TestEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator.close());

  const harnessFor = (hostPassword?: string): Harness =>
    createHarness({
      apiUrl: emulator.url,
      apiKey: emulator.apiKey,
      apiSecret: emulator.apiSecret,
      hostPassword,
    });

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
      expect(res.body.error.message).toMatch(/security token is missing or out of date/);
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
        /^csrf_id=[A-Za-z0-9_-]{32,64}; Path=\/; HttpOnly; SameSite=Strict$/,
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
      expect(res.body.error.message).toMatch(/only accepts POST/);
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

/** Upstream failures become clear answers: 4xx for the user's mistakes, 502/503/504 for the platform's. */
import request from 'supertest';
import {
  archiveJson,
  closedPortUrl,
  FAKE_API_KEY,
  FAKE_API_SECRET,
  jsonReply,
  startFakePlatform,
  type FakePlatform,
} from './helpers/fake-platform';
import { browse, createHarness, type Harness } from './helpers/app-harness';

const ARCHIVE_ID = 'b40ef09b-3811-4726-b508-e41a0f96c68f';
const ARCHIVE_PATH = `/v2/project/${FAKE_API_KEY}/archive`;

describe('platform failures', () => {
  let platform: FakePlatform;
  let harness: Harness;

  beforeEach(async () => {
    platform = await startFakePlatform();
    harness = createHarness({
      apiUrl: platform.url,
      apiKey: FAKE_API_KEY,
      apiSecret: FAKE_API_SECRET,
      timeoutMs: 400,
    });
  });
  afterEach(async () => {
    await platform.close();
    const everything = harness.logs.join('');
    expect(everything).not.toContain(FAKE_API_SECRET);
  });

  const onSessionCreate = (reply: Parameters<FakePlatform['respond']>[0]) =>
    platform.respond((req) => (req.url === '/session/create' ? reply(req) : undefined));

  describe('when the session cannot be created, the host page explains why', () => {
    it('403: the credentials were rejected (502, page names API_KEY/API_SECRET)', async () => {
      onSessionCreate(() => jsonReply(403, { code: -1, message: 'No suitable authentication found' }));
      const res = await request(harness.app).get('/host').set('Accept', 'text/html').expect(502);
      expect(res.type).toBe('text/html');
      expect(res.text).toContain('check API_KEY/API_SECRET');
      expect(res.text).toContain('id="alerts"');
    });

    it('403 as JSON for scripts', async () => {
      onSessionCreate(() => jsonReply(403, { code: -1, message: 'Issuer not found' }));
      const res = await request(harness.app)
        .get('/participant')
        .set('Accept', 'application/json')
        .expect(502);
      expect(res.body).toEqual({ error: { message: expect.stringContaining('check API_KEY/API_SECRET') } });
    });

    it('500: the platform failed (502)', async () => {
      onSessionCreate(() => jsonReply(500, { code: 500, message: 'System error' }));
      const res = await request(harness.app)
        .get('/hello-world')
        .set('Accept', 'application/json')
        .expect(502);
      expect(res.body.error.message).toMatch(/platform answered with an error \(HTTP 500\)/);
    });

    it('an HTML page from a proxy instead of JSON (502)', async () => {
      onSessionCreate(() => ({
        status: 200,
        body: '<html><body>Gateway login</body></html>',
        contentType: 'text/html',
      }));
      await request(harness.app).get('/host').set('Accept', 'application/json').expect(502);
    });

    it('a garbage body (502)', async () => {
      onSessionCreate(() => ({ status: 200, body: '{"session_id": ', contentType: 'application/json' }));
      await request(harness.app).get('/host').set('Accept', 'application/json').expect(502);
    });

    it('a platform that never answers (504 after the SDK timeout)', async () => {
      onSessionCreate(() => 'hang');
      const started = Date.now();
      const res = await request(harness.app).get('/host').set('Accept', 'application/json').expect(504);
      expect(res.body.error.message).toMatch(/did not answer in time/);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('a failed creation is retried by the next request', async () => {
      let calls = 0;
      onSessionCreate(() => (++calls === 1 ? jsonReply(500, { message: 'System error' }) : undefined));
      await request(harness.app).get('/host').expect(502);
      await request(harness.app).get('/host').expect(200);
      expect(platform.requests.filter((line) => line === 'POST /session/create')).toHaveLength(2);
    });
  });

  it('connection refused: the platform is unreachable (503), and the app keeps serving', async () => {
    const unreachable = createHarness({
      apiUrl: await closedPortUrl(),
      apiKey: FAKE_API_KEY,
      apiSecret: FAKE_API_SECRET,
    });
    const page = await request(unreachable.app).get('/host').set('Accept', 'text/html').expect(503);
    expect(page.text).toContain('The video platform could not be reached');
    const json = await request(unreachable.app).get('/history.json').expect(503);
    expect(json.body.error.message).toContain('could not be reached');
    await request(unreachable.app).get('/healthz').expect(200);
  });

  describe('archive operations', () => {
    const onArchive = (method: string, suffix: string, reply: ReturnType<typeof jsonReply> | 'hang') =>
      platform.respond((req) =>
        req.method === method && req.url?.split('?')[0] === `${ARCHIVE_PATH}${suffix}` ? reply : undefined,
      );

    async function post(path: string, body: object = {}) {
      const { agent, csrfToken } = await browse(harness.app);
      return agent.post(path).set('x-csrf-token', csrfToken).set('Accept', 'application/json').send(body);
    }

    it('start, 400 from the platform: "Nobody is publishing yet"', async () => {
      onArchive(
        'POST',
        '',
        jsonReply(400, { message: 'Invalid request. No clients are actively connected.' }),
      );
      const res = await post('/start', { name: 'x' });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^Nobody is publishing yet/);
    });

    it('start, 409: already being recorded', async () => {
      onArchive('POST', '', jsonReply(409, { message: 'Conflict' }));
      const res = await post('/start');
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(/already being recorded/);
    });

    it('start, 404: the session does not exist', async () => {
      onArchive('POST', '', jsonReply(404, { message: 'Not found' }));
      const res = await post('/start');
      expect(res.status).toBe(404);
      expect(res.body.error.message).toMatch(/session does not exist/);
    });

    it('start, 403 and 500 are the platform’s failures (502)', async () => {
      onArchive('POST', '', jsonReply(403, { message: 'Issuer not found' }));
      expect((await post('/start')).status).toBe(502);
      onArchive('POST', '', jsonReply(500, { message: 'System error' }));
      expect((await post('/start')).status).toBe(502);
    });

    it('stop, 404 and 409 reach the user as 404 and 409 with the reason', async () => {
      onArchive('POST', `/${ARCHIVE_ID}/stop`, jsonReply(404, { message: 'Not found' }));
      const missing = await post(`/stop/${ARCHIVE_ID}`);
      expect(missing.status).toBe(404);
      expect(missing.body.error.message).toMatch(/no archive has this ID/);
      onArchive('POST', `/${ARCHIVE_ID}/stop`, jsonReply(409, { message: 'Conflict. Not recording.' }));
      const stopped = await post(`/stop/${ARCHIVE_ID}`);
      expect(stopped.status).toBe(409);
      expect(stopped.body.error.message).toMatch(/not recording/);
    });

    it('stop that times out answers 504', async () => {
      onArchive('POST', `/${ARCHIVE_ID}/stop`, 'hang');
      expect((await post(`/stop/${ARCHIVE_ID}`)).status).toBe(504);
    });

    it('download of an unknown archive is a 404 page', async () => {
      onArchive('GET', `/${ARCHIVE_ID}`, jsonReply(404, { message: 'Not found' }));
      const res = await request(harness.app)
        .get(`/download/${ARCHIVE_ID}`)
        .set('Accept', 'text/html')
        .expect(404);
      expect(res.text).toContain('no archive has this ID');
    });

    it.each([
      ['stopped', /still being processed/],
      ['started', /still recording/],
      ['expired', /expired/],
      ['uploaded', /your project’s own storage/],
    ])('download of a %s archive is a 409 page that says why', async (status, reason) => {
      onArchive('GET', `/${ARCHIVE_ID}`, jsonReply(200, archiveJson({ status })));
      const res = await request(harness.app)
        .get(`/download/${ARCHIVE_ID}`)
        .set('Accept', 'text/html')
        .expect(409);
      expect(res.text).toMatch(reason);
    });

    it('download of an available archive redirects to its fresh URL', async () => {
      const url = 'https://archives.example.test/123456/archive.mp4?Expires=1&Signature=abc';
      onArchive('GET', `/${ARCHIVE_ID}`, jsonReply(200, archiveJson({ status: 'available', url })));
      const res = await request(harness.app).get(`/download/${ARCHIVE_ID}`).expect(302);
      expect(res.headers.location).toBe(url);
    });

    it('delete refused by the platform (409) is explained', async () => {
      onArchive('DELETE', `/${ARCHIVE_ID}`, jsonReply(409, { message: 'Conflict' }));
      const res = await post(`/delete/${ARCHIVE_ID}`);
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(/only archives whose status is available/);
    });

    it('history when listing fails: 502 page, 504 JSON on timeout', async () => {
      onArchive('GET', '', jsonReply(500, { message: 'System error' }));
      const page = await request(harness.app).get('/history').set('Accept', 'text/html').expect(502);
      expect(page.text).toContain('HTTP 500');
      onArchive('GET', '', 'hang');
      await request(harness.app).get('/history.json').expect(504);
    });
  });
});

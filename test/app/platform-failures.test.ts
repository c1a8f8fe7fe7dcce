/** Upstream failures become clear answers: 4xx for the user's mistakes, 502/503/504 for the platform's. */
import request from 'supertest';
import {
  closedPortUrl,
  jsonReply,
  startFakePlatform,
  type Answer,
  type FakePlatform,
  type RecordedRequest,
} from '../helpers/fake-platform';
import { API_KEY, API_SECRET, ARCHIVE_ID, archiveJson } from '../helpers/platform-fixtures';
import { browse, createHarness, type Harness } from './helpers/app-harness';

/** The sentence of an HTML error page. */
function readErrorMessage(html: string): string {
  const match = /<p id="error-message" class="lead">([^<]*)<\/p>/.exec(html);
  if (!match?.[1]) throw new Error('not an error page');
  return match[1]
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}
const ARCHIVE_PATH = `/v2/project/${API_KEY}/archive`;

describe('platform failures', () => {
  let platform: FakePlatform;
  let harness: Harness;

  beforeEach(async () => {
    platform = await startFakePlatform();
    harness = createHarness({
      apiUrl: platform.url,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      timeoutMs: 400,
    });
  });
  afterEach(async () => {
    await platform.close();
    const everything = harness.logs.join('');
    expect(everything).not.toContain(API_SECRET);
  });

  /** The SDK's developer wording that must stay out of what the user sees. */
  const expectNoDeveloperWords = (text: string) => {
    expect(text).not.toMatch(
      /Platform message|archives\.all\(\)|Cannot (stop|get|delete|start|list) archive/,
    );
  };
  const logLines = () =>
    harness.logs.map((line) => JSON.parse(line) as { level: number; msg: string; err?: { message: string } });
  /** A warn-level line (pino level 40) carries the SDK's message, platform message included. */
  const expectWarned = (detail: RegExp) => {
    const refused = logLines().filter(
      (line) => line.level === 40 && line.msg === 'the platform refused the request',
    );
    expect(refused.map((line) => line.err?.message)).toContainEqual(expect.stringMatching(detail));
  };

  const onSessionCreate = (answer: (request: RecordedRequest) => Answer) =>
    platform.answer((request) => (request.path === '/session/create' ? answer(request) : 'healthy'));

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
      expect(res.body.error.message).toMatch(/^The video platform had a problem and did not do this/);
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
      onSessionCreate(() => (++calls === 1 ? jsonReply(500, { message: 'System error' }) : 'healthy'));
      await request(harness.app).get('/host').expect(502);
      await request(harness.app).get('/host').expect(200);
      expect(
        platform.requests.filter((r) => r.method === 'POST' && r.path === '/session/create'),
      ).toHaveLength(2);
    });
  });

  it('connection refused: the platform is unreachable (503), and the app keeps serving', async () => {
    const unreachable = createHarness({
      apiUrl: await closedPortUrl(),
      apiKey: API_KEY,
      apiSecret: API_SECRET,
    });
    const page = await request(unreachable.app).get('/host').set('Accept', 'text/html').expect(503);
    expect(page.text).toContain('The video platform could not be reached');
    const json = await request(unreachable.app).get('/history.json').expect(503);
    expect(json.body.error.message).toContain('could not be reached');
    await request(unreachable.app).get('/healthz').expect(200);
  });

  describe('archive operations', () => {
    const onArchive = (method: string, suffix: string, answer: Answer) =>
      platform.answer((request) =>
        request.method === method && request.path === `${ARCHIVE_PATH}${suffix}` ? answer : 'healthy',
      );

    async function post(path: string, body: object = {}) {
      const { agent, csrfToken } = await browse(harness.app);
      return agent.post(path).set('x-csrf-token', csrfToken).set('Accept', 'application/json').send(body);
    }

    const download = (accept = 'text/html') =>
      request(harness.app).get(`/download/${ARCHIVE_ID}`).set('Accept', accept);

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

    it('start, 404: the session is gone, and restarting the app makes a new one', async () => {
      onArchive('POST', '', jsonReply(404, { message: 'Not found' }));
      const res = await post('/start');
      expect(res.status).toBe(404);
      expect(res.body.error.message).toMatch(/no longer knows this demo’s session.*Restart the app/);
      expectNoDeveloperWords(res.text);
      expectWarned(/Cannot start archive \(404\): the session does not exist.*Platform message: "Not found"/);
    });

    it('start, 403 and 500 are the platform’s failures (502)', async () => {
      onArchive('POST', '', jsonReply(403, { message: 'Issuer not found' }));
      expect((await post('/start')).status).toBe(502);
      onArchive('POST', '', jsonReply(500, { message: 'System error' }));
      expect((await post('/start')).status).toBe(502);
    });

    it.each([
      [404, 'Not found', 'That recording no longer exists.', /no archive has this ID/],
      [409, 'Conflict. Not recording.', 'That recording is not recording any more.', /is not recording/],
      [400, 'Invalid request', 'The video platform did not accept that recording ID.', /refused/],
    ])(
      'stop, %i: a short sentence for the host, the SDK’s detail in the log',
      async (status, said, words, detail) => {
        onArchive('POST', `/${ARCHIVE_ID}/stop`, jsonReply(status, { message: said }));
        const res = await post(`/stop/${ARCHIVE_ID}`);
        expect(res.status).toBe(status);
        expect(res.body).toEqual({ error: { message: expect.stringMatching(new RegExp(`^${words}`)) } });
        expectNoDeveloperWords(res.text);
        expectWarned(
          new RegExp(
            `Cannot stop archive ${ARCHIVE_ID} \\(${status}\\): .*${detail.source}.*Platform message: "${said}"`,
          ),
        );
      },
    );

    it('stop that times out answers 504', async () => {
      onArchive('POST', `/${ARCHIVE_ID}/stop`, 'hang');
      expect((await post(`/stop/${ARCHIVE_ID}`)).status).toBe(504);
    });

    it('download of an unknown archive is a 404 page in the user’s words', async () => {
      onArchive('GET', `/${ARCHIVE_ID}`, jsonReply(404, { message: 'Not found' }));
      const res = await download().expect(404);
      expect(res.type).toBe('text/html');
      expect(readErrorMessage(res.text)).toBe(
        'That recording no longer exists. Pick another one from the history page.',
      );
      expectNoDeveloperWords(res.text);
      expectWarned(/Cannot get archive .*no archive has this ID/);
    });

    it('download refused as invalid (400) says the ID was not accepted', async () => {
      onArchive('GET', `/${ARCHIVE_ID}`, jsonReply(400, { message: 'Invalid archive ID' }));
      const res = await download('application/json').expect(400);
      expect(res.body.error.message).toBe(
        'The video platform did not accept that recording ID. Pick the recording from the history page.',
      );
      expectWarned(/Cannot get archive .*\(400\).*Platform message: "Invalid archive ID"/);
    });

    it.each([
      ['stopped', /^This recording is still being processed\. Try again in a minute/],
      ['started', /^This recording is still running\. Stop it from the host view/],
      ['expired', /^This recording has expired/],
      ['uploaded', /^This recording was saved to your project’s own storage/],
      ['failed', /^This recording failed, so there is nothing to download\. You can delete it/],
    ])('download of a %s archive is a 409 page that says why', async (status, reason) => {
      onArchive('GET', `/${ARCHIVE_ID}`, jsonReply(200, archiveJson({ status })));
      const res = await download().expect(409);
      expect(readErrorMessage(res.text)).toMatch(reason);
      expectNoDeveloperWords(res.text);
    });

    it('download of a deleted archive is a 404 page that says it was deleted', async () => {
      onArchive('GET', `/${ARCHIVE_ID}`, jsonReply(200, archiveJson({ status: 'deleted' })));
      const res = await download().expect(404);
      expect(readErrorMessage(res.text)).toBe(
        'This recording was deleted, so it can no longer be downloaded. Pick another one from the history page.',
      );
    });

    it('download of an available archive redirects to its fresh URL', async () => {
      const url = 'https://archives.example.test/123456/archive.mp4?Expires=1&Signature=abc';
      onArchive('GET', `/${ARCHIVE_ID}`, jsonReply(200, archiveJson({ status: 'available', url })));
      const res = await download().expect(302);
      expect(res.headers.location).toBe(url);
    });

    it('delete refused by the platform (409) is explained', async () => {
      onArchive('DELETE', `/${ARCHIVE_ID}`, jsonReply(409, { message: 'Conflict' }));
      const res = await post(`/delete/${ARCHIVE_ID}`);
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(/^This recording cannot be deleted yet/);
      expectNoDeveloperWords(res.text);
      expectWarned(/Cannot delete archive .*only archives whose status is available/);
    });

    it('delete of an unknown archive (404) from the history page’s form is a 404 page', async () => {
      onArchive('DELETE', `/${ARCHIVE_ID}`, jsonReply(404, { code: -1, message: 'Not found' }));
      const { agent, csrfToken } = await browse(harness.app, '/history');
      const res = await agent
        .post(`/delete/${ARCHIVE_ID}`)
        .set('Accept', 'text/html')
        .type('form')
        .send({ _csrf: csrfToken, page: '1' });
      expect(res.status).toBe(404);
      expect(res.type).toBe('text/html');
      expect(readErrorMessage(res.text)).toMatch(/^That recording no longer exists/);
      expectNoDeveloperWords(res.text);
      expectWarned(/Cannot delete archive .*\(404\): no archive has this ID/);
      // As JSON for scripts too.
      const json = await post(`/delete/${ARCHIVE_ID}`);
      expect(json.status).toBe(404);
      expect(json.body.error.message).toMatch(/^That recording no longer exists/);
    });

    it('delete refused as invalid (400) says the ID was not accepted', async () => {
      onArchive('DELETE', `/${ARCHIVE_ID}`, jsonReply(400, { message: 'Bad request' }));
      const res = await post(`/delete/${ARCHIVE_ID}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^The video platform did not accept that recording ID/);
    });

    it.each([
      [404, /does not know this project: check API_KEY/],
      [400, /refused to list the recordings/],
    ])(
      'a listing refused with %i is the app’s problem: 502 on history and the host page',
      async (status, words) => {
        onArchive('GET', '', jsonReply(status, { message: 'Nope' }));
        const page = await request(harness.app).get('/history').set('Accept', 'text/html').expect(502);
        expect(readErrorMessage(page.text)).toMatch(words);
        expectNoDeveloperWords(page.text);
        const json = await request(harness.app).get('/history.json').expect(502);
        expect(json.body.error.message).toMatch(words);
        const host = await request(harness.app).get('/host').set('Accept', 'text/html').expect(502);
        expect(readErrorMessage(host.text)).toMatch(words);
        expect(harness.logs.join('')).toMatch(
          /"platform":\{"name":"ArchiveError","message":"Cannot list archives/,
        );
      },
    );

    describe('403 (credentials refused) on an archive operation is a 502 naming the credentials', () => {
      const refused = jsonReply(403, { code: -1, message: 'Invalid token' });
      const expectCredentialsPage = (res: request.Response) => {
        expect(res.status).toBe(502);
        expect(res.type).toBe('text/html');
        expect(res.text).toContain('<title>Platform credentials rejected');
        expect(readErrorMessage(res.text)).toMatch(
          /^The platform rejected the app's credentials — check API_KEY/,
        );
        expectNoDeveloperWords(res.text);
      };
      const expectCredentialsJson = (res: request.Response) => {
        expect(res.status).toBe(502);
        expect(res.body).toEqual({
          error: {
            message: expect.stringMatching(/^The platform rejected the app's credentials — check API_KEY/),
          },
        });
        expectNoDeveloperWords(res.text);
      };
      const expectErrorLogged = (operation: string) => {
        const lines = logLines().filter((line) => line.level === 50 && line.msg === 'request failed');
        expect(lines.map((line) => line.err)).toContainEqual(
          expect.objectContaining({
            name: 'AuthenticationError',
            status: 403,
            message: expect.stringMatching(new RegExp(`^${operation}.*Platform message: "Invalid token"`)),
          }),
        );
      };

      it('stop', async () => {
        onArchive('POST', `/${ARCHIVE_ID}/stop`, refused);
        expectCredentialsJson(await post(`/stop/${ARCHIVE_ID}`));
        expectErrorLogged('Cannot stop archive');
      });

      it('download', async () => {
        onArchive('GET', `/${ARCHIVE_ID}`, refused);
        expectCredentialsPage(await download());
        expectErrorLogged('Cannot get archive');
      });

      it('delete, from the history page’s form and from a script', async () => {
        onArchive('DELETE', `/${ARCHIVE_ID}`, refused);
        const { agent, csrfToken } = await browse(harness.app, '/history');
        expectCredentialsPage(
          await agent
            .post(`/delete/${ARCHIVE_ID}`)
            .set('Accept', 'text/html')
            .type('form')
            .send({ _csrf: csrfToken, page: '1' }),
        );
        expectCredentialsJson(await post(`/delete/${ARCHIVE_ID}`));
        expectErrorLogged('Cannot delete archive');
      });

      it('history page and its JSON', async () => {
        onArchive('GET', '', refused);
        expectCredentialsPage(await request(harness.app).get('/history').set('Accept', 'text/html'));
        expectCredentialsJson(await request(harness.app).get('/history.json'));
        expectErrorLogged('Cannot list archives');
      });
    });

    it('history when listing fails: 502 page, 504 JSON on timeout', async () => {
      onArchive('GET', '', jsonReply(500, { message: 'System error' }));
      const page = await request(harness.app).get('/history').set('Accept', 'text/html').expect(502);
      expect(page.text).toContain('The video platform had a problem and did not do this');
      onArchive('GET', '', 'hang');
      await request(harness.app).get('/history.json').expect(504);
    });
  });
});

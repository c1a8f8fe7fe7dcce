/**
 * Every app route against every way the platform can fail: the user gets a clear page or JSON error with a
 * 5xx that names the platform (never the app's own 500), the app keeps serving, and once the platform is
 * healthy again the same request succeeds.
 */
import request from 'supertest';
import { browse, createHarness, readPageData, type Harness } from '../app/helpers/app-harness';
import {
  closedPortUrl,
  jsonReply,
  startFakePlatform,
  type Answer,
  type FakePlatform,
} from '../helpers/fake-platform';
import { API_KEY, API_SECRET, ARCHIVE_ID } from '../helpers/platform-fixtures';

const TIMEOUT_MS = 250;

interface Route {
  method: 'GET' | 'POST';
  path: string;
  /** Pages answer errors with an HTML page; scripts' endpoints with JSON. */
  accepts: 'html' | 'json';
  /** The status of a healthy answer. */
  okStatus: number;
  /** Whether the route calls the archive API (hello-world needs only its session). */
  usesArchives: boolean;
  /** Delete reads no reply body, so a 2xx with any body is a success, as in the official SDKs. */
  ignoresReplyBody?: boolean;
}

const ROUTES: Route[] = [
  { method: 'GET', path: '/host', accepts: 'html', okStatus: 200, usesArchives: true },
  { method: 'GET', path: '/participant', accepts: 'html', okStatus: 200, usesArchives: true },
  { method: 'GET', path: '/hello-world', accepts: 'html', okStatus: 200, usesArchives: false },
  { method: 'GET', path: '/history', accepts: 'html', okStatus: 200, usesArchives: true },
  { method: 'GET', path: '/history.json', accepts: 'json', okStatus: 200, usesArchives: true },
  { method: 'GET', path: `/download/${ARCHIVE_ID}`, accepts: 'html', okStatus: 302, usesArchives: true },
  { method: 'POST', path: '/start', accepts: 'json', okStatus: 200, usesArchives: true },
  { method: 'POST', path: `/stop/${ARCHIVE_ID}`, accepts: 'json', okStatus: 200, usesArchives: true },
  {
    method: 'POST',
    path: `/delete/${ARCHIVE_ID}`,
    accepts: 'json',
    // The history page's script asks for JSON and stays on the page; a plain form post is redirected.
    okStatus: 200,
    usesArchives: true,
    ignoresReplyBody: true,
  },
];

/** How long a slow platform takes to answer: well past the SDK's timeout. */
const SLOW_MS = TIMEOUT_MS * 3;
const BAD_GATEWAY_PAGE =
  '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';
const PROXY_LOGIN_PAGE =
  '<!doctype html><html><body><form>Sign in to the corporate proxy</form></body></html>';

/** Each way a real platform, or the network between it and the app, fails. */
const FAULTS = {
  'http-500': jsonReply(500, { code: 500, message: 'System error' }),
  'http-503': { status: 503, body: 'Service Unavailable', contentType: 'text/plain' },
  'html-error-page': { status: 502, body: BAD_GATEWAY_PAGE, contentType: 'text/html' },
  slow: { healthyAfterMs: SLOW_MS },
  'no-answer': 'hang',
  'reset-before-reply': 'reset-before-reply',
  'reset-mid-body': 'reset-mid-body',
  'malformed-json': { status: 200, body: '{"session_id": [ {,', contentType: 'application/json' },
  'html-200-page': { status: 200, body: PROXY_LOGIN_PAGE, contentType: 'text/html' },
} satisfies Record<string, Answer>;
type Fault = keyof typeof FAULTS;

/** What the user must get for each fault: the status and words that say what happened. */
const EXPECTED: Record<Fault, { status: number; message: RegExp }> = {
  'http-500': { status: 502, message: /platform had a problem and did not do this/ },
  'http-503': { status: 502, message: /platform had a problem and did not do this/ },
  'html-error-page': { status: 502, message: /platform had a problem and did not do this/ },
  slow: { status: 504, message: /did not answer in time/ },
  'no-answer': { status: 504, message: /did not answer in time/ },
  'reset-before-reply': { status: 503, message: /could not be reached/ },
  'reset-mid-body': { status: 503, message: /could not be reached/ },
  'malformed-json': { status: 502, message: /answered in (an unexpected way|a way the app cannot read)/ },
  'html-200-page': { status: 502, message: /answered in (an unexpected way|a way the app cannot read)/ },
};

const FAULT_NAMES = Object.keys(FAULTS) as Fault[];

let platform: FakePlatform;
beforeAll(async () => {
  platform = await startFakePlatform();
});
beforeEach(() => platform.reset());
afterAll(() => platform.close());

/** Which requests fail: every one, or only the archive API (session creation still works). */
type FaultScope = 'all' | 'archives';

/** Makes the platform give `answer` to the requests in `scope` and answer the others as usual. */
function failWith(answer: Answer, scope: FaultScope): void {
  platform.answer((request) =>
    scope === 'all' || request.path.startsWith(`/v2/project/${API_KEY}/archive`) ? answer : 'healthy',
  );
}

function harnessFor(apiUrl: string): Harness {
  return createHarness({ apiUrl, apiKey: API_KEY, apiSecret: API_SECRET, timeoutMs: TIMEOUT_MS });
}

async function send(harness: Harness, route: Route) {
  if (route.method === 'GET') {
    return request(harness.app)
      .get(route.path)
      .set('Accept', route.accepts === 'html' ? 'text/html' : 'application/json');
  }
  const { agent, csrfToken } = await browse(harness.app, '/');
  return agent
    .post(route.path)
    .set('x-csrf-token', csrfToken)
    .set('Accept', 'application/json')
    .send({ name: 'Fault drill' });
}

function expectClearFailure(
  res: request.Response,
  route: Route,
  expected: { status: number; message: RegExp },
): void {
  expect(res.status).toBe(expected.status);
  if (route.accepts === 'html') {
    expect(res.type).toBe('text/html');
    expect(res.text).toMatch(expected.message);
    expect(res.text).toContain('id="alerts"');
  } else {
    expect(res.type).toBe('application/json');
    expect(res.body).toEqual({ error: { message: expect.stringMatching(expected.message) } });
  }
  expect(res.text).not.toContain(API_SECRET);
  expect(res.text).not.toMatch(/Something went wrong on our side/);
}

describe.each<FaultScope>(['all', 'archives'])('platform requests failing: %s', (scope) => {
  const cases = ROUTES.flatMap((route) =>
    FAULT_NAMES.map((fault) => [route.method, route.path, fault, route] as const),
  );

  it.each(cases)('%s %s while the platform gives %s', async (_method, _path, fault, route) => {
    const harness = harnessFor(platform.url);
    failWith(FAULTS[fault], scope);
    const started = Date.now();
    const res = await send(harness, route);
    const unreadBody = route.ignoresReplyBody && (fault === 'malformed-json' || fault === 'html-200-page');
    if ((scope === 'archives' && !route.usesArchives) || unreadBody) {
      // The group chat does not list archives, so an archive API outage leaves it working; a delete
      // answered 200 succeeded whatever the body says.
      expect(res.status).toBe(route.okStatus);
    } else {
      expectClearFailure(res, route, EXPECTED[fault]);
    }
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 3000);

    // The platform recovers: the very same request now succeeds, and the app serves other pages meanwhile.
    platform.answer('healthy');
    await request(harness.app).get('/healthz').expect(200);
    const again = await send(harness, route);
    expect(again.status).toBe(route.okStatus);
    expect(harness.logs.join('')).not.toContain(API_SECRET);
  });
});

it.each(ROUTES.map((route) => [route.method, route.path, route] as const))(
  '%s %s while the platform refuses connections: 503 that says it could not be reached',
  async (_method, _path, route) => {
    const harness = harnessFor(await closedPortUrl());
    const res = await send(harness, route);
    expectClearFailure(res, route, { status: 503, message: /could not be reached/ });
    await request(harness.app).get('/').expect(200);
  },
);

it('a start that timed out but happened on the platform shows as recording on the next host page', async () => {
  const harness = harnessFor(platform.url);
  // Warm the listing: the host page sees no recording and keeps that answer for a moment.
  expect(readPageData((await request(harness.app).get('/host').expect(200)).text).recording).toBeNull();
  failWith(FAULTS.slow, 'archives');
  const { agent, csrfToken } = await browse(harness.app, '/');
  await agent
    .post('/start')
    .set('x-csrf-token', csrfToken)
    .set('Accept', 'application/json')
    .send({})
    .expect(504);
  platform.answer('healthy');
  // The late answer reaches the platform's state; the app must not serve its pre-start listing.
  await new Promise((resolve) => setTimeout(resolve, SLOW_MS + 100));
  const host = readPageData((await request(harness.app).get('/host').expect(200)).text);
  expect(host.recording).toEqual({ id: ARCHIVE_ID, name: 'Demo' });
});

it('a failed session creation is not kept: the next page creates the session once', async () => {
  const harness = harnessFor(platform.url);
  platform.answer(FAULTS['http-500']);
  await Promise.all([1, 2, 3].map(() => request(harness.app).get('/hello-world').expect(502)));
  platform.answer('healthy');
  await Promise.all([1, 2, 3].map(() => request(harness.app).get('/hello-world').expect(200)));
  await request(harness.app).get('/host').expect(200);
  const creations = platform.requests.filter((r) => r.method === 'POST' && r.path === '/session/create');
  // Concurrent first requests share one creation: one failed attempt per burst, then one per demo.
  expect(creations.length).toBeLessThanOrEqual(4);
  expect(creations.length).toBeGreaterThanOrEqual(2);
});

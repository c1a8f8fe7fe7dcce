/**
 * The host's layout and focus routes against a scripted platform: the requests they make, the checks before
 * any request, CSRF and the host password, and the refusals and failures in words a person understands.
 */
import request from 'supertest';
import {
  jsonReply,
  startFakePlatform,
  type Answer,
  type FakePlatform,
  type RecordedRequest,
} from '../helpers/fake-platform';
import { API_KEY, API_SECRET, ARCHIVE_ID, archiveJson, SESSION_ID } from '../helpers/platform-fixtures';
import { browse, createHarness, type Harness } from './helpers/app-harness';

const PROJECT = `/v2/project/${API_KEY}`;
const STREAMS_PATH = `${PROJECT}/session/${SESSION_ID}/stream`;
const LAYOUT_PATH = `${PROJECT}/archive/${ARCHIVE_ID}/layout`;
const [ANN, BOB, CAT] = [
  '6d1bd4ec-5a8c-4fb9-a4a3-3a1f7b0d0a01',
  '6d1bd4ec-5a8c-4fb9-a4a3-3a1f7b0d0a02',
  '6d1bd4ec-5a8c-4fb9-a4a3-3a1f7b0d0a03',
];

interface PlatformState {
  /** Stream IDs published in the demo's session. */
  streams: string[];
  archive: Record<string, unknown>;
  /** Replaces the answer to one operation. */
  override?: { method: string; path: string; answer: Answer };
}

/** The platform's answers to the calls these routes make; everything else as a healthy platform. */
function script(state: PlatformState): (req: RecordedRequest) => Answer {
  return (req) => {
    const { override } = state;
    if (override && req.method === override.method && req.path === override.path) return override.answer;
    if (req.path === STREAMS_PATH && req.method === 'GET') {
      return jsonReply(200, {
        count: state.streams.length,
        items: state.streams.map((id) => ({ id, videoType: 'camera', name: '', layoutClassList: ['old'] })),
      });
    }
    if (req.path === STREAMS_PATH && req.method === 'PUT') return { status: 200 };
    if (req.path === `${PROJECT}/archive/${ARCHIVE_ID}` && req.method === 'GET') {
      return jsonReply(200, state.archive);
    }
    if (req.path === LAYOUT_PATH && req.method === 'PUT') return { status: 200 };
    return 'healthy';
  };
}

let platform: FakePlatform;
let harness: Harness;
let state: PlatformState;

beforeAll(async () => {
  platform = await startFakePlatform();
});
afterAll(() => platform.close());
beforeEach(() => {
  platform.reset();
  state = { streams: [ANN, BOB, CAT], archive: archiveJson({ status: 'started' }) };
  platform.answer(script(state));
  harness = createHarness({ apiUrl: platform.url, apiKey: API_KEY, apiSecret: API_SECRET, timeoutMs: 400 });
});
afterEach(() => {
  expect(harness.logs.join('')).not.toContain(API_SECRET);
});

/** Posts JSON as the host page does: with the page's CSRF token, asking for JSON. */
async function post(path: string, body: unknown) {
  const { agent, csrfToken } = await browse(harness.app);
  return agent
    .post(path)
    .set('x-csrf-token', csrfToken)
    .set('Accept', 'application/json')
    .send(body as object);
}

const requestsTo = (method: string, path: string) =>
  platform.requests.filter((r) => r.method === method && r.path === path);

/** The SDK's developer wording, which must stay out of what the host reads. */
const expectPlainWords = (message: unknown) => {
  expect(typeof message).toBe('string');
  expect(message).not.toMatch(
    /Platform message|Cannot |listStreams|setStreamClassLists|layout\.type|\(\d{3}\)/,
  );
};

describe('POST /layout/:archiveId', () => {
  it.each(['bestFit', 'horizontalPresentation', 'verticalPresentation', 'pip'])(
    '%s: sends the layout to the platform and answers with it',
    async (type) => {
      const res = await post(`/layout/${ARCHIVE_ID}`, { type });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ layout: { type } });
      const [sent] = requestsTo('PUT', LAYOUT_PATH);
      expect(JSON.parse(sent?.body ?? '')).toEqual({ type });
    },
  );

  it('custom: the stylesheet goes with it', async () => {
    const stylesheet = 'stream.focus { width: 100%; height: 100%; }';
    const res = await post(`/layout/${ARCHIVE_ID}`, { type: 'custom', stylesheet });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ layout: { type: 'custom', stylesheet } });
    expect(JSON.parse(requestsTo('PUT', LAYOUT_PATH)[0]?.body ?? '')).toEqual({ type: 'custom', stylesheet });
  });

  it('a stylesheet left over from a custom layout is not sent with another type', async () => {
    const res = await post(`/layout/${ARCHIVE_ID}`, { type: 'pip', stylesheet: 'stream {}' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ layout: { type: 'pip' } });
    expect(JSON.parse(requestsTo('PUT', LAYOUT_PATH)[0]?.body ?? '')).toEqual({ type: 'pip' });
  });

  const refusedBeforeAsking: Array<[string, string, unknown, RegExp]> = [
    [
      'no type',
      ARCHIVE_ID,
      {},
      /^Pick a layout: best fit, horizontal presentation, vertical presentation, picture-in-picture, custom\.$/,
    ],
    ['an unknown type', ARCHIVE_ID, { type: 'grid' }, /^Pick a layout: best fit/],
    ['a type that is not a string', ARCHIVE_ID, { type: ['pip'] }, /^Pick a layout/],
    ['an inherited property name', ARCHIVE_ID, { type: 'toString' }, /^Pick a layout/],
    ['custom without a stylesheet', ARCHIVE_ID, { type: 'custom' }, /^A custom layout needs a stylesheet/],
    [
      'custom with a blank stylesheet',
      ARCHIVE_ID,
      { type: 'custom', stylesheet: '  \n' },
      /needs a stylesheet/,
    ],
    [
      'custom with a stylesheet over 10,000 characters',
      ARCHIVE_ID,
      { type: 'custom', stylesheet: 'a'.repeat(10_001) },
      /^The stylesheet is too long: keep it under 10,000 characters\.$/,
    ],
    ['an archive ID that is not one', 'not%20an%20id', { type: 'pip' }, /^That is not a valid recording ID/],
  ];
  it.each(refusedBeforeAsking)(
    '%s: 400 in words, nothing sent to the platform',
    async (_c, id, body, message) => {
      const res = await post(`/layout/${id}`, body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
      expectPlainWords(res.body.error.message);
      expect(platform.requests.filter((r) => r.path.includes('/archive'))).toHaveLength(0);
    },
  );

  it('a stylesheet of exactly 10,000 characters is accepted', async () => {
    const res = await post(`/layout/${ARCHIVE_ID}`, { type: 'custom', stylesheet: 'a'.repeat(10_000) });
    expect(res.status).toBe(200);
  });

  it('an individual recording has no layout: 409 that says so, and no layout request', async () => {
    state.archive = archiveJson({ status: 'started', outputMode: 'individual' });
    const res = await post(`/layout/${ARCHIVE_ID}`, { type: 'pip' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/individual output\), so it has no layout to change/);
    expect(requestsTo('PUT', LAYOUT_PATH)).toHaveLength(0);
  });

  it.each(['stopped', 'available'])('a %s recording: 409 that says it has stopped', async (status) => {
    state.archive = archiveJson({ status });
    const res = await post(`/layout/${ARCHIVE_ID}`, { type: 'pip' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/^That recording has stopped/);
    expect(requestsTo('PUT', LAYOUT_PATH)).toHaveLength(0);
  });

  it('a paused recording (nobody publishing) can still change its layout', async () => {
    state.archive = archiveJson({ status: 'paused' });
    expect((await post(`/layout/${ARCHIVE_ID}`, { type: 'pip' })).status).toBe(200);
  });

  const refusals: Array<[string, string, string, number, number, RegExp]> = [
    [
      'the archive is unknown',
      'GET',
      `${PROJECT}/archive/${ARCHIVE_ID}`,
      404,
      404,
      /^That recording no longer exists/,
    ],
    [
      'the layout is refused (400)',
      'PUT',
      LAYOUT_PATH,
      400,
      409,
      /^The video platform did not accept a layout for this recording/,
    ],
    ['the recording stopped meanwhile (409)', 'PUT', LAYOUT_PATH, 409, 409, /^That recording has stopped/],
  ];
  it.each(refusals)(
    '%s: the platform’s refusal in words',
    async (_c, method, path, upstream, status, message) => {
      state.override = { method, path, answer: jsonReply(upstream, { code: -1, message: 'Refused.' }) };
      const res = await post(`/layout/${ARCHIVE_ID}`, { type: 'pip' });
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
      expectPlainWords(res.body.error.message);
    },
  );

  it('the platform failing (500) is a 502 JSON error', async () => {
    state.override = {
      method: 'PUT',
      path: LAYOUT_PATH,
      answer: jsonReply(500, { code: 500, message: 'System error' }),
    };
    const res = await post(`/layout/${ARCHIVE_ID}`, { type: 'pip' });
    expect(res.status).toBe(502);
    expect(res.type).toBe('application/json');
    expect(res.body.error.message).toMatch(/^The video platform .*Try again/);
  });
});

describe('POST /focus', () => {
  const sentClassLists = () =>
    requestsTo('PUT', STREAMS_PATH).map((r) => JSON.parse(r.body) as { items: unknown[] });

  it('gives the chosen stream the focus class and clears every other, in one request', async () => {
    const res = await post('/focus', { streamId: BOB });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ focusStreamId: BOB });
    expect(sentClassLists()).toEqual([
      {
        items: [
          { id: ANN, layoutClassList: [] },
          { id: BOB, layoutClassList: ['focus'] },
          { id: CAT, layoutClassList: [] },
        ],
      },
    ]);
  });

  it('null clears the focus of every stream', async () => {
    const res = await post('/focus', { streamId: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ focusStreamId: null });
    expect(sentClassLists()).toEqual([{ items: [ANN, BOB, CAT].map((id) => ({ id, layoutClassList: [] })) }]);
  });

  it('with nobody publishing, clearing the focus asks nothing more of the platform', async () => {
    state.streams = [];
    const res = await post('/focus', { streamId: null });
    expect(res.status).toBe(200);
    expect(sentClassLists()).toEqual([]);
  });

  it('a stream that is not (or no longer) in the call: 409 in words, nothing changed', async () => {
    const res = await post('/focus', { streamId: '6d1bd4ec-5a8c-4fb9-a4a3-3a1f7b0d0aff' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/^That person is not sending video at the moment/);
    expect(sentClassLists()).toEqual([]);
  });

  it.each([
    ['no streamId', {}, /^Pick the tile of the person/],
    ['an empty streamId', { streamId: '' }, /^That tile does not belong to this call/],
    ['a number', { streamId: 5 }, /^That tile does not belong to this call/],
    ['a path', { streamId: '../archive' }, /^That tile does not belong to this call/],
    ['a body that is an array', [BOB], /^Pick the tile of the person/],
  ])('%s: 400 in words, nothing sent to the platform', async (_c, body, message) => {
    const res = await post('/focus', body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
    expect(platform.requests.filter((r) => r.path.includes('/stream'))).toHaveLength(0);
  });

  it.each([
    [400, 409, /^Someone joined or left the call just now/],
    [404, 409, /^Someone joined or left the call just now/],
    [500, 502, /^The video platform .*Try again/],
  ])('a class-list change answered %i becomes %i in words', async (upstream, status, message) => {
    state.override = { method: 'PUT', path: STREAMS_PATH, answer: jsonReply(upstream, { message: 'No.' }) };
    const res = await post('/focus', { streamId: ANN });
    expect(res.status).toBe(status);
    expect(res.type).toBe('application/json');
    expect(res.body.error.message).toMatch(message);
    expectPlainWords(res.body.error.message);
  });

  it('a platform that does not answer the stream list in time: 504 JSON', async () => {
    state.override = { method: 'GET', path: STREAMS_PATH, answer: 'hang' };
    const res = await post('/focus', { streamId: ANN });
    expect(res.status).toBe(504);
    expect(res.body.error.message).toMatch(/did not answer in time/);
  });
});

describe('guards', () => {
  it.each([`/layout/${ARCHIVE_ID}`, '/focus'])(
    '%s refuses a request without the page’s CSRF token',
    async (path) => {
      const { agent } = await browse(harness.app);
      const res = await agent
        .post(path)
        .set('Accept', 'application/json')
        .send({ type: 'pip', streamId: null });
      expect(res.status).toBe(403);
      expect(platform.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
    },
  );

  it.each([`/layout/${ARCHIVE_ID}`, '/focus'])('%s answers GET with 405', async (path) => {
    const res = await request(harness.app).get(path).set('Accept', 'application/json');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
  });

  it.each([
    [`/layout/${ARCHIVE_ID}`, { type: 'pip' }],
    ['/focus', { streamId: null }],
  ])('%s needs the host password when one is set', async (path, body) => {
    const password = 'correct horse battery';
    harness = createHarness({
      apiUrl: platform.url,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      hostPassword: password,
    });
    const { agent, csrfToken } = await browse(harness.app);
    const denied = await agent.post(path).set('x-csrf-token', csrfToken).send(body);
    expect(denied.status).toBe(401);
    expect(platform.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
    const allowed = await agent
      .post(path)
      .set('x-csrf-token', csrfToken)
      .set('Authorization', `Basic ${Buffer.from(`host:${password}`).toString('base64')}`)
      .send(body);
    expect(allowed.status).toBe(200);
  });
});

/**
 * Hostile values for every route parameter and form field of the app, on the emulator: the answer is always
 * a success or a clear 4xx, never a 5xx, and never carries the API secret.
 */
import fc from 'fast-check';
import request from 'supertest';
import { browse, createEmulatorHarness, type Harness } from '../app/helpers/app-harness';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';

jest.setTimeout(60_000);

let emulator: TestEmulator;
let harness: Harness;
let agent: Awaited<ReturnType<typeof browse>>['agent'];
let csrfToken: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  harness = createEmulatorHarness(emulator, { local: true });
  ({ agent, csrfToken } = await browse(harness.app, '/host'));
});
afterAll(() => emulator.close());

afterEach(() => {
  expect(harness.logs.join('')).not.toContain(emulator.apiSecret);
});

/** Text that tries the usual tricks: traversal, encodings, unicode, control characters, markup. */
const hostileText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(
    '..',
    '../../etc/passwd',
    '..%2F..%2Fetc%2Fpasswd',
    '%2e%2e',
    'a/b',
    'a.b',
    '.hidden',
    '%00',
    '%',
    '%zz',
    'archive\u0000id',
    '😀',
    'Ωmega',
    '<script>alert(1)</script>',
    "'; DROP TABLE archives; --",
    ' ',
    '-1',
    '0',
    '1e400',
    'NaN',
    '9'.repeat(400),
  ),
  fc.string({ maxLength: 5 }).map((s) => s + 'x'.repeat(5000)),
);

function expectClear(res: request.Response, allowed: number[]): void {
  if (!allowed.includes(res.status)) {
    throw new Error(`expected one of ${allowed.join(', ')}, got ${res.status}: ${res.text.slice(0, 300)}`);
  }
  expect(res.text).not.toContain(emulator.apiSecret);
  if (res.status >= 400) {
    const message =
      res.type === 'application/json'
        ? (res.body as { error?: { message?: string } }).error?.message
        : res.text;
    expect(typeof message).toBe('string');
    expect(message).not.toMatch(/Something went wrong on our side/);
  }
}

const RUNS = { numRuns: 60 };

it('history pages: any page parameter, once or repeated, answers 200 or 400', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(hostileText, { minLength: 1, maxLength: 3 }),
      fc.boolean(),
      async (pages, json) => {
        const query = pages.map((p) => `page=${encodeURIComponent(p)}`).join('&');
        const res = await request(harness.app)
          .get(`${json ? '/history.json' : '/history'}?${query}`)
          .set('Accept', json ? 'application/json' : 'text/html');
        expectClear(res, [200, 400]);
      },
    ),
    RUNS,
  );
});

it('archive IDs in every path: slashes, dots, unicode and encodings answer 4xx, never 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(
      hostileText,
      fc.constantFrom('download', 'stop', 'delete'),
      fc.boolean(),
      async (id, action, encode) => {
        const segment = encode ? encodeURIComponent(id) : id.replace(/[\s#?]/g, '_');
        const path = `/${action}/${segment}`;
        let res: request.Response;
        try {
          res =
            action === 'download'
              ? await request(harness.app).get(path).set('Accept', 'text/html')
              : await agent
                  .post(path)
                  .set('x-csrf-token', csrfToken)
                  .set('Accept', 'application/json')
                  .send({});
        } catch (error) {
          // A path the HTTP client itself refuses to send is not an input the app can receive.
          if (error instanceof TypeError) return;
          throw error;
        }
        expectClear(res, [400, 404, 405, 409]);
      },
    ),
    RUNS,
  );
});

const startField = fc.oneof(
  hostileText,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

it('start: any JSON or form body answers a clear 4xx (nobody is publishing, or the field is wrong)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record(
        {
          name: startField,
          outputMode: fc.oneof(fc.constantFrom('composed', 'individual'), startField),
          hasAudio: fc.oneof(fc.boolean(), startField),
          hasVideo: fc.oneof(fc.boolean(), startField),
          resolution: startField,
          extra: startField,
        },
        { requiredKeys: [] },
      ),
      fc.boolean(),
      async (body, asForm) => {
        const req = agent.post('/start').set('x-csrf-token', csrfToken).set('Accept', 'application/json');
        const res = asForm
          ? await req
              .type('form')
              .send(
                Object.fromEntries(
                  Object.entries(body).map(([k, v]) => [
                    k,
                    typeof v === 'string' ? v : (JSON.stringify(v) ?? ''),
                  ]),
                ),
              )
          : await req.send(body);
        expectClear(res, [400, 409, 413]);
      },
    ),
    RUNS,
  );
});

it('wrong content types, malformed and oversized bodies answer 400, 403, 413 or 415, never 5xx', async () => {
  const contentType = fc.constantFrom(
    'application/json',
    'application/x-www-form-urlencoded',
    'text/plain',
    'text/xml',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    'application/json; charset=utf-16',
    'application/json; charset=bogus',
    'application/x-www-form-urlencoded; charset=latin9000',
  );
  // Cut-off JSON, JSON that is not an object, control bytes, a cut-off percent escape.
  const malformed = ['{', '{"name":', '[1,2', 'null', '"x"', '\u0000\u0001', 'name=%E0%A4%A'];
  const body = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.constantFrom(...malformed, 'a'.repeat(20_000)),
    fc.json({ maxDepth: 4 }),
    fc.nat({ max: 40 }).map((kib) => `{"name":"${'n'.repeat(kib * 1024)}"}`),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('/start', '/stop/b40ef09b-3811-4726-b508-e41a0f96c68f', '/delete/b40ef09b'),
      contentType,
      body,
      fc.boolean(),
      fc.constantFrom(undefined, 'gzip', 'deflate', 'br', 'bogus', 'identity'),
      async (path, type, payload, withToken, encoding) => {
        let req = agent.post(path).set('Accept', 'application/json').set('Content-Type', type);
        // A declared encoding the body does not actually have: the app must refuse, not fail.
        if (encoding) req = req.set('Content-Encoding', encoding);
        if (withToken) req = req.set('x-csrf-token', csrfToken);
        const res = await req.send(payload);
        expectClear(res, [400, 403, 404, 409, 413, 415]);
      },
    ),
    RUNS,
  );
});

it('forged CSRF tokens and cookies are refused with 403', async () => {
  await fc.assert(
    fc.asyncProperty(hostileText, hostileText, async (cookie, token) => {
      const res = await request(harness.app)
        .post('/start')
        .set('Cookie', `csrf_id=${encodeURIComponent(cookie)}`)
        .set('x-csrf-token', token.replace(/[^\x20-\x7e]/g, '') || 'x')
        .set('Accept', 'application/json')
        .send({});
      expectClear(res, [403]);
    }),
    RUNS,
  );
});

it('unknown paths and methods answer 404 or 405', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
      fc.array(hostileText, { minLength: 1, maxLength: 3 }),
      async (method, segments) => {
        const path = '/' + segments.map((s) => encodeURIComponent(s)).join('/');
        const verb = method.toLowerCase() as 'get' | 'post' | 'put' | 'delete' | 'patch' | 'head' | 'options';
        const client = request(harness.app);
        const res = await client[verb](path).set('Accept', 'application/json');
        expect(res.status).toBeLessThan(500);
        expect(res.text ?? '').not.toContain(emulator.apiSecret);
      },
    ),
    RUNS,
  );
});

it.each([
  ['an unsupported charset', { 'Content-Type': 'application/json; charset=bogus' }, '{}', 415],
  [
    'a Content-Encoding the body does not have',
    { 'Content-Type': 'application/json', 'Content-Encoding': 'deflate' },
    '{}',
    400,
  ],
  [
    'an unknown Content-Encoding',
    { 'Content-Type': 'application/json', 'Content-Encoding': 'bogus' },
    '{}',
    415,
  ],
  ['a body over the limit', { 'Content-Type': 'application/json' }, `{"name":"${'n'.repeat(20_000)}"}`, 413],
])('a POST with %s answers a 4xx with words, not a 500', async (_what, headers, body, status) => {
  const res = await agent
    .post('/start')
    .set(headers)
    .set('x-csrf-token', csrfToken)
    .set('Accept', 'application/json')
    .send(body);
  expect(res.status).toBe(status);
  expect(res.body.error.message).toMatch(
    /^(The app could not read what was sent|What was sent is too large)/,
  );
});

it('a path parameter with a broken %-escape answers 400', async () => {
  const res = await request(harness.app).get('/download/%E0%A4%A').set('Accept', 'text/html');
  expect(res.status).toBe(400);
  expect(res.text).toContain('This address is broken');
});

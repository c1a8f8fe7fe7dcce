/**
 * Layout and streams: archives.setLayout and the Streams resource, their request shapes with both kinds of
 * credentials, the replies they read, every check before a request, and the error classes (docs/platform.md §5.6, §5.7).
 */
import { generateKeyPairSync } from 'node:crypto';
import { jwtVerify } from 'jose';
import {
  ArchiveError,
  ArgumentError,
  AuthenticationError,
  OpenTok,
  RequestError,
  SDK_VERSION,
  StreamError,
  type ArchiveLayout,
  type StreamClassList,
} from '../../src/sdk';
import { jsonReply, startFakePlatform, type FakePlatform } from '../helpers/fake-platform';
import { API_KEY, API_SECRET, ARCHIVE_ID, SESSION_ID } from '../helpers/platform-fixtures';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const APPLICATION_ID = '00000000-0000-0000-0000-000000000000';
const STREAM_A = '8b732909-0a06-46a2-8ea8-074e64d43422';
const STREAM_B = '1234356-0a06-46a2-8ea8-074e64d43422';

/** The list reply as recorded for the Ruby SDK's tests (docs/platform.md §5.7). */
const STREAM_LIST = {
  count: 2,
  items: [
    { id: STREAM_B, videoType: 'camera', name: '', layoutClassList: ['full', 'focus'] },
    { id: STREAM_A, videoType: 'screen', name: '', layoutClassList: ['full'] },
  ],
};

let platform: FakePlatform;
beforeAll(async () => {
  platform = await startFakePlatform();
});
afterAll(() => platform.close());
beforeEach(() => platform.reset());

const project = () => new OpenTok({ apiKey: API_KEY, apiSecret: API_SECRET, apiUrl: platform.url });
const application = () =>
  new OpenTok({ applicationId: APPLICATION_ID, privateKey: PRIVATE_PEM, apiUrl: platform.url });

function onlyRequest() {
  expect(platform.requests).toHaveLength(1);
  const [request] = platform.requests;
  if (request === undefined) throw new Error('no request reached the platform');
  return request;
}

/** Checks the auth header of the credentials' kind and returns the project path it must use. */
async function expectSignedFor(kind: 'project' | 'application'): Promise<string> {
  const request = onlyRequest();
  expect(request.headers['user-agent']).toBe(`opentok-ts-sdk/${SDK_VERSION}`);
  expect(request.headers.accept).toBe('application/json');
  if (kind === 'project') {
    expect(request.headers.authorization).toBeUndefined();
    const { payload } = await jwtVerify(
      String(request.headers['x-opentok-auth']),
      new TextEncoder().encode(API_SECRET),
      { algorithms: ['HS256'] },
    );
    expect(payload).toMatchObject({ iss: API_KEY, ist: 'project' });
    return `/v2/project/${API_KEY}`;
  }
  expect(request.headers['x-opentok-auth']).toBeUndefined();
  const bearer = String(request.headers.authorization);
  expect(bearer).toMatch(/^Bearer /);
  const { payload } = await jwtVerify(bearer.slice('Bearer '.length), publicKey, { algorithms: ['RS256'] });
  expect(payload).toMatchObject({ iss: APPLICATION_ID, application_id: APPLICATION_ID });
  return `/v2/project/${APPLICATION_ID}`;
}

describe.each([
  ['project', project],
  ['application', application],
] as const)('with %s credentials', (kind, client) => {
  it('archives.setLayout: PUT {P}/archive/{id}/layout with the layout as JSON', async () => {
    platform.answer({ status: 200 });
    await client().archives.setLayout(ARCHIVE_ID, { type: 'custom', stylesheet: 'stream { width: 50%; }' });
    const prefix = await expectSignedFor(kind);
    const request = onlyRequest();
    expect(request.method).toBe('PUT');
    expect(request.url).toBe(`${prefix}/archive/${ARCHIVE_ID}/layout`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ type: 'custom', stylesheet: 'stream { width: 50%; }' });
  });

  it('streams.listStreams: GET {P}/session/{sessionId}/stream, read into streams', async () => {
    platform.answer(jsonReply(200, STREAM_LIST));
    const streams = await client().streams.listStreams(SESSION_ID);
    const prefix = await expectSignedFor(kind);
    const request = onlyRequest();
    expect(request.method).toBe('GET');
    expect(request.url).toBe(`${prefix}/session/${SESSION_ID}/stream`);
    expect(request.body).toBe('');
    expect(streams).toEqual([
      { id: STREAM_B, videoType: 'camera', name: '', layoutClassList: ['full', 'focus'] },
      { id: STREAM_A, videoType: 'screen', name: '', layoutClassList: ['full'] },
    ]);
  });

  it('streams.getStream: GET {P}/session/{sessionId}/stream/{streamId}', async () => {
    platform.answer(jsonReply(200, STREAM_LIST.items[1]));
    const stream = await client().streams.getStream(SESSION_ID, STREAM_A);
    const prefix = await expectSignedFor(kind);
    const request = onlyRequest();
    expect(request.method).toBe('GET');
    expect(request.url).toBe(`${prefix}/session/${SESSION_ID}/stream/${STREAM_A}`);
    expect(stream).toEqual({ id: STREAM_A, videoType: 'screen', name: '', layoutClassList: ['full'] });
  });

  it('streams.setStreamClassLists: PUT {P}/session/{sessionId}/stream with { items }', async () => {
    platform.answer({ status: 200 });
    await client().streams.setStreamClassLists(SESSION_ID, [
      { id: STREAM_A, layoutClassList: ['focus'] },
      { id: STREAM_B, layoutClassList: [] },
    ]);
    const prefix = await expectSignedFor(kind);
    const request = onlyRequest();
    expect(request.method).toBe('PUT');
    expect(request.url).toBe(`${prefix}/session/${SESSION_ID}/stream`);
    expect(request.headers['content-type']).toBe('application/json');
    // The exact bytes the Ruby SDK's recording shows: the two fields and nothing else.
    expect(request.body).toBe(
      `{"items":[{"id":"${STREAM_A}","layoutClassList":["focus"]},{"id":"${STREAM_B}","layoutClassList":[]}]}`,
    );
  });
});

describe('replies', () => {
  it('setLayout and setStreamClassLists accept any 2xx, with or without a body', async () => {
    const opentok = project();
    for (const reply of [{ status: 204 }, jsonReply(200, { ok: true }), { status: 200, body: 'OK' }]) {
      platform.answer(reply);
      await expect(opentok.archives.setLayout(ARCHIVE_ID, { type: 'pip' })).resolves.toBeUndefined();
      await expect(
        opentok.streams.setStreamClassLists(SESSION_ID, [{ id: STREAM_A, layoutClassList: ['full'] }]),
      ).resolves.toBeUndefined();
    }
  });

  it('a stream missing optional fields gets the documented defaults; unknown fields and odd classes are dropped', async () => {
    platform.answer(
      jsonReply(200, { count: 1, items: [{ id: STREAM_A, layoutClassList: ['focus', 7, null], extra: 1 }] }),
    );
    expect(await project().streams.listStreams(SESSION_ID)).toEqual([
      { id: STREAM_A, videoType: 'camera', name: '', layoutClassList: ['focus'] },
    ]);
  });

  it.each([
    ['no items array', { count: 0 }],
    ['an item without an id', { count: 1, items: [{ videoType: 'camera' }] }],
    ['an item that is not an object', { count: 1, items: ['abc'] }],
  ])('a list reply with %s is a RequestError', async (_case, body) => {
    platform.answer(jsonReply(200, body));
    await expect(project().streams.listStreams(SESSION_ID)).rejects.toMatchObject({
      name: 'RequestError',
      status: 200,
      message: expect.stringMatching(/cannot read/),
    });
  });

  it('an HTML page instead of a stream is a RequestError', async () => {
    platform.answer({ status: 200, body: '<html>login</html>', contentType: 'text/html' });
    await expect(project().streams.getStream(SESSION_ID, STREAM_A)).rejects.toBeInstanceOf(RequestError);
  });
});

describe('IDs in URLs are encoded', () => {
  it('a stream ID with reserved characters stays one path segment', async () => {
    platform.answer(jsonReply(200, { id: 'a/b?c' }));
    await project().streams.getStream(SESSION_ID, 'a/b?c');
    expect(onlyRequest().url).toBe(`/v2/project/${API_KEY}/session/${SESSION_ID}/stream/a%2Fb%3Fc`);
  });

  it('an archive ID with reserved characters stays one path segment', async () => {
    platform.answer({ status: 200 });
    await project().archives.setLayout('x/../y', { type: 'bestFit' });
    expect(onlyRequest().url).toBe(`/v2/project/${API_KEY}/archive/x%2F..%2Fy/layout`);
  });
});

describe('checks before any request', () => {
  const layoutRows: Array<[string, unknown, RegExp]> = [
    ['a layout that is not an object', 'bestFit', /layout must be an object/],
    ['an unknown type', { type: 'focus' }, /layout\.type must be one of/],
    ['custom without a stylesheet', { type: 'custom' }, /layout\.stylesheet .*non-empty string/],
    [
      'a stylesheet with another type',
      { type: 'pip', stylesheet: 'x' },
      /only allowed with layout\.type 'custom'/,
    ],
    [
      'screenshareType without bestFit',
      { type: 'pip', screenshareType: 'pip' },
      /only allowed with layout\.type 'bestFit'/,
    ],
    [
      'screenshareType custom',
      { type: 'bestFit', screenshareType: 'custom' },
      /screenshareType must be one of/,
    ],
  ];
  it.each(layoutRows)('setLayout refuses %s (the start option’s own checks)', async (_c, layout, message) => {
    const opentok = project();
    await expect(opentok.archives.setLayout(ARCHIVE_ID, layout as ArchiveLayout)).rejects.toThrow(message);
    await expect(opentok.archives.setLayout(ARCHIVE_ID, layout as ArchiveLayout)).rejects.toBeInstanceOf(
      ArgumentError,
    );
    // The same layout is refused with the same words at start.
    await expect(opentok.archives.create(SESSION_ID, { layout: layout as ArchiveLayout })).rejects.toThrow(
      layout === undefined ? /./ : message,
    );
    expect(platform.requests).toHaveLength(0);
  });

  it.each([
    ['an empty archive ID', ''],
    ['a dot segment', '..'],
  ])('setLayout refuses %s', async (_c, archiveId) => {
    await expect(project().archives.setLayout(archiveId, { type: 'bestFit' })).rejects.toBeInstanceOf(
      ArgumentError,
    );
    expect(platform.requests).toHaveLength(0);
  });

  const sessionRows: Array<[string, unknown, RegExp]> = [
    ['undefined', undefined, /sessionId must be a non-empty string/],
    ['empty', '', /sessionId must be a non-empty string/],
    ['a number', 42, /sessionId must be a non-empty string/],
    ['with a space', '1_MX4 xMjM', /sessionId must be a session ID/],
    ['with a slash', '1_MX4/xMjM', /sessionId must be a session ID/],
    ['a dot segment', '..', /sessionId must be a session ID/],
    ['256 characters', 'a'.repeat(256), /at most 255 characters \(got 256\)/],
  ];
  it.each(sessionRows)(
    'every stream call refuses a session ID that is %s',
    async (_c, sessionId, message) => {
      const { streams } = project();
      const id = sessionId as string;
      await expect(streams.listStreams(id)).rejects.toThrow(message);
      await expect(streams.getStream(id, STREAM_A)).rejects.toThrow(message);
      await expect(streams.setStreamClassLists(id, [{ id: STREAM_A, layoutClassList: [] }])).rejects.toThrow(
        message,
      );
      expect(platform.requests).toHaveLength(0);
    },
  );

  it('accepts a 255-character session ID', async () => {
    platform.answer(jsonReply(200, { count: 0, items: [] }));
    await expect(project().streams.listStreams('a'.repeat(255))).resolves.toEqual([]);
  });

  it.each([
    ['empty', '', /streamId must be a non-empty string/],
    ['blank', '   ', /streamId must be a non-empty string/],
    ['a dot segment', '.', /streamId must not be '\.' or '\.\.'/],
    ['256 characters', 's'.repeat(256), /streamId must be at most 255 characters/],
    ['not a string', 12, /streamId must be a non-empty string/],
  ])('getStream refuses a stream ID that is %s', async (_c, streamId, message) => {
    await expect(project().streams.getStream(SESSION_ID, streamId as string)).rejects.toThrow(message);
    expect(platform.requests).toHaveLength(0);
  });

  const classListRows: Array<[string, unknown, RegExp]> = [
    ['not an array', { id: STREAM_A, layoutClassList: ['focus'] }, /classLists must be a non-empty array/],
    ['an empty array', [], /classLists must be a non-empty array/],
    [
      '1001 entries',
      Array.from({ length: 1001 }, (_, i) => ({ id: `s${i}`, layoutClassList: [] })),
      /at most 1000 entries \(got 1001\)/,
    ],
    ['an entry that is not an object', [STREAM_A], /classLists\[0\] must be an object/],
    ['an entry without an id', [{ layoutClassList: [] }], /classLists\[0\]\.id must be a non-empty string/],
    ['an empty id', [{ id: '', layoutClassList: [] }], /classLists\[0\]\.id must be a non-empty string/],
    [
      'a 256-character id',
      [{ id: 'i'.repeat(256), layoutClassList: [] }],
      /classLists\[0\]\.id must be at most 255/,
    ],
    [
      'a repeated id',
      [
        { id: STREAM_A, layoutClassList: [] },
        { id: STREAM_A, layoutClassList: ['focus'] },
      ],
      /classLists\[1\]\.id repeats stream/,
    ],
    ['no class list', [{ id: STREAM_A }], /classLists\[0\]\.layoutClassList must be an array/],
    [
      'a class list that is a string',
      [{ id: STREAM_A, layoutClassList: 'focus' }],
      /layoutClassList must be an array/,
    ],
    [
      'a class that is not a string',
      [{ id: STREAM_A, layoutClassList: [1] }],
      /layoutClassList\[0\] must be a non-empty string/,
    ],
    [
      'an empty class',
      [{ id: STREAM_A, layoutClassList: ['focus', ''] }],
      /layoutClassList\[1\] must be a non-empty string/,
    ],
    [
      'a class with a space',
      [{ id: STREAM_A, layoutClassList: ['full focus'] }],
      /layoutClassList\[0\] must be one class name without spaces/,
    ],
    [
      'classes over 1024 characters',
      [{ id: STREAM_A, layoutClassList: ['a'.repeat(512), 'b'.repeat(512)] }],
      /at most 1024 characters .*\(got 1025\)/,
    ],
  ];
  it.each(classListRows)('setStreamClassLists refuses %s', async (_c, classLists, message) => {
    const call = project().streams.setStreamClassLists(SESSION_ID, classLists as StreamClassList[]);
    await expect(call).rejects.toThrow(message);
    await expect(call).rejects.toBeInstanceOf(ArgumentError);
    expect(platform.requests).toHaveLength(0);
  });

  it('accepts classes of exactly 1024 characters joined by spaces, and sends only id and layoutClassList', async () => {
    platform.answer({ status: 200 });
    const classes = ['a'.repeat(511), 'b'.repeat(512)];
    const entry = { id: STREAM_A, layoutClassList: classes, note: 'not sent' };
    await project().streams.setStreamClassLists(SESSION_ID, [entry]);
    expect(JSON.parse(onlyRequest().body)).toEqual({ items: [{ id: STREAM_A, layoutClassList: classes }] });
  });
});

describe('refusals become typed errors', () => {
  const body = (message: string) => jsonReply(0, { code: -1, message }).body;
  const refuse = (status: number, message = 'Refused') => ({
    status,
    body: body(message),
    contentType: 'application/json',
  });

  it.each([
    [
      400,
      /Cannot set the layout of archive .* \(400\): the platform refused the layout .*individual archives have no layout\) and that it is still recording/,
    ],
    [404, /\(404\): no archive has this ID/],
    [409, /\(409\): the archive is not recording/],
  ])('setLayout %i → ArchiveError naming the case', async (status, message) => {
    platform.answer(refuse(status, 'Invalid request.'));
    const call = project().archives.setLayout(ARCHIVE_ID, { type: 'bestFit' });
    await expect(call).rejects.toBeInstanceOf(ArchiveError);
    await expect(call).rejects.toMatchObject({ status, message: expect.stringMatching(message) });
  });

  const streamRows: Array<[string, number, () => Promise<unknown>, RegExp]> = [
    [
      'listStreams',
      400,
      () => project().streams.listStreams(SESSION_ID),
      /Cannot list streams \(400\): the session ID is invalid/,
    ],
    [
      'listStreams',
      404,
      () => project().streams.listStreams(SESSION_ID),
      /\(404\): the session does not exist/,
    ],
    [
      'getStream',
      400,
      () => project().streams.getStream(SESSION_ID, STREAM_A),
      /Cannot get stream 8b732909.* \(400\): the session ID or stream ID is invalid/,
    ],
    [
      'getStream',
      404,
      () => project().streams.getStream(SESSION_ID, STREAM_A),
      /\(404\): no stream with this ID is published/,
    ],
    [
      'setStreamClassLists',
      400,
      () => project().streams.setStreamClassLists(SESSION_ID, [{ id: STREAM_A, layoutClassList: [] }]),
      /Cannot set stream layout classes \(400\): the platform refused the class lists/,
    ],
    [
      'setStreamClassLists',
      404,
      () => project().streams.setStreamClassLists(SESSION_ID, [{ id: STREAM_A, layoutClassList: [] }]),
      /\(404\): the session or one of the streams does not exist/,
    ],
  ];
  it.each(streamRows)(
    '%s %i → StreamError naming the case and quoting the platform',
    async (_op, status, call, message) => {
      platform.answer(refuse(status, 'Not found. Stream not found.'));
      const failure = call();
      await expect(failure).rejects.toBeInstanceOf(StreamError);
      await expect(failure).rejects.toMatchObject({
        name: 'StreamError',
        status,
        message: expect.stringMatching(message),
      });
      await expect(call()).rejects.toThrow(/Platform message: "Not found\. Stream not found\."/);
    },
  );

  it('403 is an AuthenticationError and 500 a RequestError, for stream calls as for archives', async () => {
    platform.answer(refuse(403, 'Issuer not found'));
    await expect(project().streams.listStreams(SESSION_ID)).rejects.toBeInstanceOf(AuthenticationError);
    platform.answer(refuse(500, 'System error'));
    await expect(
      project().streams.setStreamClassLists(SESSION_ID, [{ id: STREAM_A, layoutClassList: [] }]),
    ).rejects.toMatchObject({ name: 'RequestError', status: 500 });
  });

  it('a 409 on a stream call is a plain OpenTokError, not a StreamError', async () => {
    platform.answer(refuse(409));
    const call = project().streams.listStreams(SESSION_ID);
    await expect(call).rejects.toMatchObject({ name: 'OpenTokError', status: 409 });
  });
});

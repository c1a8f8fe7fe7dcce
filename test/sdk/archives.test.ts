/** Archives: request shapes, mapping of recorded bodies to Archive, validation, and error mapping (docs/platform.md §5.5). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import {
  ArchiveError,
  ArgumentError,
  AuthenticationError,
  OpenTok,
  OpenTokError,
  RequestError,
  type Archive,
  type ArchiveCreateOptions,
  type ArchiveListOptions,
  SDK_VERSION,
} from '../../src/sdk';
import { jsonFixture, startFakePlatform, type FakePlatform } from '../helpers/fake-platform';
import { API_KEY, API_SECRET, fixture, SESSION_ID } from '../helpers/platform-fixtures';

const BASE = `/v2/project/${API_KEY}/archive`;
const ARCHIVE_ID = 'f6e7ee58-d6cf-4a59-896b-6d56b158ec71';

let platform: FakePlatform;
let opentok: OpenTok;
beforeAll(async () => {
  platform = await startFakePlatform();
  opentok = new OpenTok({ apiKey: API_KEY, apiSecret: API_SECRET, apiUrl: platform.url });
});
afterAll(() => platform.close());
beforeEach(() => platform.reset());

function lastRequest() {
  const request = platform.requests.at(-1);
  if (request === undefined) throw new Error('no request reached the platform');
  return request;
}

describe('every operation', () => {
  const rows: Array<[string, () => Promise<unknown>, string]> = [
    ['createSession', () => opentok.createSession(), 'session-create.json'],
    ['archives.create', () => opentok.archives.create(SESSION_ID), 'archive-started.json'],
    ['archives.find', () => opentok.archives.find(ARCHIVE_ID), 'archive-available.json'],
    ['archives.all', () => opentok.archives.all(), 'archive-list.json'],
    ['archives.stopById', () => opentok.archives.stopById(ARCHIVE_ID), 'archive-stopped.json'],
    ['archives.deleteById', () => opentok.archives.deleteById(ARCHIVE_ID), ''],
  ];
  it.each(rows)(
    '%s sends a fresh signed X-OPENTOK-AUTH, the SDK User-Agent and Accept JSON',
    async (_op, call, body) => {
      platform.answer(body === '' ? { status: 204 } : jsonFixture(body));
      await call();
      const request = lastRequest();
      expect(request.headers['user-agent']).toBe(`opentok-ts-sdk/${SDK_VERSION}`);
      expect(request.headers.accept).toBe('application/json');
      const { payload } = await jwtVerify(
        String(request.headers['x-opentok-auth']),
        new TextEncoder().encode(API_SECRET),
        {
          algorithms: ['HS256'],
        },
      );
      expect(payload).toMatchObject({ iss: API_KEY, ist: 'project' });
    },
  );
});

describe('archives.create', () => {
  const rows: Array<[string, ArchiveCreateOptions]> = [
    ['no options', {}],
    ['a name', { name: 'ARCHIVE NAME' }],
    [
      'every option of a composed archive',
      {
        name: 'n',
        hasAudio: true,
        hasVideo: false,
        outputMode: 'composed',
        resolution: '1280x720',
        layout: { type: 'bestFit', screenshareType: 'pip' },
        streamMode: 'manual',
        multiArchiveTag: 'second',
      },
    ],
    ['a custom layout', { layout: { type: 'custom', stylesheet: 'stream { width: 100% }' } }],
    ['individual output', { outputMode: 'individual' }],
  ];
  it.each(rows)('%s: POST {P}/archive with only the given options in JSON', async (_label, options) => {
    platform.answer(jsonFixture('archive-started-named.json'));
    await opentok.archives.create(SESSION_ID, options);
    const request = lastRequest();
    expect(request.method).toBe('POST');
    expect(request.url).toBe(BASE);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers.accept).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ sessionId: SESSION_ID, ...options });
  });

  it('maps the recorded start reply to a started Archive', async () => {
    platform.answer(jsonFixture('archive-started-named.json'));
    const archive = await opentok.archives.create(SESSION_ID, { name: 'ARCHIVE NAME' });
    expect(archive).toMatchObject({
      id: 'd7f4d2a3-da74-414d-868a-190532a835bc',
      status: 'started',
      name: 'ARCHIVE NAME',
      sessionId: 'SESSIONID',
      partnerId: '123456',
      projectId: '123456',
      createdAt: 1395193762293,
      duration: 0,
      size: 0,
      url: null,
      outputMode: 'composed',
      hasAudio: true,
      hasVideo: true,
      streamMode: 'auto',
      streams: [],
    });
  });

  it('maps the current start reply (projectId, resolution, streamMode)', async () => {
    platform.answer(jsonFixture('archive-started-current.json'));
    const archive = await opentok.archives.create(SESSION_ID);
    expect(archive).toMatchObject({
      projectId: '234567',
      resolution: '640x480',
      streamMode: 'auto',
      name: 'The archive name you supplied',
      createdAt: 1384221730555,
    });
  });

  it('maps an individual archive whose name is null', async () => {
    platform.answer(jsonFixture('archive-started-individual.json'));
    const archive = await opentok.archives.create(SESSION_ID, { outputMode: 'individual' });
    expect(archive).toMatchObject({
      outputMode: 'individual',
      name: null,
      partnerId: 'APIKEY',
      resolution: undefined,
    });
  });
});

describe('archives.find', () => {
  it('GET {P}/archive/{id} and maps an available archive, duration in seconds, createdAt in ms', async () => {
    platform.answer(jsonFixture('archive-available.json'));
    const archive = await opentok.archives.find(ARCHIVE_ID);
    expect(lastRequest()).toMatchObject({ method: 'GET', url: `${BASE}/${ARCHIVE_ID}`, body: '' });
    expect(archive).toMatchObject({
      status: 'available',
      duration: 62,
      size: 8347554,
      createdAt: 1395187836000,
    });
    expect(archive.url).toMatch(/^http:\/\/tokbox\.com\.archive2\.s3\.amazonaws\.com\/123456%2F/);
  });

  it('maps every field of the current archive object', async () => {
    platform.answer(jsonFixture('archive-available-current.json'));
    const archive = await opentok.archives.find('b67d02b5-c32e-4ea8-b82a-ba6c89edde59');
    expect(archive).toMatchObject({
      id: 'b67d02b5-c32e-4ea8-b82a-ba6c89edde59',
      status: 'available',
      name: '',
      reason: 'user initiated',
      projectId: '1234567',
      partnerId: '1234567',
      createdAt: 1622039724000,
      updatedAt: 1622039794000,
      size: 19262817,
      duration: 66,
      outputMode: 'composed',
      hasAudio: true,
      hasVideo: true,
      sha256sum: '4l6MKdPeiCOnt1UaQWMBSovKcTrg+Co5eNsyUp7Q/Jo=',
      password: '',
      resolution: '640x480',
      url: 'https://s3.eu-west-1.amazonaws.com/...',
    });
  });

  it.each([
    ['archive-expired.json', 'expired'],
    ['archive-paused.json', 'paused'],
  ])('%s has status %s and no url', async (name, status) => {
    platform.answer(jsonFixture(name));
    const archive = await opentok.archives.find(ARCHIVE_ID);
    expect(archive.status).toBe(status);
    expect(archive.url).toBeNull();
  });

  it('toJSON() returns the platform JSON, unknown properties included', async () => {
    const wire = {
      ...(JSON.parse(fixture('archive-stopped-current.json')) as object),
      notarealproperty: 'x',
    };
    platform.answer({ status: 200, body: JSON.stringify(wire), contentType: 'application/json' });
    const archive = await opentok.archives.find('e85741ce-d280-4efa-a3ba-93379a68be06');
    expect(JSON.parse(JSON.stringify(archive))).toEqual(wire);
  });

  it('URL-encodes the archive ID in the path', async () => {
    platform.answer(jsonFixture('archive-available.json'));
    await opentok.archives.find('../session/create?x=1 #');
    expect(lastRequest().url).toBe(`${BASE}/..%2Fsession%2Fcreate%3Fx%3D1%20%23`);
  });

  it('an archive with an unknown status is a RequestError, not a mistyped Archive', async () => {
    platform.answer({
      status: 200,
      body: JSON.stringify({ id: 'a', status: 'pending', sessionId: 's', createdAt: 1 }),
      contentType: 'application/json',
    });
    await expect(opentok.archives.find('a')).rejects.toThrow(/unknown archive status "pending"/);
  });
});

/** Every property of the archive object in docs/platform.md §5.3; the compiler checks that Archive has each one. */
const ARCHIVE_FIELDS = [
  'id',
  'status',
  'name',
  'reason',
  'sessionId',
  'partnerId',
  'projectId',
  'createdAt',
  'updatedAt',
  'size',
  'duration',
  'outputMode',
  'hasAudio',
  'hasVideo',
  'resolution',
  'streamMode',
  'streams',
  'url',
  'password',
  'sha256sum',
  'maxBitrate',
  'quantizationParameter',
  'multiArchiveTag',
  'event',
  'hasTranscription',
  'transcriptionProperties',
] as const satisfies ReadonlyArray<keyof Archive>;
type ArchiveField = (typeof ARCHIVE_FIELDS)[number];

/** What an Archive holds when the platform leaves a property out; unlisted fields are then undefined. */
const ABSENT: Partial<Record<ArchiveField, unknown>> = {
  name: null,
  reason: '',
  size: 0,
  duration: 0,
  outputMode: 'composed',
  hasAudio: true,
  hasVideo: true,
  streamMode: 'auto',
  streams: [],
  url: null,
  password: '',
  sha256sum: '',
};

/** The Archive field for a wire object: the property as sent (IDs as strings), or the §5.3 default. */
function expectedField(field: ArchiveField, wire: Record<string, unknown>): unknown {
  const twin = field === 'projectId' ? 'partnerId' : field === 'partnerId' ? 'projectId' : undefined;
  const value = field in wire ? wire[field] : twin === undefined ? undefined : wire[twin];
  if (value === undefined) return ABSENT[field];
  return twin === undefined ? value : String(value);
}

function fieldsOf(source: object): Record<string, unknown> {
  const values = source as Record<string, unknown>;
  return Object.fromEntries(ARCHIVE_FIELDS.map((field) => [field, values[field]]));
}

describe('every §5.3 field of every recorded archive', () => {
  type Row = [label: string, wire: Record<string, unknown>, read: () => Promise<Archive>];
  const rows: Row[] = readdirSync(join(__dirname, '..', 'fixtures', 'platform'))
    .filter((name) => /^archive-.*\.json$/.test(name))
    .sort()
    .flatMap((name): Row[] => {
      const json = JSON.parse(fixture(name)) as { items?: Array<Record<string, unknown>> };
      const serve = () => platform.answer(jsonFixture(name));
      if (json.items === undefined) {
        return [[name, json, () => (serve(), opentok.archives.find(ARCHIVE_ID))]];
      }
      return json.items.map((item, index): Row => [
        `${name} items[${index}]`,
        item,
        async () => {
          serve();
          const archive = (await opentok.archives.all()).items[index];
          if (archive === undefined) throw new Error(`no item ${index} in the mapped list`);
          return archive;
        },
      ]);
    });
  // The newer §5.3 fields appear in no recording: the current object plus what the platform echoes of a
  // start request with the §5.2 options (maxBitrate and quantizationParameter exclude each other).
  const current = JSON.parse(fixture('archive-available-current.json')) as Record<string, unknown>;
  const echoed: Array<[string, Record<string, unknown>]> = [
    [
      'current archive with maxBitrate, a tag and transcription',
      {
        ...current,
        resolution: '1080x1920',
        streamMode: 'manual',
        streams: [],
        maxBitrate: 200000,
        multiArchiveTag: 'second',
        hasTranscription: true,
        transcriptionProperties: { primaryLanguageCode: 'en-US', hasSummary: true },
      },
    ],
    [
      'current archive with quantizationParameter, without transcription',
      { ...current, quantizationParameter: 25, hasTranscription: false },
    ],
  ];
  for (const [label, wire] of echoed) {
    rows.push([
      label,
      wire,
      () => {
        platform.answer({ status: 200, body: JSON.stringify(wire), contentType: 'application/json' });
        return opentok.archives.find(String(wire.id));
      },
    ]);
  }

  it('reads every archive fixture, list items included', () => {
    expect(rows.length).toBeGreaterThanOrEqual(22 + echoed.length);
  });

  it.each(rows)('%s', async (_label, wire, read) => {
    const archive = await read();
    expect(Object.keys(wire).filter((key) => !(ARCHIVE_FIELDS as readonly string[]).includes(key))).toEqual(
      [],
    );
    expect(Object.keys(archive).sort()).toEqual([...ARCHIVE_FIELDS].sort());
    const expected = Object.fromEntries(ARCHIVE_FIELDS.map((field) => [field, expectedField(field, wire)]));
    expect(fieldsOf(archive)).toStrictEqual(expected);
    expect(JSON.parse(JSON.stringify(archive))).toEqual(wire);
  });

  it('a value of the wrong type leaves its field undefined instead of mistyping it; toJSON keeps it', async () => {
    const wire = {
      ...current,
      resolution: '320x240',
      event: 'callback',
      maxBitrate: '200000',
      quantizationParameter: null,
      hasTranscription: 'yes',
      transcriptionProperties: { primaryLanguageCode: 5, hasSummary: true, extra: 'kept in toJSON' },
    };
    platform.answer({ status: 200, body: JSON.stringify(wire), contentType: 'application/json' });
    const archive = await opentok.archives.find(ARCHIVE_ID);
    expect(archive).toMatchObject({ resolution: '320x240', event: 'callback' });
    expect(archive.maxBitrate).toBeUndefined();
    expect(archive.quantizationParameter).toBeUndefined();
    expect(archive.hasTranscription).toBeUndefined();
    expect(archive.transcriptionProperties).toStrictEqual({ hasSummary: true });
    expect(archive.toJSON()).toEqual(wire);
  });
});

describe('archives.all', () => {
  const rows: Array<[string, ArchiveListOptions, string]> = [
    ['no options: the platform default count of 50', {}, `${BASE}?count=50`],
    ['offset and count', { offset: 3, count: 1000 }, `${BASE}?offset=3&count=1000`],
    ['count 0', { count: 0 }, `${BASE}?count=0`],
    ['a session filter', { sessionId: '2_MX4/x y' }, `${BASE}?count=50&sessionId=2_MX4%2Fx+y`],
  ];
  it.each(rows)('%s', async (_label, options, url) => {
    platform.answer(jsonFixture('archive-list.json'));
    await opentok.archives.all(options);
    expect(lastRequest()).toMatchObject({ method: 'GET', url });
  });

  it('resolves to { total, items }: total is the count of all archives, not of the page', async () => {
    platform.answer(jsonFixture('archive-list-offset3.json'));
    const { total, items } = await opentok.archives.all({ offset: 3 });
    expect(total).toBe(6);
    expect(items.map((a) => a.name)).toEqual(['', 'showtime again', 'showtime']);
    expect(items.map((a) => a.duration)).toEqual([544, 24, 1294]);
  });

  it('maps streamMode and streams of the current list', async () => {
    platform.answer(jsonFixture('archive-list-current.json'));
    const { total, items } = await opentok.archives.all();
    expect(total).toBe(2);
    expect(items.map((a) => [a.streamMode, a.streams, a.projectId])).toEqual([
      ['manual', [], '123456'],
      ['auto', [], '123456'],
    ]);
  });

  it('a list reply of the wrong shape is a RequestError', async () => {
    platform.answer({ status: 200, body: '[]', contentType: 'application/json' });
    await expect(opentok.archives.all()).rejects.toThrow(RequestError);
  });
});

describe('stop and delete', () => {
  it('stopById: POST {P}/archive/{id}/stop without a body', async () => {
    platform.answer(jsonFixture('archive-stopped.json'));
    const archive = await opentok.archives.stopById('30b3ebf1-ba36-4f5b-8def-6f70d9986fe9');
    expect(lastRequest()).toMatchObject({
      method: 'POST',
      url: `${BASE}/30b3ebf1-ba36-4f5b-8def-6f70d9986fe9/stop`,
      body: '',
    });
    expect(archive.status).toBe('stopped');
  });

  it('deleteById: DELETE {P}/archive/{id}, 204 resolves to undefined', async () => {
    platform.answer({ status: 204 });
    await expect(opentok.archives.deleteById(ARCHIVE_ID)).resolves.toBeUndefined();
    expect(lastRequest()).toMatchObject({ method: 'DELETE', url: `${BASE}/${ARCHIVE_ID}` });
  });

  it('any 2xx counts as success', async () => {
    platform.answer({ status: 200, body: '' });
    await expect(opentok.archives.deleteById(ARCHIVE_ID)).resolves.toBeUndefined();
  });

  it('Archive.stop() and Archive.delete() act on that archive', async () => {
    platform.answer(jsonFixture('archive-started.json'));
    const archive: Archive = await opentok.archives.create(SESSION_ID);
    platform.answer(jsonFixture('archive-stopped.json'));
    const stopped = await archive.stop();
    expect(lastRequest().url).toBe(`${BASE}/${archive.id}/stop`);
    expect([archive.status, stopped.status]).toEqual(['started', 'stopped']);
    platform.answer({ status: 204 });
    await stopped.delete();
    expect(lastRequest()).toMatchObject({ method: 'DELETE', url: `${BASE}/${archive.id}` });
  });
});

describe('validation before any request', () => {
  const rows: Array<[string, () => Promise<unknown>, RegExp]> = [
    ['empty session ID', () => opentok.archives.create(''), /sessionId must be a non-empty string/],
    ['blank archive ID (find)', () => opentok.archives.find('  '), /archiveId must be a non-empty string/],
    ['empty archive ID (stop)', () => opentok.archives.stopById(''), /archiveId must be a non-empty string/],
    [
      'empty archive ID (delete)',
      () => opentok.archives.deleteById(''),
      /archiveId must be a non-empty string/,
    ],
    [
      'count above 1000',
      () => opentok.archives.all({ count: 1001 }),
      /count must be an integer from 0 to 1000/,
    ],
    ['negative count', () => opentok.archives.all({ count: -1 }), /count must be an integer from 0 to 1000/],
    [
      'fractional count',
      () => opentok.archives.all({ count: 2.5 }),
      /count must be an integer from 0 to 1000/,
    ],
    ...(['.', '..', '%2e', '.%2E'] as const).flatMap(
      (id): Array<[string, () => Promise<unknown>, RegExp]> => [
        [`archive ID '${id}' (find)`, () => opentok.archives.find(id), /archiveId must not be '.' or '..'/],
        [
          `archive ID '${id}' (stop)`,
          () => opentok.archives.stopById(id),
          /archiveId must not be '.' or '..'/,
        ],
        [
          `archive ID '${id}' (delete)`,
          () => opentok.archives.deleteById(id),
          /archiveId must not be '.' or '..'/,
        ],
      ],
    ),
    [
      'archive ID with a lone surrogate',
      () => opentok.archives.find('abc\uD800'),
      /archiveId must be valid Unicode/,
    ],
    ['negative offset', () => opentok.archives.all({ offset: -1 }), /offset must be an integer from 0/],
    [
      'empty sessionId filter',
      () => opentok.archives.all({ sessionId: '' }),
      /sessionId must be a non-empty string/,
    ],
    [
      'no audio and no video',
      () => opentok.archives.create(SESSION_ID, { hasAudio: false, hasVideo: false }),
      /hasAudio and hasVideo cannot both be false/,
    ],
    [
      'resolution with individual output',
      () => opentok.archives.create(SESSION_ID, { outputMode: 'individual', resolution: '1280x720' }),
      /resolution is only allowed with outputMode 'composed'/,
    ],
    [
      'layout with individual output',
      () => opentok.archives.create(SESSION_ID, { outputMode: 'individual', layout: { type: 'pip' } }),
      /layout is only allowed with outputMode 'composed'/,
    ],
    [
      'unknown output mode',
      () => opentok.archives.create(SESSION_ID, { outputMode: 'mixed' as never }),
      /outputMode must be one of 'composed', 'individual'/,
    ],
    [
      'unknown resolution',
      () => opentok.archives.create(SESSION_ID, { resolution: '800x600' as never }),
      /resolution must be one of '640x480', '1280x720'/,
    ],
    [
      'custom layout without stylesheet',
      () => opentok.archives.create(SESSION_ID, { layout: { type: 'custom' } }),
      /layout.stylesheet/,
    ],
    [
      'screenshareType without bestFit',
      () => opentok.archives.create(SESSION_ID, { layout: { type: 'pip', screenshareType: 'pip' } }),
      /screenshareType is only allowed with layout.type 'bestFit'/,
    ],
    [
      'unknown stream mode',
      () => opentok.archives.create(SESSION_ID, { streamMode: 'some' as never }),
      /streamMode must be one of 'auto', 'manual'/,
    ],
  ];
  it.each(rows)('%s', async (_label, call, message) => {
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as Error).message).toMatch(message);
    expect(platform.requests).toHaveLength(0);
  });
});

describe('§5.5 error statuses', () => {
  const operations = {
    start: () => opentok.archives.create(SESSION_ID),
    stop: () => opentok.archives.stopById('abc'),
    get: () => opentok.archives.find('abc'),
    list: () => opentok.archives.all(),
    delete: () => opentok.archives.deleteById('abc'),
  };
  type Row = [
    label: string,
    operation: keyof typeof operations,
    status: number,
    body: string,
    errorClass: new (...args: never[]) => OpenTokError,
    message: RegExp,
  ];
  const json = (body: object) => JSON.stringify(body);
  const rows: Row[] = [
    [
      'start, no clients connected',
      'start',
      400,
      json({ message: 'no clients' }),
      ArchiveError,
      /Cannot start archive \(400\): .*no clients are connected to the session yet \(publish a stream first\)/,
    ],
    [
      'start, unknown session',
      'start',
      404,
      json({ message: 'not found' }),
      ArchiveError,
      /Cannot start archive \(404\): the session does not exist/,
    ],
    [
      'start, relayed or already recording',
      'start',
      409,
      json({ message: 'conflict' }),
      ArchiveError,
      /Cannot start archive \(409\): the session is relayed .* mediaMode 'routed'.* multiArchiveTag/,
    ],
    [
      'start, bad credentials',
      'start',
      403,
      fixture('error-403-auth.json'),
      AuthenticationError,
      /Cannot start archive \(403\): the platform rejected the credentials.*Issuer not found/,
    ],
    ['start, 401', 'start', 401, '', AuthenticationError, /rejected the credentials/],
    [
      'start, server error',
      'start',
      500,
      fixture('error-500.json'),
      RequestError,
      /Cannot start archive \(500\): .*try again later.*System error/,
    ],
    ['stop, invalid request', 'stop', 400, '', ArchiveError, /Cannot stop archive abc \(400\)/],
    [
      'stop, unknown archive',
      'stop',
      404,
      fixture('error-404-archive.json'),
      ArchiveError,
      /Cannot stop archive abc \(404\): no archive has this ID.*invalid archive ID/,
    ],
    [
      'stop, not recording',
      'stop',
      409,
      fixture('error-409-archive.json'),
      ArchiveError,
      /Cannot stop archive abc \(409\): the archive is not recording/,
    ],
    [
      'stop, bad credentials',
      'stop',
      403,
      fixture('error-403-auth.json'),
      AuthenticationError,
      /rejected the credentials/,
    ],
    [
      'get, invalid ID',
      'get',
      400,
      '',
      ArchiveError,
      /Cannot get archive abc \(400\): the archive ID is invalid/,
    ],
    [
      'get, unknown archive',
      'get',
      404,
      fixture('error-404-archive.json'),
      ArchiveError,
      /Cannot get archive abc \(404\): no archive has this ID/,
    ],
    ['get, server error', 'get', 500, fixture('error-500.json'), RequestError, /\(500\)/],
    [
      'list, bad credentials',
      'list',
      403,
      fixture('error-403-auth.json'),
      AuthenticationError,
      /Cannot list archives \(403\)/,
    ],
    ['list, server error', 'list', 503, '', RequestError, /Cannot list archives \(503\)/],
    [
      'delete, unknown archive',
      'delete',
      404,
      fixture('error-404-archive.json'),
      ArchiveError,
      /Cannot delete archive abc \(404\)/,
    ],
    [
      'delete, not deletable yet',
      'delete',
      409,
      json({ message: 'conflict' }),
      ArchiveError,
      /Cannot delete archive abc \(409\): only archives whose status is available, uploaded or deleted can be deleted/,
    ],
    [
      'delete, bad credentials',
      'delete',
      403,
      fixture('error-403-auth.json'),
      AuthenticationError,
      /Cannot delete archive abc \(403\)/,
    ],
    ['delete, unexpected 405', 'delete', 405, '', OpenTokError, /unexpected HTTP status 405/],
  ];
  it.each(rows)('%s → %s %s', async (_label, operation, status, body, errorClass, message) => {
    platform.answer({ status, body, contentType: 'application/json' });
    const error = await operations[operation]().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toMatchObject({ status });
    expect((error as Error).message).toMatch(message);
    if (body !== '') expect((error as OpenTokError).body).toEqual(JSON.parse(body));
  });

  it('a 405 on delete is a plain OpenTokError, not one of the specific classes', async () => {
    platform.answer({ status: 405 });
    const error = await opentok.archives.deleteById('abc').catch((e: unknown) => e);
    expect([
      error instanceof ArchiveError,
      error instanceof RequestError,
      error instanceof AuthenticationError,
    ]).toEqual([false, false, false]);
  });
});

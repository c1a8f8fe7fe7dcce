/** OpenTok: constructor, validation before any request, session creation and the auth headers it sends. */
import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import {
  ArgumentError,
  AuthenticationError,
  OpenTok,
  OpenTokError,
  RequestError,
  SDK_VERSION,
  type OpenTokOptions,
  type SessionOptions,
  type TokenOptions,
} from '../../src/sdk';
import { jsonFixture, startFakePlatform, type FakePlatform } from '../helpers/fake-platform';
import { API_KEY, API_SECRET, fixture, SESSION_ID } from '../helpers/platform-fixtures';

const { privateKey: rsaPrivateKey, publicKey: rsaPublicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
});
const PRIVATE_PEM = rsaPrivateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const APPLICATION_ID = '00000000-0000-0000-0000-000000000000';
const XML_SESSION_ID = '1_MX4xMjM0NTZ-fk1vbiBNYXIgMTcgMDA6NDE6MzEgUERUIDIwMTR-MC42ODM3ODk1MzQ0OTQyODA4fg';

let platform: FakePlatform;
beforeAll(async () => {
  platform = await startFakePlatform();
});
afterAll(() => platform.close());
beforeEach(() => platform.reset());

function project(extra: Partial<OpenTokOptions> = {}): OpenTok {
  return new OpenTok({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    apiUrl: platform.url,
    ...extra,
  } as OpenTokOptions);
}
function application(): OpenTok {
  return new OpenTok({ applicationId: APPLICATION_ID, privateKey: PRIVATE_PEM, apiUrl: platform.url });
}

describe('new OpenTok', () => {
  it('keeps a numeric API key as a string and defaults to the OpenTok host', () => {
    const opentok = new OpenTok({ apiKey: 123456, apiSecret: API_SECRET });
    expect(opentok.apiKey).toBe('123456');
    expect(opentok.apiUrl).toBe('https://api.opentok.com');
  });

  it('uses the application ID as apiKey and the Vonage host for a Vonage application', () => {
    const opentok = new OpenTok({ applicationId: APPLICATION_ID, privateKey: PRIVATE_PEM });
    expect(opentok.apiKey).toBe(APPLICATION_ID);
    expect(opentok.apiUrl).toBe('https://video.api.vonage.com');
  });

  it('keeps a base path of apiUrl and drops its trailing slash', () => {
    expect(
      new OpenTok({ apiKey: API_KEY, apiSecret: API_SECRET, apiUrl: 'http://127.0.0.1:3000/emulator/' })
        .apiUrl,
    ).toBe('http://127.0.0.1:3000/emulator');
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['no credentials', {}, /either \{ apiKey, apiSecret \}/],
    [
      'both kinds',
      { apiKey: API_KEY, apiSecret: API_SECRET, applicationId: APPLICATION_ID, privateKey: PRIVATE_PEM },
      /not both/,
    ],
    ['empty apiKey', { apiKey: '', apiSecret: API_SECRET }, /apiKey must be the project API key/],
    ['apiKey with spaces', { apiKey: '12 34', apiSecret: API_SECRET }, /apiKey must be the project API key/],
    ['non-ASCII apiKey', { apiKey: '１２３', apiSecret: API_SECRET }, /apiKey must be the project API key/],
    ['missing apiSecret', { apiKey: API_KEY }, /apiSecret/],
    ['privateKey not PEM', { applicationId: APPLICATION_ID, privateKey: 'not a key' }, /privateKey .*PEM/],
    ['apiUrl not http', { apiKey: API_KEY, apiSecret: API_SECRET, apiUrl: 'ftp://example.com' }, /apiUrl/],
    ['timeoutMs zero', { apiKey: API_KEY, apiSecret: API_SECRET, timeoutMs: 0 }, /timeoutMs/],
  ];
  it.each(bad)('rejects %s with an ArgumentError naming the option', (_label, options, message) => {
    expect(() => new OpenTok(options as OpenTokOptions)).toThrow(ArgumentError);
    expect(() => new OpenTok(options as OpenTokOptions)).toThrow(message);
  });
});

describe('generateToken validation (before anything is signed)', () => {
  const now = Math.floor(Date.now() / 1000);
  const rows: Array<[string, string, TokenOptions, RegExp]> = [
    [
      'unknown role',
      SESSION_ID,
      { role: 'admin' as never },
      /role must be one of 'subscriber', 'publisher', 'publisheronly', 'moderator'/,
    ],
    [
      'expireTime in the past',
      SESSION_ID,
      { expireTime: now - 10 },
      /expireTime must be epoch seconds .* 30 days ahead/,
    ],
    ['expireTime beyond 30 days', SESSION_ID, { expireTime: now + 31 * 86400 }, /expireTime/],
    [
      'expireTime in milliseconds',
      SESSION_ID,
      { expireTime: Date.now() + 3_600_000 },
      /expireTime must be epoch seconds/,
    ],
    [
      'data of 1000 characters',
      SESSION_ID,
      { data: 'x'.repeat(1000) },
      /data must be fewer than 1000 characters/,
    ],
    ['empty session ID', '', {}, /sessionId must be a non-empty string/],
    [
      'session of another API key',
      '1_MX40NjI2NDk1Mn5-MTYyMjAyODA3OTgwOH44Tmd0VXR3dGlVdG1ZYjVpeDVXNGxMOGN-fg',
      {},
      /does not belong to API key 123456/,
    ],
    [
      'session ID with a lone surrogate',
      `${SESSION_ID}\uD800`,
      { tokenType: 'T1' },
      /sessionId must be valid Unicode/,
    ],
    ['data with a lone surrogate', SESSION_ID, { data: 'a\uDC00' }, /data must be valid Unicode/],
    ['undecodable session ID', 'not-a-session', {}, /does not belong to API key/],
    ['unknown tokenType', SESSION_ID, { tokenType: 'SAML' as never }, /tokenType must be one of 'JWT', 'T1'/],
  ];
  it.each(rows)('%s', (_label, sessionId, options, message) => {
    expect(() => project().generateToken(sessionId, options)).toThrow(ArgumentError);
    expect(() => project().generateToken(sessionId, options)).toThrow(message);
  });

  it('accepts data of 999 characters and an expiry exactly 30 days ahead', () => {
    const opentok = project({ clock: () => now * 1000 });
    expect(
      opentok.generateToken(SESSION_ID, { data: 'x'.repeat(999), expireTime: now + 30 * 86400 }),
    ).toMatch(/^eyJ/);
  });

  describe('data limit: fewer than 1000 characters, counted in code points as Ruby SDK 2.2.0 counts them', () => {
    const EMOJI = '\u{1F600}'; // one character, two UTF-16 units
    const accepted: Array<[string, string]> = [
      ['999 ASCII characters', 'x'.repeat(999)],
      ['600 emoji (1200 UTF-16 units)', EMOJI.repeat(600)],
      ['999 emoji (1998 UTF-16 units)', EMOJI.repeat(999)],
      ['998 ASCII and one emoji (999 characters, 1000 UTF-16 units)', `${'x'.repeat(998)}${EMOJI}`],
    ];
    it.each(accepted)(
      'accepts %s and carries the data unchanged in a JWT and a T1 token',
      async (_label, data) => {
        const opentok = project();
        const jwt = opentok.generateToken(SESSION_ID, { data });
        const { payload } = await jwtVerify(jwt, new TextEncoder().encode(API_SECRET));
        expect(payload.connection_data).toBe(data);
        const t1 = opentok.generateToken(SESSION_ID, { data, tokenType: 'T1' });
        const signed = Buffer.from(t1.slice('T1=='.length), 'base64').toString('utf8');
        expect(new URLSearchParams(signed.slice(signed.indexOf(':') + 1)).get('connection_data')).toBe(data);
      },
    );

    const rejected: Array<[string, string, number]> = [
      ['1000 ASCII characters', 'x'.repeat(1000), 1000],
      ['1000 emoji', EMOJI.repeat(1000), 1000],
      ['999 ASCII characters and one emoji', `${'x'.repeat(999)}${EMOJI}`, 1000],
      ['1200 emoji', EMOJI.repeat(1200), 1200],
    ];
    it.each(rejected)('rejects %s, counting characters in the message', (_label, data, characters) => {
      for (const tokenType of ['JWT', 'T1'] as const) {
        expect(() => project().generateToken(SESSION_ID, { data, tokenType })).toThrow(
          new ArgumentError({
            message: `data must be fewer than 1000 characters (got ${characters} characters)`,
          }),
        );
      }
    });
  });

  it('asking a Vonage application for a T1 token is an ArgumentError', () => {
    expect(() => application().generateToken(SESSION_ID, { tokenType: 'T1' })).toThrow(
      /tokenType 'T1' is only available for OpenTok projects/,
    );
  });

  it('Session.generateToken mints a token for its own session', async () => {
    platform.answer({ status: 200, body: fixture('session-create-2014.xml'), contentType: 'text/xml' });
    const session = await project().createSession();
    const token = session.generateToken({ role: 'subscriber' });
    const { payload } = await jwtVerify(token, new TextEncoder().encode(API_SECRET), {
      algorithms: ['HS256'],
    });
    expect(payload).toMatchObject({ session_id: XML_SESSION_ID, role: 'subscriber' });
  });
});

describe('createSession', () => {
  const rows: Array<[string, SessionOptions, string]> = [
    ['defaults to routed, manual', {}, 'archiveMode=manual&p2p.preference=disabled'],
    ['relayed', { mediaMode: 'relayed' }, 'archiveMode=manual&p2p.preference=enabled'],
    ['always archived', { archiveMode: 'always' }, 'archiveMode=always&p2p.preference=disabled'],
    [
      'location hint',
      { location: '12.34.56.78', mediaMode: 'relayed' },
      'archiveMode=manual&location=12.34.56.78&p2p.preference=enabled',
    ],
    ['end-to-end encrypted', { e2ee: true }, 'archiveMode=manual&e2ee=true&p2p.preference=disabled'],
  ];
  it.each(rows)('%s: POST /session/create with a form body', async (_label, options, body) => {
    platform.answer(jsonFixture('session-create.json'));
    const session = await project().createSession(options);
    const [request] = platform.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/session/create', body });
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers.accept).toBe('application/json');
    expect(session).toMatchObject({
      sessionId: 'SESSIONID',
      mediaMode: options.mediaMode ?? 'routed',
      archiveMode: options.archiveMode ?? 'manual',
      location: options.location,
      e2ee: options.e2ee ?? false,
    });
  });

  it('reads the XML reply older platforms send', async () => {
    platform.answer({ status: 200, body: fixture('session-create-2014.xml'), contentType: 'text/xml' });
    expect((await project().createSession()).sessionId).toBe(XML_SESSION_ID);
  });

  it('accepts JSON declared with a charset', async () => {
    platform.answer({
      status: 200,
      body: fixture('session-create.json'),
      contentType: 'application/json; charset=utf-8',
    });
    expect((await project().createSession()).sessionId).toBe('SESSIONID');
  });

  it('rejects a reply without a session ID as a RequestError', async () => {
    platform.answer({ status: 200, body: '[]', contentType: 'application/json' });
    await expect(project().createSession()).rejects.toThrow(RequestError);
  });

  it('maps the recorded 403 to an AuthenticationError that says what to check', async () => {
    platform.answer(jsonFixture('session-create-403.json', 403));
    const error = await project()
      .createSession()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({
      status: 403,
      body: { code: -1, message: 'No suitable authentication found' },
    });
    expect((error as Error).message).toMatch(
      /Cannot create session \(403\): the platform rejected the credentials — check the API key/,
    );
  });

  it('maps a 400 to an OpenTokError naming the session options', async () => {
    platform.answer({
      status: 400,
      body: '{"message":"bad p2p.preference"}',
      contentType: 'application/json',
    });
    const error = await project()
      .createSession()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenTokError);
    expect((error as Error).message).toMatch(
      /check mediaMode, archiveMode, location and e2ee.*bad p2p.preference/,
    );
  });

  const invalid: Array<[string, SessionOptions, RegExp]> = [
    ['unknown mediaMode', { mediaMode: 'mesh' as never }, /mediaMode must be one of 'routed', 'relayed'/],
    [
      'unknown archiveMode',
      { archiveMode: 'sometimes' as never },
      /archiveMode must be one of 'manual', 'always'/,
    ],
    ['location not IPv4', { location: 'example.com' }, /location must be an IPv4 address/],
    ['IPv6 location', { location: '::1' }, /location must be an IPv4 address/],
    [
      'always archived relayed session',
      { mediaMode: 'relayed', archiveMode: 'always' },
      /archiveMode 'always' needs mediaMode 'routed'/,
    ],
    ['e2ee on a relayed session', { mediaMode: 'relayed', e2ee: true }, /e2ee needs mediaMode 'routed'/],
    [
      'e2ee with always archiving',
      { archiveMode: 'always', e2ee: true },
      /e2ee cannot be combined with archiveMode 'always'/,
    ],
  ];
  it.each(invalid)('%s is an ArgumentError and sends nothing', async (_label, options, message) => {
    await expect(project().createSession(options)).rejects.toThrow(message);
    await expect(project().createSession(options)).rejects.toBeInstanceOf(ArgumentError);
    expect(platform.requests).toHaveLength(0);
  });
});

describe('auth headers', () => {
  it('an OpenTok project signs every request with a fresh HS256 JWT in X-OPENTOK-AUTH', async () => {
    platform.answer(jsonFixture('session-create.json'));
    const opentok = project();
    await opentok.createSession();
    await opentok.createSession();
    const [first, second] = platform.requests.map((r) => String(r.headers['x-opentok-auth']));
    expect(first).not.toBe(second);
    expect(platform.requests[0]?.headers.authorization).toBeUndefined();
    expect(platform.requests[0]?.headers['user-agent']).toBe(`opentok-ts-sdk/${SDK_VERSION}`);
    const { payload, protectedHeader } = await jwtVerify(first ?? '', new TextEncoder().encode(API_SECRET), {
      algorithms: ['HS256'],
    });
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toMatchObject({ iss: API_KEY, ist: 'project' });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(300);
    expect(Math.abs((payload.iat ?? 0) - Date.now() / 1000)).toBeLessThan(5);
    expect(typeof payload.jti).toBe('string');
  });

  it('a Vonage application sends Authorization: Bearer with an RS256 JWT to /v2/project/{applicationId}', async () => {
    platform.answer(jsonFixture('archive-list-current.json'));
    await application().archives.all();
    const [request] = platform.requests;
    expect(request?.url).toBe(`/v2/project/${APPLICATION_ID}/archive?count=50`);
    expect(request?.headers['x-opentok-auth']).toBeUndefined();
    const bearer = String(request?.headers.authorization);
    expect(bearer).toMatch(/^Bearer /);
    const jwt = bearer.slice('Bearer '.length);
    expect(decodeProtectedHeader(jwt)).toEqual({ typ: 'JWT', alg: 'RS256' });
    const { payload } = await jwtVerify(jwt, rsaPublicKey, { algorithms: ['RS256'] });
    expect(payload).toMatchObject({ iss: APPLICATION_ID, ist: 'project', application_id: APPLICATION_ID });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(300);
    expect(typeof payload.jti).toBe('string');
  });
});

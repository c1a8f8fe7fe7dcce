/** Client tokens: T1 byte for byte against the worked examples of docs/platform.md §4.2, JWTs verified with jose. */
import { createHmac, createSecretKey, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { OpenTok } from '../../src/sdk';
import {
  createProjectAuthJwt,
  createT1Token,
  encodeT1Data,
  type T1Layout,
  type TokenFields,
} from '../../src/sdk/tokens';
import { API_KEY, API_SECRET, fixture, SESSION_ID } from '../helpers/platform-fixtures';

interface T1Example {
  id: string;
  data_params_in_order: Array<{ name: string; value: string }>;
  data_string: string;
  hmac_sha1_hex: string;
  token: string;
}
interface JwtExample {
  id: string;
  header_json?: string;
  payload_json?: string;
  token: string;
}
const tokens = JSON.parse(fixture('tokens.json')) as { t1_examples: T1Example[]; jwt_examples: JwtExample[] };

const CREATE_TIME = 1424221013;
const NONCE = 0.3942609881050885;
const secretKey = createSecretKey(Buffer.from(API_SECRET));

function example(id: string): T1Example {
  const found = tokens.t1_examples.find((e) => e.id === id);
  if (found === undefined) throw new Error(`fixture ${id} missing`);
  return found;
}

function fieldsOf(e: T1Example): TokenFields {
  const params = new Map(e.data_params_in_order.map((p) => [p.name, p.value]));
  const fields: TokenFields = {
    sessionId: params.get('session_id') ?? '',
    role: params.get('role') as TokenFields['role'],
    createTime: Number(params.get('create_time')),
    nonce: Number(params.get('nonce')),
  };
  if (params.has('expire_time')) fields.expireTime = Number(params.get('expire_time'));
  if (params.has('connection_data')) fields.connectionData = params.get('connection_data');
  if (params.has('initial_layout_class_list'))
    fields.initialLayoutClassList = params.get('initial_layout_class_list');
  return fields;
}

function fixedOpenTok(): OpenTok {
  return new OpenTok({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    clock: () => CREATE_TIME * 1000,
    nonce: () => NONCE,
  });
}

describe('T1 tokens reproduce the worked examples byte for byte', () => {
  const rows: Array<[string, T1Layout]> = [
    ['A-token-encoder', 'opentok-token'],
    ['B-ruby-2.2.0', 'ruby'],
    ['B2-ruby-2.2.0-default-expiry', 'ruby'],
    ['C-node-current-t1', 'opentok-node'],
    ['D-ruby-4x-t1', 'ruby'],
  ];

  it.each(rows)('%s (%s layout): data string and token', (id, layout) => {
    const e = example(id);
    expect(encodeT1Data(fieldsOf(e), layout)).toBe(e.data_string);
    expect(createT1Token(API_KEY, secretKey, fieldsOf(e), layout)).toBe(e.token);
  });

  it.each(['B-ruby-2.2.0', 'B2-ruby-2.2.0-default-expiry', 'D-ruby-4x-t1'])(
    '%s through OpenTok.generateToken with tokenType T1 (the default T1 layout)',
    (id) => {
      const fields = fieldsOf(example(id));
      const token = fixedOpenTok().generateToken(SESSION_ID, {
        tokenType: 'T1',
        role: fields.role,
        ...(fields.expireTime === undefined ? {} : { expireTime: fields.expireTime }),
        ...(fields.connectionData === undefined ? {} : { data: fields.connectionData }),
        ...(fields.initialLayoutClassList === undefined
          ? {}
          : { initialLayoutClassList: fields.initialLayoutClassList.split(' ') }),
      });
      expect(token).toBe(example(id).token);
    },
  );

  it('signs the exact data string with HMAC-SHA1 of the secret (independent check)', () => {
    const token = new OpenTok({ apiKey: API_KEY, apiSecret: API_SECRET }).generateToken(SESSION_ID, {
      tokenType: 'T1',
      data: 'name=Ann & Bob (ops)',
    });
    expect(token.startsWith('T1==')).toBe(true);
    const decoded = Buffer.from(token.slice(4), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const meta = new URLSearchParams(decoded.slice(0, colon));
    const data = decoded.slice(colon + 1);
    expect(meta.get('partner_id')).toBe(API_KEY);
    expect(meta.get('sig')).toBe(createHmac('sha1', API_SECRET).update(data).digest('hex'));
    const params = new URLSearchParams(data);
    expect([...params.keys()]).toEqual(['role', 'session_id', 'create_time', 'nonce', 'connection_data']);
    expect(params.get('connection_data')).toBe('name=Ann & Bob (ops)');
    expect(params.get('role')).toBe('publisher');
  });

  it('form-encodes any text the Addressable way: only unreserved characters, %XX, and + for spaces', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 80 }),
          fc.string({ unit: 'binary-ascii', maxLength: 80 }),
        ),
        (text) => {
          const data = encodeT1Data(
            { sessionId: SESSION_ID, role: 'publisher', createTime: 1, nonce: 0.5, connectionData: text },
            'ruby',
          );
          const encoded = data.slice(data.indexOf('connection_data=') + 'connection_data='.length);
          expect(encoded).toMatch(/^(?:[A-Za-z0-9\-._~+]|%[0-9A-F]{2})*$/);
          expect(new URLSearchParams(data).get('connection_data')).toBe(text.replace(/\r\n|\n|\r/g, '\r\n'));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('signs with HMAC-SHA1 of any secret, ASCII or not, short or longer than a SHA-1 block', () => {
    const secrets = fc.oneof(
      fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 100 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 100 }),
    );
    fc.assert(
      fc.property(secrets, fc.string({ unit: 'binary-ascii', maxLength: 300 }), (secret, text) => {
        const fields = { sessionId: SESSION_ID, role: 'publisher' as const, createTime: 1, nonce: 0.5 };
        const token = createT1Token(API_KEY, createSecretKey(Buffer.from(secret)), {
          ...fields,
          connectionData: text,
        });
        const decoded = Buffer.from(token.slice(4), 'base64').toString('latin1');
        const data = decoded.slice(decoded.indexOf(':') + 1);
        expect(decoded).toContain(
          `&sig=${createHmac('sha1', Buffer.from(secret)).update(data).digest('hex')}:`,
        );
      }),
      { numRuns: 300 },
    );
  });

  it("turns line breaks into CRLF pairs and escapes !'()* as Addressable does", () => {
    const data = encodeT1Data(
      { sessionId: SESSION_ID, role: 'publisher', createTime: 1, nonce: 0.5, connectionData: "a\nb!'()*" },
      'ruby',
    );
    expect(data.endsWith('connection_data=a%0D%0Ab%21%27%28%29%2A')).toBe(true);
  });
});

describe('JWT client tokens', () => {
  const jwtFixture = (id: string): JwtExample => {
    const found = tokens.jwt_examples.find((e) => e.id === id);
    if (found === undefined) throw new Error(`fixture ${id} missing`);
    return found;
  };

  it('OpenTok project: reproduces the opentok-node claim set fixture byte for byte (the default token type)', async () => {
    const expected = jwtFixture('client-token-jwt-opentok-key');
    const token = fixedOpenTok().generateToken(SESSION_ID);
    expect(token).toBe(expected.token);
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(API_SECRET), {
      algorithms: ['HS256'],
      currentDate: new Date(CREATE_TIME * 1000),
    });
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toEqual(JSON.parse(expected.payload_json ?? '{}'));
  });

  it('OpenTok project: carries role, data, layout classes and expiry when given', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = new OpenTok({ apiKey: API_KEY, apiSecret: API_SECRET }).generateToken(SESSION_ID, {
      role: 'moderator',
      data: 'name=Ann',
      expireTime: now + 3600,
      initialLayoutClassList: ['focus', 'full'],
    });
    const { payload } = await jwtVerify(token, new TextEncoder().encode(API_SECRET), {
      algorithms: ['HS256'],
    });
    expect(payload).toMatchObject({
      iss: API_KEY,
      ist: 'project',
      role: 'moderator',
      connection_data: 'name=Ann',
      initial_layout_class_list: 'focus full',
      scope: 'session.connect',
      session_id: SESSION_ID,
      exp: now + 3600,
      expire_time: now + 3600,
    });
    expect(Math.abs((payload.iat ?? 0) - now)).toBeLessThanOrEqual(2);
  });

  it('a token signed with another secret does not verify', async () => {
    const token = fixedOpenTok().generateToken(SESSION_ID);
    await expect(
      jwtVerify(token, new TextEncoder().encode('another-secret'), {
        currentDate: new Date(CREATE_TIME * 1000),
      }),
    ).rejects.toThrow();
  });

  it('Vonage application: RS256 with the claims of docs/platform.md §4.4, verified with the public key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const applicationId = '00000000-0000-0000-0000-000000000000';
    const vonage = new OpenTok({
      applicationId,
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    const token = vonage.generateToken('2_any-session-id-of-the-application', {
      role: 'subscriber',
      data: 'x=1',
    });
    expect(decodeProtectedHeader(token)).toEqual({ typ: 'JWT', alg: 'RS256' });
    const { payload } = await jwtVerify(token, publicKey, { algorithms: ['RS256'] });
    expect(payload).toMatchObject({
      application_id: applicationId,
      scope: 'session.connect',
      session_id: '2_any-session-id-of-the-application',
      role: 'subscriber',
      sub: 'video',
      acl: { paths: { '/session/**': {} } },
      connection_data: 'x=1',
      initial_layout_class_list: '',
    });
    expect(payload.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(86400);
  });
});

describe('any valid options round-trip through both token types', () => {
  const opentok = new OpenTok({ apiKey: API_KEY, apiSecret: API_SECRET });
  const options = fc.record({
    role: fc.constantFrom(
      'subscriber' as const,
      'publisher' as const,
      'publisheronly' as const,
      'moderator' as const,
    ),
    data: fc.string({ unit: 'grapheme', maxLength: 200 }),
    classes: fc.array(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), { maxLength: 4 }),
  });

  it('JWT: verifies with the secret and carries the options unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(options, async ({ role, data, classes }) => {
        const token = opentok.generateToken(SESSION_ID, { role, data, initialLayoutClassList: classes });
        const { payload } = await jwtVerify(token, new TextEncoder().encode(API_SECRET), {
          algorithms: ['HS256'],
        });
        expect(payload).toMatchObject({
          role,
          connection_data: data,
          initial_layout_class_list: classes.join(' '),
        });
      }),
      { numRuns: 100 },
    );
  });

  it('T1: the signature verifies and form-decoding gives the options back', () => {
    fc.assert(
      fc.property(options, ({ role, data, classes }) => {
        const token = opentok.generateToken(SESSION_ID, {
          tokenType: 'T1',
          role,
          data,
          initialLayoutClassList: classes,
        });
        const decoded = Buffer.from(token.slice(4), 'base64').toString('latin1');
        const colon = decoded.indexOf(':');
        const signed = decoded.slice(colon + 1);
        expect(new URLSearchParams(decoded.slice(0, colon)).get('sig')).toBe(
          createHmac('sha1', API_SECRET).update(signed).digest('hex'),
        );
        const params = new URLSearchParams(signed);
        expect(params.get('role')).toBe(role);
        expect(params.get('session_id')).toBe(SESSION_ID);
        expect(params.get('connection_data')).toBe(data.replace(/\r\n|\n|\r/g, '\r\n'));
        expect(params.get('initial_layout_class_list')).toBe(classes.join(' '));
      }),
      { numRuns: 200 },
    );
  });
});

describe('REST auth JWT', () => {
  it('reproduces the X-OPENTOK-AUTH example of docs/platform.md §1.2 (iss, ist, iat, exp = iat + 300, jti)', () => {
    const expected = tokens.jwt_examples.find((e) => e.id === 'rest-auth-hs256-docs-claims');
    const payload = JSON.parse(expected?.payload_json ?? '{}') as { jti: string };
    expect(createProjectAuthJwt(API_KEY, secretKey, CREATE_TIME, payload.jti)).toBe(expected?.token);
  });
});

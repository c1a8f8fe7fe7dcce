/** Client tokens and REST JWTs the official SDKs produced (recorded fixtures) verify; altered ones do not. */
import { createHmac } from 'node:crypto';
import { verifyClientToken } from '../../src/emulator/auth/client-token';
import { checkRestJwt } from '../../src/emulator/auth/rest-auth';
import { AuthenticationError } from '../../src/emulator/errors';
import { createSessionId } from '../../src/emulator/session-id';
import { fixture } from './support/fixtures';

interface TokensFixture {
  credentials: { api_key: string; api_secret: string };
  session_id: string;
  t1_examples: Array<{
    id: string;
    token: string;
    data_params_in_order: Array<{ name: string; value: string }>;
  }>;
  jwt_examples: Array<{ id: string; token: string }>;
}

const tokens = fixture<TokensFixture>('tokens.json');
const apiKey = tokens.credentials.api_key;
const apiSecret = tokens.credentials.api_secret;
const createdMs = 1424221013 * 1000;
const base = { apiKey, apiSecret, sessionId: tokens.session_id, nowMs: createdMs + 60_000, clockSkewMs: 0 };

describe('T1 tokens of every SDK field order', () => {
  it.each(tokens.t1_examples.map((e) => [e.id, e] as const))(
    '%s verifies with its role and connection data',
    async (_id, example) => {
      const param = (name: string) => example.data_params_in_order.find((p) => p.name === name)?.value;
      const claims = await verifyClientToken({ ...base, token: example.token });
      expect(claims.role).toBe(param('role'));
      expect(claims.connectionData).toBe(param('connection_data') ?? '');
      expect(claims.initialLayoutClassList).toBe(param('initial_layout_class_list') ?? '');
    },
  );

  it('accepts the URL-safe base64 alphabet Java uses', async () => {
    // Find connection data whose token needs base64's + or / (bounded search, deterministic).
    for (let i = 0; i < 500; i += 1) {
      const data = `session_id=${tokens.session_id}&create_time=1424221013&role=moderator&connection_data=${'~'.repeat(i % 7)}${i}`;
      const sig = createHmac('sha1', apiSecret).update(data).digest('hex');
      const standard = Buffer.from(`partner_id=${apiKey}&sig=${sig}:${data}`).toString('base64');
      if (!/[+/]/.test(standard)) continue;
      const urlSafe = `T1==${standard.replace(/\+/g, '-').replace(/\//g, '_')}`;
      expect((await verifyClientToken({ ...base, token: `T1==${standard}` })).role).toBe('moderator');
      expect((await verifyClientToken({ ...base, token: urlSafe })).role).toBe('moderator');
      return;
    }
    throw new Error('no token with + or / found');
  });

  it('gives a token without expire_time the 24 h default after create_time', async () => {
    const noExpiry = tokens.t1_examples.find((e) => e.id.startsWith('B2'))!;
    await expect(
      verifyClientToken({ ...base, token: noExpiry.token, nowMs: createdMs + 86_000_000 }),
    ).resolves.toBeDefined();
    await expect(
      verifyClientToken({ ...base, token: noExpiry.token, nowMs: createdMs + 86_500_000 }),
    ).rejects.toThrow(/expired/);
  });

  it('refuses a signature not written as 40 lowercase hex digits, even when its bytes match', async () => {
    const example = tokens.t1_examples[0]!;
    const decoded = Buffer.from(example.token.slice(4), 'base64').toString();
    const reencode = (text: string): string => `T1==${Buffer.from(text).toString('base64')}`;
    const upper = decoded.replace(/sig=([0-9a-f]{40})/, (_m, hex: string) => `sig=${hex.toUpperCase()}`);
    const trailing = decoded.replace(/sig=([0-9a-f]{40})/, 'sig=$1zz');
    expect((await verifyClientToken({ ...base, token: reencode(decoded) })).role).toBe('moderator');
    await expect(verifyClientToken({ ...base, token: reencode(upper) })).rejects.toThrow(/signature/);
    await expect(verifyClientToken({ ...base, token: reencode(trailing) })).rejects.toThrow(/signature/);
  });

  it('refuses an altered data string, another key, another session and an expired token', async () => {
    const example = tokens.t1_examples[0]!;
    const decoded = Buffer.from(example.token.slice(4), 'base64').toString();
    const tampered = `T1==${Buffer.from(decoded.replace('role=moderator', 'role=publisher')).toString('base64')}`;
    const cases = [
      { ...base, token: tampered },
      { ...base, token: example.token, apiKey: '654321' },
      { ...base, token: example.token, sessionId: `${tokens.session_id}x` },
      { ...base, token: example.token, nowMs: Date.now() },
      { ...base, token: example.token, apiSecret: 'f'.repeat(40) },
    ];
    for (const input of cases) await expect(verifyClientToken(input)).rejects.toThrow(AuthenticationError);
  });
});

describe('JWT client tokens', () => {
  it('verifies the opentok-node claim set and refuses it once expired or for another session', async () => {
    const { token } = tokens.jwt_examples.find((e) => e.id === 'client-token-jwt-opentok-key')!;
    await expect(verifyClientToken({ ...base, token })).resolves.toMatchObject({
      role: 'publisher',
      connectionData: '',
    });
    await expect(verifyClientToken({ ...base, token, nowMs: (1424307413 + 1) * 1000 })).rejects.toThrow(
      /expired/,
    );
    await expect(verifyClientToken({ ...base, token, sessionId: 'other' })).rejects.toThrow(
      /different session/,
    );
  });

  it('refuses a REST JWT (no session.connect scope) used as a client token', async () => {
    const { token } = tokens.jwt_examples.find((e) => e.id === 'rest-auth-hs256-docs-claims')!;
    await expect(verifyClientToken({ ...base, token })).rejects.toThrow(/scope|session/);
  });
});

describe('REST JWTs', () => {
  const restOptions = { apiKey, apiSecret, clockSkewMs: 30_000 };

  it('accepts the Ruby cassette header form (ist in the JOSE header) and the documented claim set', async () => {
    const ruby = tokens.jwt_examples.find((e) => e.id === 'rest-auth-ruby-sdk-cassette')!.token;
    await expect(
      checkRestJwt(ruby, { ...restOptions, clock: () => 1492510700 * 1000 }),
    ).resolves.toBeUndefined();
    const docs = tokens.jwt_examples.find((e) => e.id === 'rest-auth-hs256-docs-claims')!.token;
    await expect(
      checkRestJwt(docs, { ...restOptions, clock: () => 1424221100 * 1000 }),
    ).resolves.toBeUndefined();
  });

  it('tolerates a small clock skew on exp, and no more', async () => {
    const docs = tokens.jwt_examples.find((e) => e.id === 'rest-auth-hs256-docs-claims')!.token;
    await expect(
      checkRestJwt(docs, { ...restOptions, clock: () => (1424221313 + 20) * 1000 }),
    ).resolves.toBeUndefined();
    await expect(
      checkRestJwt(docs, { ...restOptions, clock: () => (1424221313 + 40) * 1000 }),
    ).rejects.toThrow(/expired/);
  });
});

/** The API key a session ID names, decoded as the official SDKs do; null when it is not in the platform's format. */
function apiKeyOfSessionId(sessionId: string): string | null {
  if (sessionId.length < 3) return null;
  const fields = Buffer.from(sessionId.slice(2), 'base64url').toString('utf8').split('~');
  return fields.length >= 5 && fields[0] === '1' ? (fields[1] ?? null) : null;
}

describe('session IDs', () => {
  it('round-trip the API key through the platform format the SDKs decode', () => {
    const id = createSessionId({ apiKey: '100000001', location: '10.0.0.1', nowMs: 1_700_000_000_000 });
    expect(id.startsWith('1_')).toBe(true);
    expect(apiKeyOfSessionId(id)).toBe('100000001');
    // The SDKs' "belongs to key" decode: strip two chars, base64, split on ~.
    const fields = Buffer.from(id.slice(2).replace(/-/g, '+').replace(/_/g, '/'), 'base64')
      .toString()
      .split('~');
    expect(fields.slice(0, 4)).toEqual(['1', '100000001', '10.0.0.1', '1700000000000']);
    expect(apiKeyOfSessionId(tokens.session_id)).toBe(apiKey);
  });
});
